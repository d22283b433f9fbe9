/**
 * cachedFetch: a fetch function that is an RFC 9111 cache (private by default, shared with
 * `shared: true`) stored in a cachegen Cache.
 *
 * Each URI's stored responses (Vary variants and byte-range parts) are one JSON entry, kept with
 * `cache.set` for `storageTtl`; freshness, age, validation and stale use are computed here per
 * RFC 9111 with the injectable `now`, so the runtime's ttl only decides how long bytes are kept.
 * A request goes through small named steps over one context (an Exchange); the rules they
 * apply live in their own modules (storable, fields, freshness, vary, validation, ranges,
 * invalidation), each citing its RFC section. See docs/http.md.
 */
import type { Cache } from '../../cache/index.js';
import { parseCacheControl } from '../cache-control.js';
import type { CacheStatusResult } from '../cache-status.js';
import { listMembers } from '../syntax.js';
import { place, selectComplete, selectForRange, validatable, variantsFor } from './entry.js';
import {
  drain, gatewayTimeout, keyOf, OriginFailure, readEntry, reply, send, serve, servePart, responseHeaders, uriTag, writeEntry,
  type Arrival, type Env, type Exchange,
} from './exchange.js';
import { updatedFields } from './fields.js';
import { invalidatedUris, SAFE_METHODS, withoutFragment } from './invalidation.js';
import { parseContentRange, parseRange, resolveRange, type RangeSpec } from './ranges.js';
import {
  forbidsStale, freshness, staleAllowedByClient, staleIfError, staleWhileRevalidate, usable, type Freshness,
} from './reuse.js';
import { whyNotStorable } from './storable.js';
import { capture, directivesOf, headersOf, toResponse, type StoredResponse } from './stored-response.js';
import { hasClientValidators, notModifiedFor, preconditions, sameHeadValidators, updatedBy } from './validation.js';
import { matches, secondaryKey, varyNames } from './vary.js';

/** Statuses after which stale-if-error may serve a stored response (RFC 5861 §4). */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

export interface CachedFetchOptions {
  /** The fetch that goes to the network; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Cache-Status name, and the namespace of stored keys; default `cachegen-fetch`. */
  name?: string;
  /** true: a shared cache (s-maxage, `private`, the Authorization rule, never Set-Cookie). Default false: a private cache. */
  shared?: boolean;
  /**
   * Request headers that identify the caller: no answer is shared between their values, even by
   * a private cache (one client may call for several users). Default: `authorization` and
   * `cookie` for a private cache, `authorization` for a shared one (which shares public answers
   * between cookies, and never stores `private` ones); the generated client adds its spec's
   * apiKey headers.
   */
  credentialHeaders?: readonly string[];
  /** Heuristic freshness as a fraction of (Date - Last-Modified); default 0.1 (RFC 9111 §4.2.2). */
  heuristicFraction?: number;
  /** Cap on heuristic freshness, seconds; default 86400. */
  maxHeuristic?: number;
  /** How long a response's bytes are kept for revalidation and stale use, seconds; default 86400. */
  storageTtl?: number;
  /** Responses kept per URI (Vary variants and range parts); the oldest goes first; default 8. */
  maxVariants?: number;
  /** Clock in ms; inject one in tests. Default Date.now. */
  now?: () => number;
  /** Receives background work (stale-while-revalidate refreshes); tests await it. Errors are already handled. */
  waitUntil?: (work: Promise<unknown>) => void;
}

/**
 * A fetch-compatible function that answers from `cache` when RFC 9111 allows it and stores
 * what it may. Never fails a request because the cache failed: cache errors fall back to
 * the network. Every returned Response has an unconsumed body of its own.
 */
export function cachedFetch(cache: Cache, options: CachedFetchOptions = {}): typeof fetch {
  const env: Env = {
    cache,
    network: options.fetch ?? globalThis.fetch.bind(globalThis),
    name: options.name ?? 'cachegen-fetch',
    shared: options.shared ?? false,
    now: options.now ?? Date.now,
    policy: { shared: options.shared ?? false, heuristicFraction: options.heuristicFraction ?? 0.1, maxHeuristic: options.maxHeuristic ?? 86_400 },
    storageTtl: options.storageTtl ?? 86_400,
    maxResponses: options.maxVariants ?? 8,
    waitUntil: options.waitUntil ?? (() => {}),
    refreshing: new Set(),
    inflight: new Map(),
    credentialHeaders: (options.credentialHeaders ?? (options.shared ? ['authorization'] : ['authorization', 'cookie'])).map((name) => name.toLowerCase()),
  };
  const cachedFetchImpl = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (!SAFE_METHODS.has(request.method)) return writeThrough(env, request);
    const x = begin(env, request);
    if (x === undefined) return env.network(request);
    try {
      x.entry = await readEntry(x);
      return await (x.range !== undefined ? answerRange(x) : answer(x));
    } catch (error) {
      if (error instanceof OriginFailure) throw error.cause;
      // Never fail a read because of the cache: whatever went wrong in it, the origin answers.
      return env.network(request);
    }
  };
  return cachedFetchImpl as typeof fetch;
}

/** The exchange for a request the cache takes part in; undefined for one it leaves to the origin. */
function begin(env: Env, request: Request): Exchange | undefined {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const headers = request.headers;
  const requestCC = parseCacheControl(headers.get('cache-control'));
  // RFC 9111 §5.4: Pragma: no-cache counts only when Cache-Control is absent.
  if (!headers.has('cache-control') && listMembers(headers.get('pragma')).some((p) => p.toLowerCase() === 'no-cache')) requestCC.noCache = true;
  // no-store: nothing of this exchange is stored (§5.2.1.5). Preconditions only an origin evaluates go there untouched (§4.3.2).
  if (requestCC.noStore || headers.has('if-match') || headers.has('if-unmodified-since') || headers.has('if-range')) return undefined;
  let range: RangeSpec | undefined;
  if (method === 'GET' && headers.has('range')) {
    range = parseRange(headers.get('range'));
    // Several ranges or another unit, or a range with the client's own validators: the origin's business.
    if (range === undefined || hasClientValidators(headers)) return undefined;
  }
  const url = withoutFragment(new URL(request.url));
  return { env, request, method, url, key: keyOf(env.name, url, headers, env.credentialHeaders), requestCC, range };
}

/** A GET or HEAD for the whole representation (RFC 9111 §4). */
async function answer(x: Exchange): Promise<Response> {
  const stored = selectComplete(x.entry, x.request.headers);
  if (stored === undefined) return missed(x);
  const f = freshness(x.env, stored);
  if (hasClientValidators(x.request.headers)) {
    return usable(x, f) ? answerPreconditions(x, stored, f) : forwardAsIs(x);
  }
  if (usable(x, f)) return serve(x, stored, f, { status: 'hit', ttl: f.left });
  if (staleAllowedByClient(x, f)) return serve(x, stored, f, { status: 'stale', ttl: f.left, detail: 'max-stale' });
  if (x.requestCC.onlyIfCached) return gatewayTimeout(x.env, 'only-if-cached');
  if (staleWhileRevalidate(x, f)) {
    refreshInBackground(x, stored);
    return serve(x, stored, f, { status: 'stale', ttl: f.left, detail: 'stale-while-revalidate' });
  }
  if (x.method === 'HEAD') return forwardHead(x);
  return revalidate(x, stored, f);
}

/** Nothing stored answers this request: the origin does (with the other variants' validators, §4.3.1). */
async function missed(x: Exchange): Promise<Response> {
  if (x.requestCC.onlyIfCached) return gatewayTimeout(x.env, 'only-if-cached');
  if (x.method === 'HEAD') return forwardHead(x);
  if (hasClientValidators(x.request.headers)) return forwardAsIs(x);
  const others = validatable(x.entry);
  if (others.length > 0) return receive(x, await send(x, preconditions(others)), others, x.entry ? 'vary-miss' : 'uri-miss');
  return collapsed(x);
}

/** A miss: join an identical miss already on its way when its response suits this request, else go (and let others join). */
async function collapsed(x: Exchange): Promise<Response> {
  const { inflight } = x.env;
  const pending = inflight.get(x.key);
  // A client asking for an end-to-end answer (no-cache, max-age) does not join another request.
  if (pending && x.requestCC.noCache === undefined && x.requestCC.maxAge === undefined) {
    const shared = await pending;
    if (shared && matches(shared.vary, x.request.headers)) {
      const f = freshness(x.env, shared);
      if (usable(x, f)) return serve(x, shared, f, { status: 'miss', fwd: x.entry ? 'vary-miss' : 'uri-miss', collapsed: true });
    }
  }
  let settle: (stored: StoredResponse | undefined) => void = () => {};
  const mine = new Promise<StoredResponse | undefined>((resolve) => { settle = resolve; });
  inflight.set(x.key, mine);
  x.onStored = settle;
  try {
    return await receive(x, await send(x, {}), [], x.entry ? 'vary-miss' : 'uri-miss');
  } finally {
    settle(undefined);
    if (inflight.get(x.key) === mine) inflight.delete(x.key);
  }
}

/** RFC 9111 §4.3.1: ask the origin whether `stored` (and the URI's other validatable responses) is still good; stale-if-error when it fails. */
async function revalidate(x: Exchange, stored: StoredResponse, f: Freshness): Promise<Response> {
  const candidates = [stored, ...validatable(x.entry).filter((c) => c !== stored)];
  let arrival: Arrival;
  try {
    arrival = await send(x, preconditions(candidates));
  } catch (error) {
    // The origin cannot be reached: "disconnected" (§4.2.4).
    if (staleIfError(x, f)) return serve(x, stored, f, { status: 'stale', ttl: f.left, detail: 'stale-if-error' });
    if (forbidsStale(x.env, f.directives)) return gatewayTimeout(x.env, 'must-revalidate');
    throw error;
  }
  // §4.3.3: a 5xx may be treated as no answer, and the stale response served where that is allowed.
  if (ERROR_STATUSES.has(arrival.response.status) && staleIfError(x, f)) {
    await drain(arrival.response);
    return serve(x, stored, f, { status: 'stale', ttl: f.left, detail: 'stale-if-error', fwdStatus: arrival.response.status });
  }
  return receive(x, arrival, candidates, 'stale');
}

/** RFC 9111 §4.3.3: a 304 to our preconditions freshens what it names; any other response is used (and stored when it may be). */
async function receive(x: Exchange, arrival: Arrival, candidates: readonly StoredResponse[], fwd: CacheStatusResult['fwd']): Promise<Response> {
  if (arrival.response.status === 304 && candidates.length > 0) return freshen(x, arrival, candidates);
  return admit(x, arrival, { fwd, fwdStatus: fwd === 'stale' ? arrival.response.status : undefined });
}

/** RFC 9111 §4.3.4: update the stored responses a 304 names, and answer with the one for this request (a 200). */
async function freshen(x: Exchange, arrival: Arrival, candidates: readonly StoredResponse[]): Promise<Response> {
  const notModified = arrival.response;
  await drain(notModified);
  const targets = updatedBy(notModified.headers, candidates);
  // A 304 that names none of them updates nothing (MUST NOT): ask again, without preconditions.
  if (targets.length === 0) return admit(x, await send(x, {}), { fwd: 'stale' });
  const directives = parseCacheControl(notModified.headers.get('cache-control'));
  const updated = targets.map((t): StoredResponse => ({
    ...t,
    headers: updatedFields(t.headers, notModified.headers, directives, x.env.shared),
    requestTime: arrival.requestTime,
    responseTime: arrival.responseTime,
  }));
  // The origin chose this representation for this request: when it was stored for other request fields, it is now stored for these too.
  const mine = updated.find((u) => matches(u.vary, x.request.headers))
    ?? { ...updated[0]!, vary: secondaryKey(varyNames(headersOf(updated[0]!)), x.request.headers) };
  if (!directivesOf(mine).noStore) {
    let entry = x.entry;
    for (const u of [...updated, mine]) entry = place(entry, u, x.env.maxResponses);
    await writeEntry(x, entry!, arrival.since);
  }
  return serve(x, mine, freshness(x.env, mine), { status: 'miss', fwd: 'stale', fwdStatus: 304 });
}

/** Stores the origin's response when RFC 9111 §3 allows it, and answers with it. */
async function admit(x: Exchange, arrival: Arrival, status: Pick<CacheStatusResult, 'fwd' | 'fwdStatus'>): Promise<Response> {
  const { response } = arrival;
  const directives = parseCacheControl(response.headers.get('cache-control'));
  const why = whyNotStorable({
    method: x.method, status: response.status, request: x.requestCC, response: directives,
    responseHeaders: response.headers, hasAuthorization: x.request.headers.has('authorization'), shared: x.env.shared,
  });
  const span = response.status === 206 ? parseContentRange(response.headers.get('content-range')) : undefined;
  if (why !== undefined || (response.status === 206 && span === undefined)) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  if (span !== undefined && body.byteLength !== span.end - span.start + 1) return reply(response, body, x.env, status);
  const stored = capture(response, {
    body, request: x.request.headers, requestTime: arrival.requestTime, responseTime: arrival.responseTime, directives, shared: x.env.shared, span,
  });
  x.onStored?.(stored);
  await writeEntry(x, place(x.entry, stored, x.env.maxResponses), arrival.since);
  return reply(response, body, x.env, { ...status, stored: true });
}

/** RFC 9111 §4.3.2: a client's own preconditions, answered from a fresh stored response. */
function answerPreconditions(x: Exchange, stored: StoredResponse, f: Freshness): Response {
  if (!notModifiedFor(x.request.headers, stored)) return serve(x, stored, f, { status: 'hit', ttl: f.left });
  const headers = responseHeaders(x.env, f, { status: 'hit', ttl: f.left });
  headers.delete('content-length');
  return toResponse(304, 'Not Modified', headers, null);
}

/** A request whose preconditions are the client's: forwarded as it is; a 304 still freshens what it names (§4.3.4). */
async function forwardAsIs(x: Exchange): Promise<Response> {
  const arrival = await send(x, {});
  if (arrival.response.status !== 304) return admit(x, arrival, {});
  const targets = updatedBy(arrival.response.headers, variantsFor(x.entry, x.request.headers));
  if (targets.length === 1) {
    const directives = parseCacheControl(arrival.response.headers.get('cache-control'));
    const updated = {
      ...targets[0]!, headers: updatedFields(targets[0]!.headers, arrival.response.headers, directives, x.env.shared),
      requestTime: arrival.requestTime, responseTime: arrival.responseTime,
    };
    if (!directives.noStore) await writeEntry(x, place(x.entry, updated, x.env.maxResponses), arrival.since);
  }
  return arrival.response;
}

/** RFC 9111 §4.3.5: a HEAD goes to the origin; its 200 updates the stored GETs it could stand for, or makes them stale. */
async function forwardHead(x: Exchange): Promise<Response> {
  const arrival = await send(x, {});
  const { response } = arrival;
  const candidates = variantsFor(x.entry, x.request.headers);
  if (response.status !== 200 || candidates.length === 0) return response;
  const directives = parseCacheControl(response.headers.get('cache-control'));
  let responses = x.entry!.responses;
  for (const stored of candidates) {
    const same = sameHeadValidators(stored, response.headers);
    const updated: StoredResponse = {
      ...stored, headers: updatedFields(stored.headers, response.headers, directives, x.env.shared),
      requestTime: arrival.requestTime, responseTime: arrival.responseTime,
    };
    responses = same && !directives.noStore ? responses.map((r) => (r === stored ? updated : r)) : responses.filter((r) => r !== stored);
  }
  await writeEntry(x, { v: 2, responses }, arrival.since);
  return response;
}

/** A single byte range: from a stored response that holds it, else from the origin (whose 206 is stored as a part, §3.3). */
async function answerRange(x: Exchange): Promise<Response> {
  const found = selectForRange(x.entry, x.request.headers, (size) => resolveRange(x.range!, size));
  if (found !== undefined) {
    const f = freshness(x.env, found.stored);
    if (usable(x, f)) return servePart(x, found.stored, found.span, f);
  }
  if (x.requestCC.onlyIfCached) return gatewayTimeout(x.env, 'only-if-cached');
  // No preconditions: a part's validator must not stand for what the client asked (§4.3.2).
  return admit(x, await send(x, {}), { fwd: x.entry ? 'partial' : 'uri-miss' });
}

/** RFC 9111 §4.4: unsafe methods go to the origin; a non-error answer invalidates the URIs it concerns. */
async function writeThrough(env: Env, request: Request): Promise<Response> {
  const response = await env.network(request);
  const uris = invalidatedUris(new URL(withoutFragment(new URL(request.url))), response.status, response.headers);
  if (uris.length > 0) {
    try {
      await env.cache.invalidateTags(uris.map((uri) => uriTag(env.name, uri)));
    } catch { /* the entries age out; the request itself succeeded */ }
  }
  return response;
}

/** Revalidates in the background, once per key (RFC 5861 §3). */
function refreshInBackground(x: Exchange, stored: StoredResponse): void {
  const { refreshing, waitUntil } = x.env;
  if (refreshing.has(x.key)) return;
  refreshing.add(x.key);
  const quiet: Exchange = { ...x, request: x.request.clone() };
  const work = revalidate(quiet, stored, freshness(x.env, stored))
    .then((r) => r.arrayBuffer(), () => undefined)
    .finally(() => refreshing.delete(x.key));
  waitUntil(work);
}
