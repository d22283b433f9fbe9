/**
 * The intermediate representation: what lint rules and emitters read. Built once from the
 * loaded spec (generator/load → generator/ir); nothing downstream sees the raw document.
 * Every x-cache field keeps where it was written so a problem can name file:line:column.
 */
import type { CachePolicy, IdentitySource, TagPartSpec, TagTemplateSpec } from '@cachegen/runtime';

export type HttpMethod = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete' | 'options' | 'trace';

/** Where a node of the spec was written. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** JSON pointer of the node inside its file, e.g. `#/paths/~1products~1{id}/get/x-cache/ttl`. */
  pointer: string;
}

/** A JSON Schema as it appears in the spec, $refs kept as `#/components/schemas/Name`. */
export type JsonSchema = Record<string, unknown>;

export interface IrParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
  location: SourceLocation;
}

/**
 * One piece of a parsed tag template such as `product:{id}` or `item:{response.items[].id}`.
 * The runtime renders tags from the same shape, so it is defined once, on the runtime side.
 */
export type TagPart = TagPartSpec;

export interface TagTemplate extends TagTemplateSpec {
  location: SourceLocation;
}

export interface IrResponse {
  /** `200`, `404`, `2XX` or `default`. */
  status: string;
  description?: string;
  /** Media type → schema (schema may be absent for bodies without one). */
  content: Record<string, { schema?: JsonSchema }>;
  /** Declared response header names, lower-case (e.g. `set-cookie`). */
  headers: string[];
  location: SourceLocation;
}

export interface IrSecurity {
  /** True when the operation cannot be called anonymously (an empty requirement `{}` makes it optional). */
  required: boolean;
  /** Scheme names of the requirements that apply (operation-level, else global). */
  schemes: string[];
  /** Whether the requirement came from the operation or the document root. */
  from: 'operation' | 'global' | 'none';
}

export interface IrCache {
  /** The effective policy: x-cache-defaults merged under the operation's x-cache. */
  policy: CachePolicy;
  tags: TagTemplate[];
  /** Location of the `x-cache` object itself. */
  location: SourceLocation;
  /** Location of each field written in x-cache (or in x-cache-defaults when inherited), by field name. */
  fields: Partial<Record<keyof CachePolicy, SourceLocation>>;
  /** Fields the operation wrote itself (the rest came from x-cache-defaults). */
  explicit: Array<keyof CachePolicy>;
  /**
   * Request headers in `policy.vary` that x-cache did not name: the operation's header
   * parameters (and `cookie` for cookie parameters). The handler reads them, so they key the
   * entry and go out in `Vary` (docs/x-cache.md, "vary").
   */
  implicitVary: string[];
  /**
   * True when the annotation (or x-cache-defaults) has an error. The policy is then the
   * fail-closed one: never stored, `no-store`, private when the operation has security.
   */
  invalid: boolean;
}

export interface IrOperation {
  operationId: string;
  /** True when the spec had no operationId and one was derived from method and path. */
  operationIdDerived: boolean;
  /**
   * The operation's name in generated code (handler, client method, metrics endpoint): its
   * operationId as a camelCase identifier, unique in the document (generator/ir/names.ts).
   */
  name: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/products/{id}`. */
  path: string;
  summary?: string;
  tags: string[];
  parameters: IrParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema?: JsonSchema }>; location: SourceLocation };
  responses: IrResponse[];
  security: IrSecurity;
  /**
   * Where a caller's identity comes from, by the effective security requirements: the request
   * values a private entry is keyed by on the server and in the generated client. Empty when the
   * operation names no scheme that identifies a caller.
   */
  identity: IdentitySource[];
  /** Present when the operation has x-cache (or inherits defaults as a GET/HEAD that opts in). */
  cache?: IrCache;
  /** Parsed `x-cache-invalidates` templates (mutations). */
  invalidates: TagTemplate[];
  /** True when the operation wrote `x-cache-invalidates` at all (an empty list is a deliberate "nothing"). */
  invalidatesDeclared?: boolean;
  location: SourceLocation;
}

export interface IrDocument {
  /** Major.minor of the spec: `3.0` or `3.1`. */
  openapiVersion: '3.0' | '3.1';
  title: string;
  version: string;
  /** Absolute path of the root spec file. */
  file: string;
  /** Every file the spec was read from (root first), for watch and check. */
  files: string[];
  operations: IrOperation[];
  /** Named schemas from components (with any from other files brought in by bundling). */
  schemas: Record<string, JsonSchema>;
  securitySchemes: Record<string, Record<string, unknown>>;
  /**
   * Request values the document's security schemes authenticate with, beyond Authorization and
   * Cookie (apiKey headers and query parameters): keyed only as HMACs (generator/ir/identity.ts).
   */
  credentials: IdentitySource[];
  /** The bundled, single-file OpenAPI document, for tools that need one (openapi-typescript). */
  bundled: Record<string, unknown>;
  /**
   * Problems found while building the IR (an x-cache that fails its schema, a malformed tag template,
   * a duplicate operationId). lint() reports them as errors; the IR stays usable (bad fields dropped).
   */
  diagnostics?: IrDiagnostic[];
}

/** A problem found while building the IR, reported by lint under `rule`. */
export interface IrDiagnostic {
  rule: 'valid-x-cache' | 'valid-tag-template' | 'unique-operation-id';
  message: string;
  location: SourceLocation;
}
