/**
 * Calling a route's handler and shaping what it returns into a status, a body and headers,
 * shared by the cached and the uncached routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HandlerReply } from './reply.js';

/** What a handler receives: the validated request parts. */
export interface HandlerRequest<Params = unknown, Query = unknown, Headers = unknown, Body = unknown> {
  params: Params;
  query: Query;
  headers: Headers;
  body: Body;
}

export type AnyHandler = (request: HandlerRequest) => Promise<unknown>;

/** A handler's answer: `reply(status, body, headers)` or a plain body with the operation's success status. */
export interface HandlerResult {
  status: number;
  body: unknown;
  headers: Record<string, string | string[]>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function handlerOf(handlers: Record<string, unknown>, operationId: string): AnyHandler {
  const handler = handlers[operationId];
  if (typeof handler !== 'function') {
    throw new Error(`routes: handlers.${operationId} is missing; the spec's operation "${operationId}" needs a handler function`);
  }
  return handler.bind(handlers) as AnyHandler;
}

export function requestOf(request: FastifyRequest): HandlerRequest {
  return { params: request.params, query: request.query, headers: request.headers, body: request.body };
}

export function resultOf(result: unknown, successStatus: number): HandlerResult {
  return result instanceof HandlerReply ? result : { status: successStatus, body: result, headers: {} };
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function serializeBody(reply: FastifyReply, status: number, body: unknown, contentType: string): { bytes: Buffer; type: string } {
  if (Buffer.isBuffer(body)) return { bytes: body, type: contentType };
  if (typeof body === 'string' && !contentType.includes('json')) return { bytes: Buffer.from(body), type: contentType };
  if (body === undefined) return { bytes: Buffer.alloc(0), type: contentType };
  const serialize = reply.getSerializationFunction(String(status)) as ((payload: unknown) => string) | undefined;
  return { bytes: Buffer.from(serialize ? serialize(body) : JSON.stringify(body)), type: JSON_TYPE };
}

export function contentTypeHeader(type: string): string {
  return type.includes('json') && !type.includes('charset') ? `${type}; charset=utf-8` : type;
}
