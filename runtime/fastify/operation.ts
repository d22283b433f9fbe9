/**
 * The route table a generated server.ts hands to the runtime: one entry per operation of
 * the spec, plain data (no functions), so the generated file stays small and the logic that
 * serves it is tested once, here.
 */
import type { CachePolicy } from '../http/policy.js';
import type { TagTemplateSpec } from '../tags/types.js';
import type { IdentitySource } from '../keys/identity.js';
import { resolveOperations, type OperationMethod, type OperationTable } from '../operations/index.js';

export type RouteMethod = OperationMethod;

/** JSON Schemas Fastify validates requests and serializes responses with. */
export interface RouteSchemas {
  params?: Record<string, unknown>;
  querystring?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: Record<string, unknown>;
  /** Status code → schema of a JSON response body. */
  response?: Record<string, Record<string, unknown>>;
}

export interface OperationSpec {
  operationId: string;
  method: RouteMethod;
  /** Fastify URL form, e.g. `/products/:id`. */
  url: string;
  schema: RouteSchemas;
  /** The status a plain (non-`reply()`) handler result is sent with: the first 2xx of the spec. */
  successStatus: number;
  /** Media type of the success response (`application/json` unless the spec says otherwise). */
  contentType: string;
  /**
   * Present on operations with x-cache; `identity`: where a private entry's caller identity comes
   * from (from the spec's security); `credentials`: request values the spec's security schemes
   * name beyond Authorization and Cookie (apiKey headers and query parameters), keyed only as HMACs.
   */
  cache?: { policy: CachePolicy; tags: TagTemplateSpec[]; identity?: IdentitySource[]; credentials?: IdentitySource[] };
  /** `x-cache-invalidates` of a mutation. */
  invalidates: TagTemplateSpec[];
}

/** Named schemas the route schemas point at with `$ref: "Name#"`. */
export type SharedSchemas = Array<Record<string, unknown> & { $id: string }>;

/** Route schemas per operation name (a generated server.ts's `routeSchemas`). */
export type RouteSchemaTable = Readonly<Record<string, RouteSchemas>>;

/** `/products/{id}` → `/products/:id` (Fastify's form). */
export function fastifyUrl(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * The routes of an operation table with their schemas: what registerOperations serves. A
 * generated server.ts builds it once, when it loads; a tag template the grammar refuses throws
 * there, naming the operation.
 */
export function operationSpecs(table: OperationTable, schemas: RouteSchemaTable): OperationSpec[] {
  return resolveOperations(table).map((op) => {
    const spec: OperationSpec = {
      operationId: op.operationId,
      method: op.method,
      url: fastifyUrl(op.path),
      schema: schemas[op.operationId] ?? {},
      successStatus: op.status,
      contentType: op.contentType,
      invalidates: op.invalidates,
    };
    if (op.cache) spec.cache = op.cache;
    return spec;
  });
}
