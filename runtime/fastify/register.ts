/**
 * Registers a generated route table on a Fastify instance: validation and serialization from
 * the spec's schemas, caching per x-cache (key, lookup, prepared bytes, headers, 304), and
 * tag invalidation after successful mutations.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Cache, CacheResult } from '../cache/index.js';
import type { CacheObserver } from '../metrics/observer.js';
import type { CachePolicy } from '../http/policy.js';
import { cacheControl, cacheStatus, ifNoneMatch, strongEtag, surrogateKeys, varyHeader } from '../http/index.js';
import { createRestKeyer, type RestKeyInput } from '../keys/index.js';
import type { OperationSpec, SharedSchemas } from './operation.js';
import { preparedCodec, type PreparedResponse } from './prepared.js';
import { HandlerReply } from './reply.js';
import { readsResponse, renderTags, type TagSources } from '../tags/index.js';

/** What a handler receives: the validated request parts. */
export interface HandlerRequest<Params = unknown, Query = unknown, Headers = unknown, Body = unknown> {
  params: Params;
  query: Query;
  headers: Headers;
  body: Body;
}

/** The part of `createCache()` the routes use. */
export type RouteCache = Pick<Cache, 'fetch' | 'invalidateTags'> & { readonly observer?: CacheObserver };

/** A prom-client Registry, or anything that renders metrics the same way. */
export interface MetricsRegistry {
  metrics(): Promise<string> | string;
  contentType: string;
}

export interface RoutesOptions<H extends object = object> {
  /** One function per operationId. */
  handlers: H;
  /** The two-tier cache from createCache(). */
  cache: RouteCache;
  /** Secret for the HMAC of the Authorization header that keys `scope: private` responses. */
  secret?: string;
  /** Caller identity (e.g. a user id) for `scope: private` keys; wins over the Authorization HMAC. */
  identify?: (request: FastifyRequest) => string | undefined;
  /** Serve Prometheus metrics from this registry at `metricsPath`. */
  metrics?: MetricsRegistry | { registry: MetricsRegistry };
  /** Path of the metrics endpoint (default `/metrics`). */
  metricsPath?: string;
  /** Send the entry's tags as `Surrogate-Key` so a CDN can purge by tag (default false). */
  surrogateKeys?: boolean;
}

/** The keyer's input, carrying the request so `identify(request)` can read it. */
interface KeyInputWithRequest extends RestKeyInput {
  request: FastifyRequest;
}

type AnyHandler = (request: HandlerRequest) => Promise<unknown>;

const JSON_TYPE = 'application/json; charset=utf-8';

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function rawQuery(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

function handlerOf(handlers: Record<string, unknown>, operationId: string): AnyHandler {
  const handler = handlers[operationId];
  if (typeof handler !== 'function') {
    throw new Error(`routes: handlers.${operationId} is missing; the spec's operation "${operationId}" needs a handler function`);
  }
  return handler.bind(handlers) as AnyHandler;
}

function requestOf(request: FastifyRequest): HandlerRequest {
  return { params: request.params, query: request.query, headers: request.headers, body: request.body };
}

/** Header values a route sends on every cached answer: computed once, at registration. */
interface RouteHeaders {
  cacheControl: string;
  vary: string | undefined;
  /** Send the entry's tags as Surrogate-Key. */
  surrogateKeys: boolean;
}

function routeHeaders(policy: CachePolicy, surrogate: boolean): RouteHeaders {
  const vary = varyHeader(policy);
  return { cacheControl: cacheControl(policy), vary: vary || undefined, surrogateKeys: surrogate };
}

function serializeBody(reply: FastifyReply, status: number, body: unknown, contentType: string): { bytes: Buffer; type: string } {
  if (Buffer.isBuffer(body)) return { bytes: body, type: contentType };
  if (typeof body === 'string' && !contentType.includes('json')) return { bytes: Buffer.from(body), type: contentType };
  if (body === undefined) return { bytes: Buffer.alloc(0), type: contentType };
  const serialize = reply.getSerializationFunction(String(status)) as ((payload: unknown) => string) | undefined;
  return { bytes: Buffer.from(serialize ? serialize(body) : JSON.stringify(body)), type: JSON_TYPE };
}

function extraHeaders(headers: Record<string, string | string[]>): { headers: Record<string, string>; setsCookie: boolean } {
  const out: Record<string, string> = {};
  let setsCookie = false;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') { setsCookie = true; continue; }
    out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { headers: out, setsCookie };
}

function contentTypeHeader(type: string): string {
  return type.includes('json') && !type.includes('charset') ? `${type}; charset=utf-8` : type;
}

/** Registers every operation of a generated route table; throws naming the first missing handler or option. */
export function registerOperations<H extends object>(
  app: FastifyInstance,
  operations: readonly OperationSpec[],
  schemas: SharedSchemas,
  options: RoutesOptions<H>,
): void {
  if (!options || typeof options !== 'object') throw new Error('routes: options are required: app.register(routes, { handlers, cache })');
  if (!options.handlers) throw new Error('routes: options.handlers is required: one function per operationId');
  if (!options.cache || typeof options.cache.fetch !== 'function') {
    throw new Error('routes: options.cache is required: pass createCache() from cachegen/runtime');
  }
  const handlers = options.handlers as Record<string, unknown>;
  for (const schema of schemas) app.addSchema(schema);
  const explicitHead = new Set(operations.filter((op) => op.method === 'HEAD').map((op) => op.url));
  for (const op of operations) {
    const handler = handlerOf(handlers, op.operationId);
    const routeOptions = {
      method: op.method,
      url: op.url,
      schema: op.schema,
      ...(op.method === 'GET' ? { exposeHeadRoute: !explicitHead.has(op.url) } : {}),
    };
    const policy = op.cache?.policy;
    if (policy && !policy.sensitive && (op.method === 'GET' || op.method === 'HEAD')) {
      app.route({ ...routeOptions, handler: cachedHandler(op, policy, handler, options) });
    } else {
      app.route({ ...routeOptions, handler: uncachedHandler(op, handler, options) });
    }
  }
  const registry = options.metrics && ('registry' in options.metrics ? options.metrics.registry : options.metrics);
  if (registry) {
    app.get(options.metricsPath ?? '/metrics', async (_request, reply) => {
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    });
  }
}

// Shared by every request: the hit path allocates no closures it does not need.
const tagsOf = (value: PreparedResponse): string[] => value.tags;
const isStorable = (value: PreparedResponse): boolean => value.storable;

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

function cachedHandler(op: OperationSpec, policy: CachePolicy, handler: AnyHandler, options: RoutesOptions<object>) {
  const { cache } = options;
  if (policy.scope === 'private' && !options.secret && !options.identify) {
    throw new Error(
      `routes: operation "${op.operationId}" is x-cache scope: private; pass \`secret\` (HMAC of the Authorization header) or \`identify\` to the routes plugin`,
    );
  }
  const identify = options.identify;
  const keyer = createRestKeyer({
    policy,
    ...(options.secret ? { secret: options.secret } : {}),
    ...(identify ? { identify: (input: RestKeyInput) => identify((input as KeyInputWithRequest).request) } : {}),
  });
  const headers = routeHeaders(policy, options.surrogateKeys === true);
  const requestTemplates = (op.cache?.tags ?? []).filter((t) => !readsResponse(t));
  const responseTemplates = (op.cache?.tags ?? []).filter(readsResponse);
  const endpoint = op.operationId;
  const bypass = uncachedHandler(op, handler, options);
  // One options object per route. Every tag, request-derived ones included, is rendered by the
  // loader and handed over through tagsFrom: the cache reads tags only when it stores, and the
  // epoch it checks then was read before the loader ran (docs/two-tier.md, "tags"), so a hit
  // renders none.
  const fetchOptions = {
    ttl: policy.ttl,
    swr: policy.swr,
    staleIfError: policy.staleIfError,
    tagsFrom: tagsOf,
    endpoint,
    codec: preparedCodec,
    cacheable: isStorable,
    shared: policy.scope === 'public',
  };
  // The keyer is synchronous and keeps nothing of its input, so one input object serves every request.
  const input: KeyInputWithRequest = { operationId: op.operationId, params: {}, query: '', headers: {}, request: undefined as never };

  /** The origin call, on a miss only: the handler's result, serialized, hashed and tagged once. */
  async function load(request: FastifyRequest, reply: FastifyReply): Promise<PreparedResponse> {
    const result = await handler(requestOf(request));
    const { status, body, headers: set } =
      result instanceof HandlerReply ? result : { status: op.successStatus, body: result, headers: {} };
    const { bytes, type } = serializeBody(reply, status, body, op.contentType);
    const extra = extraHeaders(set);
    const sources: TagSources = { params: request.params, query: request.query, headers: request.headers };
    const requestTags = requestTemplates.length > 0 ? renderTags(requestTemplates, sources) : [];
    const prepared: PreparedResponse = {
      status,
      body: bytes,
      contentType: contentTypeHeader(type),
      etag: strongEtag(bytes),
      headers: extra.headers,
      storable: isSuccess(status) && !extra.setsCookie,
      tags: responseTemplates.length > 0 ? [...new Set([...requestTags, ...renderTags(responseTemplates, { ...sources, response: body })])] : requestTags,
    };
    if (prepared.storable) wireHeaders(prepared, headers);
    return prepared;
  }

  // A public route without Vary keys a request by its URL alone (the params are parsed from
  // it): hits are repeated URLs, so remember the last few thousand keys (bounded, oldest first out).
  const byUrl = policy.scope === 'public' && (policy.vary ?? []).length === 0 ? new Map<string, string>() : undefined;

  // Cache-Status of a fresh hit depends only on the whole seconds of freshness left: remember the last one.
  let hitTtl = NaN;
  let hitStatus = '';

  /** Sends a cached (or just loaded) entry: the entry's prepared headers, Age, Cache-Status; 304 on a matching ETag. */
  function answer(request: FastifyRequest, reply: FastifyReply, result: CacheResult<PreparedResponse>): void {
    const prepared = result.value;
    if (!prepared.storable) {
      reply.code(prepared.status).headers(prepared.headers).header('cache-control', 'no-store').header('content-type', prepared.contentType);
      reply.send(prepared.body);
      return;
    }
    let status: string;
    if (result.status === 'hit') {
      const ttl = Math.trunc(result.ttl);
      if (ttl !== hitTtl) {
        hitStatus = cacheStatus({ status: 'hit', ttl: result.ttl });
        hitTtl = ttl;
      }
      status = hitStatus;
    } else {
      status = cacheStatus({ status: result.status, ttl: result.ttl, stored: result.status === 'miss' });
    }
    // Age and Cache-Status first: a handler's own extra headers (in the entry's list) win, as they always did.
    reply.header('age', String(Math.floor(result.age))).header('cache-status', status);
    const wire = wireHeaders(prepared, headers);
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
   * Not an async function: Fastify would chain one more promise onto it for every request.
   * The reply is sent from the cache's promise instead (a callback-style handler, so every
   * hook, the logger and the error handler still run); a failure goes to Fastify's error
   * handler as a thrown error would.
   */
  return function cachedRoute(request: FastifyRequest, reply: FastifyReply): Promise<unknown> | undefined {
    const url = request.url;
    let key = byUrl?.get(url);
    if (key === undefined) {
      input.params = request.params as RestKeyInput['params'];
      input.query = rawQuery(url);
      input.headers = request.headers;
      input.request = request;
      try {
        key = keyer(input);
      } finally {
        input.request = undefined as never;
      }
      if (byUrl && key !== undefined && url.length <= 1024) {
        if (byUrl.size >= 4096) byUrl.delete(byUrl.keys().next().value!);
        byUrl.set(url, key);
      }
    }
    // No key: a private operation called anonymously. Answer it, store nothing.
    if (key === undefined) return bypass(request, reply);
    cache.fetch(key, () => load(request, reply), fetchOptions).then(
      (result) => {
        try {
          answer(request, reply, result);
        } catch (err) {
          failed(reply, err);
        }
      },
      (err: unknown) => failed(reply, err),
    );
    return undefined;
  };
}

/** What Fastify does with an async handler's rejection: its error handler answers (once). */
function failed(reply: FastifyReply, err: unknown): void {
  if (reply.sent) {
    reply.log.error({ err }, 'cachegen: the cached route failed after its reply was sent');
    return;
  }
  reply.send(err instanceof Error ? err : new Error(String(err)));
}

function uncachedHandler(op: OperationSpec, handler: AnyHandler, options: RoutesOptions<object>) {
  const { cache } = options;
  const observer = cache.observer;
  const endpoint = op.operationId;
  return async function uncachedRoute(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const started = performance.now();
    const result = await handler(requestOf(request));
    const { status, body, headers } =
      result instanceof HandlerReply ? result : { status: op.successStatus, body: result, headers: {} };
    if (isSuccess(status) && op.invalidates.length > 0) {
      const tags = renderTags(op.invalidates, { params: request.params, query: request.query, headers: request.headers, body: request.body, response: body });
      // A broken cache must not fail the write: the cache degrades on its own, this only guards the reply.
      if (tags.length > 0) await cache.invalidateTags(tags, { source: 'mutation' }).catch((err: unknown) => request.log.warn({ err, tags }, 'cachegen: invalidation failed'));
    }
    observer?.request(endpoint, 'bypass', 'origin', (performance.now() - started) / 1000);
    reply.code(status).headers(headers);
    // Writes, sensitive reads and private reads without an identity: nobody downstream may keep them either.
    if (op.cache || (op.method !== 'GET' && op.method !== 'HEAD')) reply.header('cache-control', 'no-store');
    if (body !== undefined && !op.contentType.includes('json') && (typeof body === 'string' || Buffer.isBuffer(body))) {
      reply.header('content-type', op.contentType);
    }
    return reply.send(body);
  };
}
