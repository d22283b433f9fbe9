/**
 * Facts about one IR operation that several emitters need: its success response, its media
 * types, and its named types (`GetProductRequest`, `GetProductResponse`, `GetProductHandler`)
 * with what they stand for in the openapi-typescript `operations` interface of types.ts.
 */
import type { IrOperation, IrResponse } from '../ir/types.js';
import { pascalCase } from '../ir/names.js';
import { quote } from './printer.js';

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

/** The media type of the success response (`application/json` when the spec names none). */
export function successContentType(op: IrOperation): string {
  return mediaTypeOf(successResponse(op)?.content) ?? 'application/json';
}

/** True for JSON media types (`application/json`, `application/problem+json`). */
export function isJsonMedia(type: string | undefined): boolean {
  return type !== undefined && JSON_MEDIA.test(type);
}

/** Every operation the generated files serve and call (TRACE is not something Fastify routes). */
export function servedOperations(ops: readonly IrOperation[]): IrOperation[] {
  return ops.filter((op) => op.method !== 'trace');
}

/** One field of an operation's request type: `path`, `query`, `headers` or `body`. */
export interface RequestField {
  name: 'path' | 'query' | 'headers' | 'body';
  optional: boolean;
  type: string;
}

/** The names and definitions of an operation's types. */
export interface OperationTypes {
  /** `GetProductRequest`, or undefined when the operation declares no parameter and no body. */
  request?: string;
  fields: RequestField[];
  /** `GetProductResponse`, or `void` when the success response has no body. */
  response: string;
  /** What the response type stands for; undefined with `void`. */
  responseType?: string;
  /** `GetProductHandler`. */
  handler: string;
}

/** The operation's entry in types.ts, where every operation is listed under its name (see types-file.ts). */
function opRef(op: IrOperation): string {
  return `operations[${quote(op.name)}]`;
}

function statusIndex(status: string): string {
  return /^\d+$/.test(status) ? status : quote(status);
}

function responseType(op: IrOperation): string | undefined {
  const response = successResponse(op);
  const media = mediaTypeOf(response?.content);
  if (!response || !media) return undefined;
  if (!isJsonMedia(media)) return 'string | Buffer';
  return `${opRef(op)}['responses'][${statusIndex(response.status)}]['content'][${quote(media)}]`;
}

function requestFields(op: IrOperation): RequestField[] {
  const fields: RequestField[] = [];
  const parameters = `${opRef(op)}['parameters']`;
  for (const [where, name] of [['path', 'path'], ['query', 'query'], ['header', 'headers']] as const) {
    const declared = op.parameters.filter((p) => p.in === where);
    if (declared.length === 0) continue;
    // openapi-typescript marks the group optional when no parameter in it is required.
    const optional = where !== 'path' && !declared.some((p) => p.required);
    fields.push({ name, optional, type: `${parameters}['${where}']` });
  }
  const media = mediaTypeOf(op.requestBody?.content);
  if (op.requestBody && media) {
    const optional = !op.requestBody.required;
    const body = optional ? `NonNullable<${opRef(op)}['requestBody']>` : `${opRef(op)}['requestBody']`;
    fields.push({ name: 'body', optional, type: isJsonMedia(media) ? `${body}['content'][${quote(media)}]` : 'string | Buffer' });
  }
  return fields;
}

/** The operation's named types. */
export function operationTypes(op: IrOperation): OperationTypes {
  const base = pascalCase(op.name);
  const fields = requestFields(op);
  const type = responseType(op);
  return {
    ...(fields.length > 0 ? { request: `${base}Request` } : {}),
    fields,
    response: type ? `${base}Response` : 'void',
    ...(type ? { responseType: type } : {}),
    handler: `${base}Handler`,
  };
}

/** A request type's argument is optional when none of its fields is required. */
export function requestIsOptional(types: OperationTypes): boolean {
  return types.fields.every((f) => f.optional);
}
