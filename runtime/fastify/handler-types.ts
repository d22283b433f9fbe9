/**
 * The types a generated server.ts names its handlers with: `GetProductHandler =
 * Handler<GetProductRequest, GetProductResponse>`, where the request type lists the parts the
 * operation declares (the client's arguments: `path`, `query`, `headers`, `body`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HandlerRequest } from './handler.js';
import type { HandlerReply } from './reply.js';

/** The request parts an operation declares, as its generated `…Request` type lists them. */
export interface RequestParts {
  path?: object;
  query?: object;
  headers?: object;
  body?: unknown;
}

/** The request type of an operation that declares no parameters and no body (a name no operation's own `…Request` can take). */
export type NoParameters = Record<never, never>;

type Part<R, K extends keyof RequestParts, Absent> = K extends keyof R ? NonNullable<R[K]> : Absent;

/** A handler: the validated request in; the success body, or `reply(status, body, headers)`, out. */
export type Handler<Request extends RequestParts, Response> = (
  request: HandlerRequest<
    Part<Request, 'path', Record<string, never>>,
    Part<Request, 'query', Record<string, never>>,
    IncomingHttpHeaders & Part<Request, 'headers', unknown>,
    'body' extends keyof Request ? Request['body'] : undefined
  >,
) => Promise<Response | HandlerReply>;
