/**
 * The handler of an x-cache'd read: identify the caller (private routes), key the request,
 * look it up, and answer from the prepared entry (Age, Cache-Status, 304) or from the handler's
 * answer when the cache may not keep it. Each step is a function over the route's context,
 * computed once at registration (a CachedRoute), and the request it serves.
 */
import { validateHeaderValue } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CacheResult, GetOrSetOptions } from '../cache/index.js';
import type { CachePolicy } from '../http/policy.js';
import { cacheControl, cacheStatus, ifNoneMatch, strongEtag, surrogateKeys, varyHeader } from '../http/index.js';
import { AUTHORIZATION_SOURCE, BoundedMap, createQueryFilter, createRestKeyer, type IdentitySource, type QueryFilter, type RestKeyer, type RestKeyInput } from '../keys/index.js';
import { readsResponse, renderTags, type TagSources, type TagTemplateSpec } from '../tags/index.js';
import { contentTypeHeader, resultOf, serializeBody, type AnyHandler, type HandlerRequest } from './handler.js';
import type { OperationSpec } from './operation.js';
import { preparedCodec, type PreparedResponse } from './prepared.js';
import type { RouteCache, RoutesOptions } from './options.js';
import { whyNotStored, type KeyCoverage } from './storable.js';
import { isToken } from '../http/syntax.js';

/** The keyer's input, carrying the request and the identity `identify` gave for it. */
interface KeyInput extends RestKeyInput {
  identity: string | undefined;
}

/** Header values a route sends on every cached answer: computed once, at registration. */
interface RouteHeaders {
  cacheControl: string;
  /** The spec's vary headers, and on a private route the headers that carry the caller's identity. */
  vary: string | undefined;
  /** Send the entry's tags as Surrogate-Key. */
  surrogateKeys: boolean;
}

/** Everything a cached route computes once, at registration: the context of every step below. */
interface CachedRoute {
  op: OperationSpec;
  handler: AnyHandler;
  cache: RouteCache;
  keyer: RestKeyer;
  identify: ((request: FastifyRequest) => unknown) | undefined;
  headers: RouteHeaders;
  coverage: KeyCoverage;
  /** The query parameters the key holds (the policy's allow- or ignore-list, and identity parameters); undefined: all of them. */
  keyedQuery: QueryFilter | undefined;
  requestTemplates: TagTemplateSpec[];
  responseTemplates: TagTemplateSpec[];
  fetchOptions: GetOrSetOptions<PreparedResponse>;
  /** Serves a request without the cache (anonymous private calls, answers meant for another request). */
  bypass: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** Public routes without Vary: request URL → key, for the last few thousand. */
  byUrl: BoundedMap<string, string> | undefined;
  /** The keyer is synchronous and keeps nothing of its input, so one input object serves every request. */
  input: KeyInput;
  /** Cache-Status of a fresh hit depends only on the whole seconds of freshness left: the last one. */
  hitTtl: number;
  hitStatus: string;
}

// Shared by every request: the hit path allocates no closures it does not need.
const tagsOf = (value: PreparedResponse): string[] => value.tags;
const isStorable = (value: PreparedResponse): boolean => value.storable;

/** The Fastify handler of one cached operation; throws at registration when a private route has no way to identify callers. */
export function cachedHandler(
  op: OperationSpec, policy: CachePolicy, handler: AnyHandler, options: RoutesOptions<object>,
  bypass: CachedRoute['bypass'],
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | undefined {
  const route = cachedRouteOf(op, policy, handler, options, bypass);
  /**
   * Not an async function: Fastify would chain one more promise onto it for every request.
   * The reply is sent from the cache's promise instead (a callback-style handler, so every
   * hook, the logger and the error handler still run); a failure goes to Fastify's error
   * handler as a thrown error would.
   */
  return function cachedRoute(request, reply) {
    if (route.identify === undefined) return lookup(route, request, reply, undefined);
    let identity: unknown;
    try {
      identity = route.identify(request);
    } catch {
      return route.bypass(request, reply);
    }
    if (!isThenable(identity)) return lookupAs(route, request, reply, identity);
    identity.then(
      (resolved) => lookupAs(route, request, reply, resolved)?.catch((err: unknown) => failed(reply, err)),
      () => route.bypass(request, reply).catch((err: unknown) => failed(reply, err)),
    );
    return undefined;
  };
}

function cachedRouteOf(op: OperationSpec, policy: CachePolicy, handler: AnyHandler, options: RoutesOptions<object>, bypass: CachedRoute['bypass']): CachedRoute {
  const isPrivate = policy.scope === 'private';
  const secret = options.secret ?? process.env.CACHEGEN_KEY_SECRET;
  if (isPrivate && !secret && !options.identify) {
    throw new Error(
      `routes: operation "${op.operationId}" is x-cache scope: private; pass \`secret\` (HMAC of the caller's credential) or \`identify\` to the routes plugin`,
    );
  }
  // A table without sources (hand-written, or a spec without security): the Authorization header, as `secret` always meant.
  const sources = op.cache?.identity?.length ? op.cache.identity : [AUTHORIZATION_SOURCE];
  const identify = isPrivate ? options.identify as ((request: FastifyRequest) => unknown) | undefined : undefined;
  const keyer = createRestKeyer({
    policy,
    identity: sources,
    ...(secret ? { secret } : {}),
    ...(op.cache?.credentials ? { credentials: op.cache.credentials } : {}),
    ...(identify ? { identify: (input: RestKeyInput) => (input as KeyInput).identity } : {}),
  });
  const identityHeaders = isPrivate ? identityHeadersOf(sources, identify !== undefined) : [];
  const templates = op.cache?.tags ?? [];
  return {
    op, handler, cache: options.cache, keyer, identify, bypass,
    headers: routeHeaders(op, policy, identityHeaders, options.surrogateKeys === true),
    coverage: { shared: !isPrivate, headers: new Set([...policy.vary, ...identityHeaders].map((name) => name.toLowerCase())) },
    keyedQuery: keyedQueryOf(policy, isPrivate ? sources : []),
    requestTemplates: templates.filter((t) => !readsResponse(t)),
    responseTemplates: templates.filter(readsResponse),
    // Every tag, request-derived ones included, is rendered by the loader and handed over through
    // tagsFrom: the cache reads tags only when it stores, and the epoch it checks then was read
    // before the loader ran (docs/two-tier.md, "tags"), so a hit renders none.
    fetchOptions: {
      ttl: policy.ttl, swr: policy.swr, staleIfError: policy.staleIfError, tagsFrom: tagsOf, endpoint: op.operationId,
      codec: preparedCodec, cacheable: isStorable, shared: !isPrivate,
    },
    byUrl: !isPrivate && policy.vary.length === 0 ? new BoundedMap(4096) : undefined,
    input: { operationId: op.operationId, params: {}, query: '', headers: {}, identity: undefined },
    hitTtl: NaN,
    hitStatus: '',
  };
}

/** The policy's query filter, widened to the query parameters a private route's identity is read from. */
function keyedQueryOf(policy: CachePolicy, sources: readonly IdentitySource[]): QueryFilter | undefined {
  const filter = createQueryFilter(policy.key);
  const identity = new Set(sources.filter((s) => s.in === 'query').map((s) => s.name));
  if (filter === undefined || identity.size === 0) return filter;
  return (name) => identity.has(name) || filter(name);
}

/** The request headers a private answer varies on: those its identity is read from (and, with `identify`, both usual carriers). */
function identityHeadersOf(sources: readonly IdentitySource[], identified: boolean): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    if (source.in === 'header') names.add(source.name.toLowerCase());
    else if (source.in === 'cookie') names.add('cookie');
  }
  // identify() may read either; over-varying only costs a private cache a miss.
  if (identified) names.add('authorization').add('cookie');
  return [...names];
}

function routeHeaders(op: OperationSpec, policy: CachePolicy, identityHeaders: readonly string[], surrogate: boolean): RouteHeaders {
  // Spec strings that reach headers are checked once, here: one Node cannot send would fail every answer.
  const bad = policy.vary.find((name) => !isToken(name.trim()));
  if (bad !== undefined) throw new Error(`routes: operation "${op.operationId}": x-cache vary ${JSON.stringify(bad)} is not a header name`);
  try {
    validateHeaderValue('content-type', contentTypeHeader(op.contentType));
  } catch {
    throw new Error(`routes: operation "${op.operationId}": content type ${JSON.stringify(op.contentType)} cannot be sent as a header`);
  }
  return { cacheControl: cacheControl(policy), vary: varyHeader({ vary: [...policy.vary, ...identityHeaders] }), surrogateKeys: surrogate };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** identify's answer: a non-empty string is the caller, undefined is anonymous (the credential may still key it), anything else: uncached. */
function lookupAs(route: CachedRoute, request: FastifyRequest, reply: FastifyReply, identity: unknown): Promise<unknown> | undefined {
  if (identity === undefined || (typeof identity === 'string' && identity !== '')) return lookup(route, request, reply, identity);
  return route.bypass(request, reply);
}

/** Keys the request and answers it from the cache; without a key (a private route, no identity) the handler answers, uncached. */
function lookup(route: CachedRoute, request: FastifyRequest, reply: FastifyReply, identity: string | undefined): Promise<unknown> | undefined {
  const key = keyOf(route, request, identity);
  if (key === undefined) return route.bypass(request, reply);
  let found: CacheResult<PreparedResponse> | Promise<CacheResult<PreparedResponse>>;
  try {
    // The loaders are written inline: a closure bound to a name gets a name-setting call per request under tsx/esbuild.
    const cache = route.cache;
    found = cache.hitOrFetch !== undefined
      ? cache.hitOrFetch(key, () => load(route, request, reply), route.fetchOptions)
      : cache.fetch(key, () => load(route, request, reply), route.fetchOptions);
  } catch (err) {
    failed(reply, err);
    return undefined;
  }
  // A fresh L1 hit is answered here, in the handler's own call, as a hand-written route would.
  if (!isThenable(found)) answerOrFail(route, request, reply, found);
  else found.then((result) => answerOrFail(route, request, reply, result), (err: unknown) => failed(reply, err));
  return undefined;
}

function answerOrFail(route: CachedRoute, request: FastifyRequest, reply: FastifyReply, result: CacheResult<PreparedResponse>): void {
  try {
    answer(route, request, reply, result);
  } catch (err) {
    failed(reply, err);
  }
}

function keyOf(route: CachedRoute, request: FastifyRequest, identity: string | undefined): string | undefined {
  // A public route without Vary keys a request by its URL alone (the params are parsed from it, the handler sees no header).
  const url = request.url;
  let key = route.byUrl?.get(url);
  if (key !== undefined) return key;
  const input = route.input;
  input.params = request.params as RestKeyInput['params'];
  // The values the handler receives (parsed, coerced), never a re-decoding of the URL.
  input.query = request.query as RestKeyInput['query'];
  input.headers = request.headers;
  input.identity = identity;
  key = route.keyer(input);
  input.identity = undefined;
  if (key !== undefined && url.length <= 1024) route.byUrl?.set(url, key);
  return key;
}

/** The origin call, on a miss only: the handler's result, serialized, hashed and tagged once, and judged storable or not. */
async function load(route: CachedRoute, request: FastifyRequest, reply: FastifyReply): Promise<PreparedResponse> {
  const { status, body, headers } = resultOf(await route.handler(keyedRequestOf(route, request)), route.op.successStatus);
  const { bytes, type } = serializeBody(reply, status, body, route.op.contentType);
  const sources: TagSources = { params: request.params, query: request.query, headers: request.headers };
  const requestTags = route.requestTemplates.length > 0 ? renderTags(route.requestTemplates, sources) : [];
  const refused = whyNotStored(status, headers, route.coverage);
  const prepared: PreparedResponse = {
    status,
    body: bytes,
    contentType: contentTypeHeader(type),
    etag: strongEtag(bytes),
    headers: refused === undefined ? storedHeaders(route, headers) : {},
    storable: refused === undefined,
    tags: route.responseTemplates.length > 0
      ? [...new Set([...requestTags, ...renderTags(route.responseTemplates, { ...sources, response: body })])]
      : requestTags,
  };
  if (prepared.storable) wireHeaders(prepared, route.headers);
  // Not stored: the handler's answer is for this request only, with every header it set.
  else prepared.unstored = { for: request, headers };
  return prepared;
}

/**
 * What the handler of a stored answer sees: the request as keyed. Of the headers, only those the
 * key is built from (vary, and on a private route those carrying the identity); of the query,
 * only the parameters the key holds. An answer built from `Host`, `X-Forwarded-*`, `Accept`, a
 * cookie or a query parameter the key leaves out could otherwise be stored and served to
 * requests that never sent them.
 */
function keyedRequestOf(route: CachedRoute, request: FastifyRequest): HandlerRequest {
  const all = request.headers;
  const headers: Record<string, string | string[]> = {};
  for (const name of route.coverage.headers) {
    const value = all[name];
    if (value !== undefined) headers[name] = value;
  }
  let query = request.query;
  const keyed = route.keyedQuery;
  if (keyed !== undefined && typeof query === 'object' && query !== null) {
    const kept: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(query)) if (keyed(name)) kept[name] = value;
    query = kept;
  }
  return { params: request.params, query, headers, body: request.body };
}

/** The handler's headers as an entry keeps them: lower-case names, its Vary merged with the route's (whyNotStored checked it is covered). */
function storedHeaders(route: CachedRoute, headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name]!;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (out.vary !== undefined) out.vary = varyHeader({ vary: [...(route.headers.vary ?? '').split(','), ...out.vary.split(',')] }) ?? '';
  return out;
}

/**
 * The headers every answer from this entry carries whatever its age, as name/value pairs:
 * computed once per entry (when it is stored, or on the first hit of an entry decoded from
 * L2) and kept on the entry, so a hit only adds Age and Cache-Status.
 */
function wireHeaders(prepared: PreparedResponse, route: RouteHeaders): readonly string[] {
  let wire = prepared.wire;
  if (wire === undefined) {
    const list = ['cache-control', route.cacheControl, 'etag', prepared.etag];
    if (route.vary) list.push('vary', route.vary);
    for (const name in prepared.headers) list.push(name, prepared.headers[name]!);
    list.push('content-type', prepared.contentType);
    if (route.surrogateKeys && prepared.tags.length > 0) list.push('surrogate-key', surrogateKeys(prepared.tags));
    wire = list;
    prepared.wire = wire;
  }
  return wire;
}

/** Sends a cached (or just loaded) entry: the entry's prepared headers, Age, Cache-Status; 304 on a matching ETag. */
function answer(route: CachedRoute, request: FastifyRequest, reply: FastifyReply, result: CacheResult<PreparedResponse>): void {
  const prepared = result.value;
  if (!prepared.storable) {
    sendUnstored(route, request, reply, prepared);
    return;
  }
  let status: string;
  if (result.status === 'hit') {
    const ttl = Math.trunc(result.ttl);
    if (ttl !== route.hitTtl) {
      route.hitStatus = cacheStatus({ status: 'hit', ttl: result.ttl });
      route.hitTtl = ttl;
    }
    status = route.hitStatus;
  } else {
    status = cacheStatus({ status: result.status, ttl: result.ttl, stored: result.status === 'miss' });
  }
  // Age and Cache-Status first: a handler's own extra headers (in the entry's list) win, as they always did.
  // An entry another instance stored by a clock ahead of ours would be younger than 0: Age is never negative (RFC 9111 §5.1).
  reply.header('age', String(Math.max(0, Math.floor(result.age)))).header('cache-status', status);
  const wire = wireHeaders(prepared, route.headers);
  for (let i = 0; i < wire.length; i += 2) reply.header(wire[i]!, wire[i + 1]!);
  const condition = request.headers['if-none-match'];
  if (condition !== undefined && ifNoneMatch(condition, prepared.etag)) {
    // The 304 carries the entry's headers but no body, so no Content-Type.
    reply.removeHeader('content-type');
    reply.code(304).send();
    return;
  }
  reply.code(prepared.status).send(prepared.body);
}

/**
 * An answer the cache did not keep goes only to the request it was made for, with the headers
 * its handler set (Set-Cookie included) and `no-store`. A request that joined its load runs the
 * handler itself: the answer may hinge on what its key leaves out (a cookie, a Range, a validator).
 */
function sendUnstored(route: CachedRoute, request: FastifyRequest, reply: FastifyReply, prepared: PreparedResponse): void {
  if (prepared.unstored?.for !== request) {
    route.bypass(request, reply).catch((err: unknown) => failed(reply, err));
    return;
  }
  reply.code(prepared.status).headers(prepared.unstored.headers).header('cache-control', 'no-store').header('content-type', prepared.contentType);
  reply.send(prepared.body);
}

/** What Fastify does with an async handler's rejection: its error handler answers (once). */
function failed(reply: FastifyReply, err: unknown): void {
  if (reply.sent) {
    reply.log.error({ err }, 'cachegen: the cached route failed after its reply was sent');
    return;
  }
  reply.send(err instanceof Error ? err : new Error(String(err)));
}
