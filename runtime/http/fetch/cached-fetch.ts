/**
 * cachedFetch: a fetch function that is an RFC 9111 cache (private by default) stored in a
 * cachegen Cache.
 *
 * Design: each URL's responses are kept as one JSON entry (all Vary variants) via
 * `cache.set`/`cache.get` with a long storage ttl; freshness, age, validation and stale use
 * are computed here per RFC 9111 with the injectable `now`, so the runtime's own ttl/swr
 * only decides how long bytes are kept, never whether they may be served.
 */
import { createHash } from 'node:crypto';
import type { Cache, CacheMark } from '../../cache/index.js';
import { parseCacheControl, type CacheControlDirectives } from '../cache-control.js';
import { cacheStatus, type CacheStatusResult } from '../cache-status.js';
import { currentAge, freshnessLifetime, whyNotStorable } from './freshness.js';
import {
  freshen, matchesVary, sameVariant, storedHeaders, toResponse, toStored, type StoredEntry, type StoredResponse,
} from './stored-response.js';

export interface CachedFetchOptions {
  /** The fetch that goes to the network; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Cache-Status name, and the namespace of stored keys; default `cachegen-fetch`. */
  name?: string;
  /** true: behave as a shared cache (honour `private`, s-maxage, the Authorization rule). Default false: a private cache. */
  shared?: boolean;
  /** Heuristic freshness as a fraction of (Date - Last-Modified); default 0.1 (RFC 9111 §4.2.2). */
  heuristicFraction?: number;
  /** Cap on heuristic freshness, seconds; default 86400. */
  maxHeuristic?: number;
  /** How long a response's bytes are kept for revalidation and stale use, seconds; default 86400. */
  storageTtl?: number;
  /** Variants kept per URL (Vary); the oldest goes first; default 8. */
  maxVariants?: number;
  /** Clock in ms; inject one in tests. Default Date.now. */
  now?: () => number;
  /** Receives background work (stale-while-revalidate refreshes); tests await it. Errors are already handled. */
  waitUntil?: (work: Promise<unknown>) => void;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** Statuses after which stale-if-error may serve a stored response (RFC 5861 §4). */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

/**
 * A fetch-compatible function that answers from `cache` when RFC 9111 allows it and stores
 * what it may. Never fails a request because the cache failed: cache errors fall back to
 * the network. Every returned Response has an unconsumed body of its own.
 */
export function cachedFetch(cache: Cache, options: CachedFetchOptions = {}): typeof fetch {
  const network = options.fetch ?? globalThis.fetch.bind(globalThis);
  const name = options.name ?? 'cachegen-fetch';
  const shared = options.shared ?? false;
  const now = options.now ?? Date.now;
  const heuristicFraction = options.heuristicFraction ?? 0.1;
  const maxHeuristic = options.maxHeuristic ?? 86_400;
  const storageTtl = options.storageTtl ?? 86_400;
  const maxVariants = options.maxVariants ?? 8;
  const waitUntil = options.waitUntil ?? (() => {});
  const refreshing = new Set<string>();
  /** Misses on their way to the origin, by key: concurrent misses wait for the first one's response. */
  const inflight = new Map<string, Promise<StoredResponse | undefined>>();

  const uriTag = (url: string) => `${name}:uri:${url}`;
  const keyOf = (url: string, request: Request) => {
    // Responses are never shared between Authorization values, even by a private cache.
    const auth = request.headers.get('authorization');
    const who = auth === null ? '-' : createHash('sha256').update(auth).digest('base64url');
    return `${name}|${who}|${url}`;
  };

  const read = async (key: string): Promise<StoredEntry | undefined> => {
    try {
      const entry = await cache.get<StoredEntry>(key);
      return entry && entry.v === 1 && Array.isArray(entry.variants) ? entry : undefined;
    } catch {
      return undefined;
    }
  };

  /** Stores `stored` with the entry's other variants, unless the URL was invalidated after `since` (taken before the request left). */
  const write = async (key: string, url: string, entry: StoredEntry | undefined, stored: StoredResponse, since: CacheMark | undefined): Promise<void> => {
    if (since === undefined) return;
    const variants = (entry?.variants ?? []).filter((v) => !sameVariant(v, stored));
    variants.push(stored);
    while (variants.length > maxVariants) variants.shift();
    try {
      await cache.set<StoredEntry>(key, { v: 1, variants }, { ttl: storageTtl, tags: [uriTag(url)], since });
    } catch {
      // A cache that cannot store only costs a future miss.
    }
  };

  /** The cache's invalidation state before a request leaves (undefined when the cache failed: then nothing is stored). */
  const markOf = async (key: string): Promise<CacheMark | undefined> => {
    try {
      return await cache.mark(key);
    } catch {
      return undefined;
    }
  };

  const freshnessOf = (stored: StoredResponse, headers: Headers, directives: CacheControlDirectives) => {
    const lifetime = freshnessLifetime({
      status: stored.status, response: directives, headers, responseTime: stored.responseTime, shared, heuristicFraction, maxHeuristic,
    });
    const age = currentAge({ headers, requestTime: stored.requestTime, responseTime: stored.responseTime, now: now() });
    return { lifetime, age };
  };

  const serve = (stored: StoredResponse, headers: Headers, age: number, status: CacheStatusResult, method: string): Response => {
    const out = new Headers(headers);
    out.set('age', String(Math.max(0, Math.floor(age))));
    out.set('cache-status', prependStatus(out.get('cache-status'), cacheStatus(status, name)));
    return toResponse(stored, out, method !== 'HEAD');
  };

  /** Goes to the network, stores what may be stored, and answers with a response whose body is still readable. */
  const forward = async (request: Request, key: string, url: string, entry: StoredEntry | undefined,
    requestCC: CacheControlDirectives, fwd: CacheStatusResult['fwd'], onStored?: (stored: StoredResponse) => void): Promise<Response> => {
    const since = await markOf(key);
    const requestTime = now();
    const response = await network(request);
    return storeFull(request, key, url, entry, response, requestTime, now(), requestCC, { fwd }, since, onStored);
  };

  /** A miss: join a concurrent identical miss when its response suits this request, else go forward (and let others join). */
  const missed = async (request: Request, key: string, url: string, entry: StoredEntry | undefined,
    requestCC: CacheControlDirectives, fwd: CacheStatusResult['fwd']): Promise<Response> => {
    const pending = inflight.get(key);
    // A client asking for an end-to-end answer (no-cache, max-age) does not join another request.
    if (pending && requestCC.noCache === undefined && requestCC.maxAge === undefined) {
      const shared = await pending;
      if (shared && matchesVary(shared, request.headers)) {
        const headers = storedHeaders(shared);
        const directives = parseCacheControl(headers.get('cache-control'));
        const { lifetime, age } = freshnessOf(shared, headers, directives);
        if (directives.noCache === undefined && lifetime > age) {
          return serve(shared, headers, age, { status: 'miss', fwd, collapsed: true }, request.method);
        }
      }
    }
    let settle: (stored: StoredResponse | undefined) => void = () => {};
    const mine = new Promise<StoredResponse | undefined>((resolve) => { settle = resolve; });
    inflight.set(key, mine);
    try {
      return await forward(request, key, url, entry, requestCC, fwd, settle);
    } finally {
      settle(undefined);
      if (inflight.get(key) === mine) inflight.delete(key);
    }
  };

  /** Asks the origin whether `stored` is still good (If-None-Match / If-Modified-Since). */
  const revalidate = async (request: Request, key: string, url: string, entry: StoredEntry | undefined,
    stored: StoredResponse, headers: Headers, requestCC: CacheControlDirectives): Promise<Response> => {
    const conditional = new Headers(request.headers);
    const etag = headers.get('etag');
    const lastModified = headers.get('last-modified');
    if (etag !== null) conditional.set('if-none-match', etag);
    if (lastModified !== null) conditional.set('if-modified-since', lastModified);
    const since = await markOf(key);
    const requestTime = now();
    const response = await network(new Request(request, { headers: conditional }));
    const responseTime = now();
    if (response.status === 304) {
      await response.arrayBuffer().catch(() => undefined);
      const updated = freshen(stored, response, requestTime, responseTime);
      const updatedHeaders = storedHeaders(updated);
      if (!parseCacheControl(updatedHeaders.get('cache-control')).noStore) await write(key, url, entry, updated, since);
      const { age } = freshnessOf(updated, updatedHeaders, parseCacheControl(updatedHeaders.get('cache-control')));
      return serve(updated, updatedHeaders, age, { status: 'miss', fwd: 'stale', fwdStatus: 304 }, request.method);
    }
    // A full response replaces the stored one (§4.3.3) when it may be stored.
    return storeFull(request, key, url, entry, response, requestTime, responseTime, requestCC, { fwd: 'stale', fwdStatus: response.status }, since);
  };

  /** Stores a full response when RFC 9111 §3 allows it; returns it (re-made from the stored bytes when stored). */
  const storeFull = async (request: Request, key: string, url: string, entry: StoredEntry | undefined, response: Response,
    requestTime: number, responseTime: number, requestCC: CacheControlDirectives, status: Pick<CacheStatusResult, 'fwd' | 'fwdStatus'>,
    since: CacheMark | undefined, onStored?: (stored: StoredResponse) => void): Promise<Response> => {
    const directives = parseCacheControl(response.headers.get('cache-control'));
    const why = whyNotStorable({
      method: request.method, status: response.status, request: requestCC, response: directives,
      responseHeaders: response.headers, hasAuthorization: request.headers.has('authorization'), shared,
    });
    if (why !== undefined) return response;
    const body = new Uint8Array(await response.arrayBuffer());
    const stored = toStored(response, body, request.headers, requestTime, responseTime);
    onStored?.(stored);
    await write(key, url, entry, stored, since);
    return serve(stored, storedHeaders(stored), 0, { status: 'miss', stored: true, ...status }, request.method);
  };

  const invalidate = async (request: Request, response: Response): Promise<void> => {
    // RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI,
    // and Location / Content-Location when they are on the same origin.
    if (response.status >= 400) return;
    const target = new URL(request.url);
    const urls = [target.href];
    for (const header of ['location', 'content-location']) {
      const value = response.headers.get(header);
      if (value === null) continue;
      try {
        const other = new URL(value, target);
        if (other.origin === target.origin) urls.push(other.href);
      } catch { /* not a URL: nothing to invalidate */ }
    }
    try {
      await cache.invalidateTags(urls.map(uriTag));
    } catch { /* the entries age out; the request itself succeeded */ }
  };

  const cachedFetchImpl = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const method = request.method;
    if (!SAFE.has(method)) {
      const response = await network(request);
      await invalidate(request, response);
      return response;
    }
    if (method !== 'GET' && method !== 'HEAD') return network(request);
    const requestCC = parseCacheControl(request.headers.get('cache-control'));
    // Pragma: no-cache counts only when Cache-Control is absent (RFC 9111 §5.4).
    if (!request.headers.has('cache-control') && /(^|,)\s*no-cache\s*(,|$)/i.test(request.headers.get('pragma') ?? '')) requestCC.noCache = true;
    if (requestCC.noStore) return network(request);
    // A request carrying its own validators is the application's conversation with the origin.
    if (request.headers.has('if-none-match') || request.headers.has('if-modified-since') || request.headers.has('range')) return network(request);

    const url = new URL(request.url).href;
    const key = keyOf(url, request);
    const entry = await read(key);
    const stored = entry?.variants.findLast((v) => matchesVary(v, request.headers));

    if (!stored) {
      if (requestCC.onlyIfCached) return gatewayTimeout(name, 'only-if-cached');
      if (method === 'HEAD') return network(request);
      return missed(request, key, url, entry, requestCC, entry ? 'vary-miss' : 'uri-miss');
    }

    const headers = storedHeaders(stored);
    const responseCC = parseCacheControl(headers.get('cache-control'));
    const { lifetime, age } = freshnessOf(stored, headers, responseCC);
    const freshLeft = lifetime - age;
    const mustValidate = responseCC.noCache !== undefined || requestCC.noCache !== undefined;
    const strictStale = responseCC.mustRevalidate || (shared && responseCC.proxyRevalidate) || responseCC.noCache !== undefined;

    const acceptableFresh = freshLeft > 0
      && (requestCC.maxAge === undefined || age <= requestCC.maxAge)
      && (requestCC.minFresh === undefined || freshLeft >= requestCC.minFresh);
    if (!mustValidate && acceptableFresh) {
      return serve(stored, headers, age, { status: 'hit', ttl: freshLeft }, method);
    }
    // max-stale: the client accepts a stale response this old (never over must-revalidate / no-cache).
    if (!mustValidate && !strictStale && freshLeft <= 0 && requestCC.maxStale !== undefined && -freshLeft <= requestCC.maxStale
      && (requestCC.maxAge === undefined || age <= requestCC.maxAge)) {
      return serve(stored, headers, age, { status: 'stale', ttl: freshLeft, detail: 'max-stale' }, method);
    }
    if (requestCC.onlyIfCached) return gatewayTimeout(name, 'only-if-cached');

    // stale-while-revalidate (RFC 5861 §3): serve stale now, refresh once in the background.
    const swr = responseCC.staleWhileRevalidate;
    if (!mustValidate && !strictStale && freshLeft <= 0 && swr !== undefined && -freshLeft <= swr) {
      if (!refreshing.has(key)) {
        refreshing.add(key);
        const work = revalidate(request.clone(), key, url, entry, stored, headers, requestCC)
          .then((r) => r.arrayBuffer(), () => undefined)
          .finally(() => refreshing.delete(key));
        waitUntil(work);
      }
      return serve(stored, headers, age, { status: 'stale', ttl: freshLeft, detail: 'stale-while-revalidate' }, method);
    }

    // HEAD never revalidates the stored GET: ask the origin directly.
    if (method === 'HEAD') return network(request);

    // stale-if-error (RFC 5861 §4): an origin error or a network failure may be answered with the stored response.
    const staleIfError = (response: CacheControlDirectives, req: CacheControlDirectives): boolean => {
      if (strictStale) return false;
      const window = Math.max(response.staleIfError ?? -1, req.staleIfError ?? -1);
      return window >= 0 && -freshLeft <= window;
    };
    let answer: Response;
    try {
      answer = await revalidate(request, key, url, entry, stored, headers, requestCC);
    } catch (error) {
      if (staleIfError(responseCC, requestCC)) return serve(stored, headers, age, { status: 'stale', ttl: freshLeft, detail: 'stale-if-error' }, method);
      if (responseCC.mustRevalidate) return gatewayTimeout(name, 'must-revalidate');
      throw error;
    }
    if (ERROR_STATUSES.has(answer.status) && staleIfError(responseCC, requestCC)) {
      await answer.arrayBuffer().catch(() => undefined);
      return serve(stored, headers, age, { status: 'stale', ttl: freshLeft, detail: 'stale-if-error', fwdStatus: answer.status }, method);
    }
    return answer;
  };
  return cachedFetchImpl as typeof fetch;
}

/** Cache-Status lists caches from the origin outwards: ours (closest to the client) goes last. */
function prependStatus(existing: string | null, ours: string): string {
  return existing ? `${existing}, ${ours}` : ours;
}

/** RFC 9111 §5.2.1.7 / §4.2.4: the answer when no acceptable stored response exists and the network may not be used. */
function gatewayTimeout(name: string, detail: string): Response {
  return new Response(null, { status: 504, statusText: 'Gateway Timeout', headers: { 'cache-status': cacheStatus({ status: 'bypass', detail }, name) } });
}
