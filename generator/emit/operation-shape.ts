/**
 * Facts about one IR operation that several emitters need: its success response, its media
 * types, and the TypeScript types of its request parts as indexed accesses into the
 * openapi-typescript `operations` interface.
 */
import type { IrOperation, IrResponse } from '../ir/types.js';
import { quote } from './source-file.js';

const JSON_MEDIA = /^application\/(.+\+)?json$/;

/** The first 2xx response (by status), or undefined when the spec declares none. */
export function successResponse(op: IrOperation): IrResponse | undefined {
  const ok = op.responses.filter((r) => /^2(\d\d|XX)$/i.test(r.status));
  ok.sort((a, b) => a.status.localeCompare(b.status));
  return ok[0];
}

/** The numeric status a plain handler result is sent with. */
export function successStatus(op: IrOperation): number {
  const status = successResponse(op)?.status ?? '200';
  return /^\d+$/.test(status) ? Number(status) : 200;
}

/** The media type of a content map the generated code serves: JSON when offered, else the first. */
export function mediaTypeOf(content: Record<string, unknown> | undefined): string | undefined {
  if (!content) return undefined;
  const types = Object.keys(content);
  return types.find((t) => JSON_MEDIA.test(t)) ?? types[0];
}

/** True for JSON media types (`application/json`, `application/problem+json`). */
export function isJsonMedia(type: string | undefined): boolean {
  return type !== undefined && JSON_MEDIA.test(type);
}

/** The operation's type in types.ts, where every operation is listed under its name (see types-file.ts). */
function opRef(op: IrOperation): string {
  return `operations[${quote(op.name)}]`;
}

/** The types.ts interfaces the generated types of these operations refer to (`operations`, or none). */
export function typeRoots(ops: readonly IrOperation[]): string[] {
  const refers = ops.some((op) => {
    const t = requestTypes(op);
    return [t.path, t.query, t.header, t.body, successBodyType(op)].some((type) => type?.includes('operations['));
  });
  return refers ? ['operations'] : [];
}

function statusIndex(status: string): string {
  return /^\d+$/.test(status) ? status : quote(status);
}

/** TypeScript type of the success body (`void` when there is none). */
export function successBodyType(op: IrOperation): string {
  const response = successResponse(op);
  const media = mediaTypeOf(response?.content);
  if (!response || !media) return 'void';
  if (!isJsonMedia(media)) return 'string | Buffer';
  return `${opRef(op)}['responses'][${statusIndex(response.status)}]['content'][${quote(media)}]`;
}

function hasParams(op: IrOperation, where: 'path' | 'query' | 'header'): boolean {
  return op.parameters.some((p) => p.in === where);
}

/** TypeScript types of the request parts, for handlers and client methods. */
export function requestTypes(op: IrOperation): { path?: string; query?: string; header?: string; body?: string; bodyRequired: boolean } {
  const parameters = `${opRef(op)}['parameters']`;
  const out: { path?: string; query?: string; header?: string; body?: string; bodyRequired: boolean } = { bodyRequired: false };
  if (hasParams(op, 'path')) out.path = `NonNullable<${parameters}['path']>`;
  if (hasParams(op, 'query')) out.query = `NonNullable<${parameters}['query']>`;
  if (hasParams(op, 'header')) out.header = `NonNullable<${parameters}['header']>`;
  const media = mediaTypeOf(op.requestBody?.content);
  if (op.requestBody && media) {
    out.body = isJsonMedia(media) ? `NonNullable<${opRef(op)}['requestBody']>['content'][${quote(media)}]` : 'string | Buffer';
    out.bodyRequired = op.requestBody.required;
  }
  return out;
}

/** `/products/{id}` → `/products/:id` (Fastify's form). */
export function fastifyUrl(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** True for methods that change state and may carry `x-cache-invalidates`. */
export function isMutation(op: IrOperation): boolean {
  return op.method === 'post' || op.method === 'put' || op.method === 'patch' || op.method === 'delete';
}
