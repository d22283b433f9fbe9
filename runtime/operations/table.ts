/**
 * The operation table of a generated API (its `operations.ts`): one entry per operation, plain
 * data written once for the server and the client. Tag templates stay as the spec writes them
 * and x-cache lists only what differs from POLICY_DEFAULTS; `resolveOperations` turns the table
 * into what serving needs (policy complete, templates parsed) once, when a server or a client is
 * created, and throws there, naming the operation, on anything it cannot serve.
 */
import { POLICY_DEFAULTS, type CachePolicy } from '../http/policy.js';
import type { IdentitySource } from '../keys/identity.js';
import { tagTemplate, type TagTemplateSpec } from '../tags/index.js';

export type OperationMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * An operation's x-cache: the policy fields that differ from POLICY_DEFAULTS, where a private
 * entry's caller identity comes from, and the request values the spec's security schemes name
 * beyond Authorization and Cookie (apiKey headers and query parameters), keyed only as HMACs.
 */
export type OperationCache = Partial<CachePolicy> & { identity?: IdentitySource[]; credentials?: IdentitySource[] };

export interface OperationEntry {
  method: OperationMethod;
  /** The spec's path template: `/products/{id}`. */
  path: string;
  /** The status a plain handler result is sent with: the spec's first 2xx (default 200). */
  status?: number;
  /** Media type of the success response (default `application/json`). */
  contentType?: string;
  /** Present on operations with x-cache. */
  cache?: OperationCache;
  /** `x-cache-invalidates`: tag templates as written. */
  invalidates?: readonly string[];
}

/** Operation name → entry. */
export type OperationTable = Readonly<Record<string, OperationEntry>>;

/** An entry ready to serve: the complete policy, the tag templates parsed. */
export interface ResolvedOperation {
  operationId: string;
  method: OperationMethod;
  path: string;
  status: number;
  contentType: string;
  /** `identity`: where a private entry's caller identity comes from (from the spec's security). */
  cache?: { policy: CachePolicy; tags: TagTemplateSpec[]; identity: IdentitySource[]; credentials?: IdentitySource[] };
  invalidates: TagTemplateSpec[];
}

function templates(operationId: string, sources: readonly string[]): TagTemplateSpec[] {
  return sources.map((source) => {
    try {
      return tagTemplate(source);
    } catch (err) {
      throw new Error(`operation "${operationId}": ${(err as Error).message}`);
    }
  });
}

/** One entry, resolved. */
export function resolveOperation(operationId: string, entry: OperationEntry): ResolvedOperation {
  const resolved: ResolvedOperation = {
    operationId,
    method: entry.method,
    path: entry.path,
    status: entry.status ?? 200,
    contentType: entry.contentType ?? 'application/json',
    invalidates: templates(operationId, entry.invalidates ?? []),
  };
  if (entry.cache) {
    const { identity = [], credentials, ...fields } = entry.cache;
    const policy: CachePolicy = { ...structuredClone(POLICY_DEFAULTS), ...fields };
    resolved.cache = { policy, tags: templates(operationId, policy.tags), identity, ...(credentials ? { credentials } : {}) };
  }
  return resolved;
}

/** Every entry of a table, resolved, in the table's order. */
export function resolveOperations(table: OperationTable): ResolvedOperation[] {
  return Object.keys(table).map((operationId) => resolveOperation(operationId, table[operationId]!));
}

/** The entry's fields as a generated table writes them: defaults left out (the generator's side of `resolveOperation`). */
export function compactPolicy(policy: CachePolicy): Partial<CachePolicy> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(policy)) {
    const fallback = (POLICY_DEFAULTS as unknown as Record<string, unknown>)[name];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(fallback)) out[name] = value;
  }
  return out as Partial<CachePolicy>;
}
