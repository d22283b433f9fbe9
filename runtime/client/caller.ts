/**
 * The machinery of every generated client.ts: building the request, caching reads per x-cache,
 * invalidating after writes. The generated file holds only the operation table and typed methods.
 */
import { randomBytes } from 'node:crypto';
import { cachedFetch } from '../http/fetch/cached-fetch.js';
import { renderTags } from '../tags/index.js';
import type { Cache } from '../cache/index.js';
import type { CachePolicy } from '../http/policy.js';
import type { TagTemplateSpec } from '../tags/index.js';
import type { IdentitySource } from '../keys/identity.js';
import { createRestKeyer, type RestKeyer } from '../keys/rest.js';
import { resolveOperations, type OperationTable } from '../operations/index.js';

/** An answer outside 2xx: the status, the parsed body and the operation that got it. */
export class ApiError extends Error {
  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${operationId} failed with HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface ClientOptions {
  /** Where the API lives, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  /** A cache from createCache(): responses are cached per x-cache and the server's Cache-Control. */
  cache?: Cache;
  /** The fetch to call (default: globalThis.fetch). */
  fetch?: typeof fetch;
  /** Headers sent with every request (e.g. Authorization), or a function returning them. */
  headers?: Record<string, string> | (() => Record<string, string>);
}

/** What the client knows of one operation (resolved from its generated operation table). */
export interface ClientOperation {
  method: string;
  path: string;
  /**
   * Present on operations with x-cache; `identity`: where a private entry's caller identity comes
   * from (from the spec's security); `credentials`: the spec's apiKey headers and query parameters,
   * keyed only as HMACs (as on the server).
   */
  cache?: { policy: CachePolicy; tags: TagTemplateSpec[]; identity?: IdentitySource[]; credentials?: IdentitySource[] };
  invalidates: TagTemplateSpec[];
}

/** The arguments of one call: path, query and header parameters, and the body. */
export interface CallArgs {
  path?: object;
  query?: object;
  headers?: object;
  body?: unknown;
}

function buildQuery(args: CallArgs): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries((args.query ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  return search.toString();
}

function buildUrl(baseUrl: string, template: string, args: CallArgs): string {
  const pathParams = (args.path ?? {}) as Record<string, unknown>;
  const url = baseUrl.replace(/\/+$/, '') + template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = pathParams[name];
    if (value === undefined || value === null) throw new TypeError(`missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(String(value));
  });
  const query = buildQuery(args);
  return query ? url + '?' + query : url;
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 304) return undefined;
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  if (text === '') return undefined;
  return type.includes('json') ? JSON.parse(text) : text;
}

/**
 * Returns `call(operationId, args)`: builds the request, caches reads, invalidates after writes.
 * The table's tag templates are parsed here, once.
 */
export function createCaller<Ops extends OperationTable>(options: ClientOptions, table: Ops) {
  if (!options || typeof options.baseUrl !== 'string') throw new TypeError('createClient: options.baseUrl is required');
  const operations: Record<string, ClientOperation> = Object.create(null);
  for (const op of resolveOperations(table)) operations[op.operationId] = op;
  const plainFetch = options.fetch ?? globalThis.fetch;
  const { cache } = options;
  // Through the cache, reads without x-cache still honour the server's Cache-Control (RFC 9111
  // private cache), never sharing an answer between the values of any header a spec's security names.
  const httpFetch: typeof fetch = cache ? cachedFetch(cache, { fetch: plainFetch, credentialHeaders: credentialHeadersOf(operations) }) : plainFetch;
  const keyerOf = keyers(operations);

  const headersFor = (args: CallArgs): Record<string, string> => {
    const common = typeof options.headers === 'function' ? options.headers() : options.headers ?? {};
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [name, value] of Object.entries(common)) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries((args.headers ?? {}) as Record<string, unknown>)) {
      if (value !== undefined) headers[name.toLowerCase()] = String(value);
    }
    return headers;
  };

  const send = async (operationId: string, op: ClientOperation, args: CallArgs, headers: Record<string, string>, viaFetch: typeof fetch): Promise<unknown> => {
    const init: RequestInit = { method: op.method, headers };
    if (args.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      init.body = typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
    }
    const response = await viaFetch(buildUrl(options.baseUrl, op.path, args), init);
    const body = await parseBody(response);
    if (!response.ok) throw new ApiError(operationId, response.status, body);
    return body;
  };

  return async function call<T>(operationId: keyof Ops & string, args: CallArgs = {}): Promise<T> {
    const op = operations[operationId];
    if (!op) throw new TypeError(`unknown operation "${operationId}"`);
    const policy = op.cache?.policy;
    const headers = headersFor(args);
    const sources = { params: args.path, query: args.query, headers, body: args.body };
    // x-cache'd reads are cached by value, tagged, so this client's mutations can invalidate them.
    if (cache && policy && !policy.sensitive && (op.method === 'GET' || op.method === 'HEAD')) {
      const query = buildQuery(args);
      // The server's key module: path, query and vary headers as this call sends them, and on a
      // private read the HMAC of the credential the operation's identity sources name.
      const key = keyerOf(operationId)!({ operationId, params: (args.path ?? {}) as Record<string, string>, query, headers });
      // A private read without an identity is not cached, not even by cachedFetch (which would keep a `private` answer per URL).
      if (key === undefined) return send(operationId, op, args, headers, plainFetch) as Promise<T>;
      const templates = op.cache?.tags ?? [];
      const result = await cache.fetch('client|' + key, () => send(operationId, op, args, headers, plainFetch), {
        ttl: policy.ttl,
        swr: policy.swr,
        staleIfError: policy.staleIfError,
        tags: renderTags(templates.filter((t) => !t.parts.some((p) => p.kind === 'response')), sources),
        tagsFrom: (value) => renderTags(templates, { ...sources, response: value }),
        endpoint: operationId,
        // A private entry lives in this client's memory only.
        shared: policy.scope === 'public',
      });
      return result.value as T;
    }
    const body = await send(operationId, op, args, headers, httpFetch);
    if (cache && op.invalidates.length > 0) {
      const tags = renderTags(op.invalidates, { ...sources, response: body });
      if (tags.length > 0) await cache.invalidateTags(tags, { source: 'mutation' });
    }
    return body as T;
  };
}

/**
 * The HMAC key of private entries' identities, one per process: private entries live in this
 * process's memory only (never L2), so no other process needs to produce the same key, and every
 * client made here (one per request, say) finds them.
 */
let processSecret: string | undefined;

/** One keyer per x-cache'd operation, built on first use. An operation without identity sources gives no private key: uncached. */
function keyers(operations: Record<string, ClientOperation>): (operationId: string) => RestKeyer | undefined {
  const built = new Map<string, RestKeyer>();
  return (operationId) => {
    const cached = operations[operationId]?.cache;
    if (!cached) return undefined;
    let keyer = built.get(operationId);
    if (keyer === undefined) {
      processSecret ??= randomBytes(32).toString('base64url');
      keyer = createRestKeyer({ policy: cached.policy, secret: processSecret, identity: cached.identity ?? [], ...(cached.credentials ? { credentials: cached.credentials } : {}) });
      built.set(operationId, keyer);
    }
    return keyer;
  };
}

/** The request headers any operation's security names (and the two usual carriers): cachedFetch never shares an answer across their values. */
function credentialHeadersOf(operations: Record<string, ClientOperation>): string[] {
  const names = new Set(['authorization', 'cookie']);
  for (const op of Object.values(operations)) {
    for (const source of [...(op.cache?.identity ?? []), ...(op.cache?.credentials ?? [])]) if (source.in === 'header') names.add(source.name.toLowerCase());
  }
  return [...names];
}
