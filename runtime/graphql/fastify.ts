/**
 * A Fastify route handler that caches GraphQL POST queries on the cachegen runtime.
 * Queries are keyed by `graphqlKey` (plus the caller's identity for `scope: private`);
 * mutations, subscriptions, documents that do not parse and results with errors are
 * executed every time and never stored.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import type { Cache } from '../cache/index.js';
import { cacheStatus } from '../http/cache-status.js';
import { readHeader } from '../keys/headers.js';
import { createIdentityDigest, identityPart } from '../keys/identity.js';
import { graphqlKey, normalizeRequest, type GraphqlRequest } from './key.js';

export interface GraphqlCacheOptions {
  cache: Cache;
  /** Runs one operation (e.g. `(args) => graphql({ schema, source: args.query, variableValues: args.variables, ... })`). */
  execute: (request: GraphqlRequest, fastifyRequest: FastifyRequest) => Promise<ExecutionResult>;
  /** Seconds fresh. */
  ttl: number;
  swr?: number;
  staleIfError?: number;
  /** public: one entry for every caller; private: one per caller identity (never in Redis). Default public. */
  scope?: 'public' | 'private';
  /**
   * The caller's identity for private scope (e.g. a user id); wins over `secret`. May return a
   * Promise. undefined: anonymous (the Authorization HMAC keys it when `secret` is set); anything
   * else that is not a non-empty string, or a throw: the query is executed uncached.
   */
  identify?: (request: FastifyRequest) => string | undefined | Promise<string | undefined>;
  /** HMAC secret for identities taken from the Authorization header (private scope). */
  secret?: string;
  /** Tags for invalidation, from the request and the result (e.g. `user:${variables.id}`). */
  tags?: (request: GraphqlRequest, result: ExecutionResult) => string[];
  /** Cache-Status name; default `cachegen`. */
  name?: string;
}

/** What a cached entry holds: the serialized result, ready to send. */
interface StoredResult { body: string; ok: boolean; tags: string[] }

/** A Fastify handler for `POST /graphql` that answers repeated queries from the cache. */
export function graphqlCacheHandler(options: GraphqlCacheOptions): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  const scope = options.scope ?? 'public';
  if (scope === 'private' && !options.identify && !options.secret) {
    throw new Error('graphqlCacheHandler: scope: private needs `identify(request)` or a `secret` (HMAC of the Authorization header)');
  }
  const digest = scope === 'private' && options.secret ? createIdentityDigest(options.secret) : undefined;
  const name = options.name ?? 'cachegen';

  /** The key's identity part; undefined: no identity (a throw, or an answer that is neither a non-empty string nor undefined, included). */
  const identityOf = async (request: FastifyRequest): Promise<string | undefined> => {
    let id: unknown;
    try {
      id = await options.identify?.(request);
    } catch {
      return undefined;
    }
    // Never String(id): every caller whose identify gave an object would share `[object Object]`.
    if (id !== undefined) return identityPart(id);
    const authorization = digest ? readHeader(request.headers, 'authorization') : undefined;
    return authorization ? 'a' + digest!(authorization) : undefined;
  };

  const send = (reply: FastifyReply, status: number, body: string, cacheStatusValue: string) =>
    reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-status', cacheStatusValue).send(body);

  return async (request, reply) => {
    const body = request.body as Partial<GraphqlRequest> | undefined;
    if (!body || typeof body.query !== 'string') {
      return send(reply, 400, JSON.stringify({ errors: [{ message: 'POST body must be JSON with a string "query"' }] }), cacheStatus({ status: 'bypass' }, name));
    }
    const graphqlRequest: GraphqlRequest = { query: body.query, variables: body.variables, operationName: body.operationName ?? null };
    const bypass = async (detail: string) => {
      const result = await options.execute(graphqlRequest, request);
      return send(reply, 200, JSON.stringify(result), cacheStatus({ status: 'bypass', detail }, name));
    };

    let key: string;
    try {
      if (normalizeRequest(graphqlRequest).operationType !== 'query') return bypass('not-a-query');
      key = graphqlKey(graphqlRequest);
    } catch {
      // Invalid documents are the executor's to report (with its own error format).
      return bypass('invalid-document');
    }
    if (scope === 'private') {
      const identity = await identityOf(request);
      if (identity === undefined) return bypass('no-identity');
      key += '|u:' + identity;
    }

    const result = await options.cache.fetch<StoredResult>(key, async () => {
      const executed = await options.execute(graphqlRequest, request);
      const ok = !executed.errors || executed.errors.length === 0;
      return { body: JSON.stringify(executed), ok, tags: ok && options.tags ? options.tags(graphqlRequest, executed) : [] };
    }, {
      ttl: options.ttl,
      swr: options.swr ?? 0,
      staleIfError: options.staleIfError ?? 0,
      tagsFrom: (value) => value.tags,
      endpoint: 'graphql:' + (normalizeRequest(graphqlRequest).operationName || 'anonymous'),
      // A result with errors (partial data, a failing resolver) is answered but never stored.
      cacheable: (value) => value.ok,
      shared: scope === 'public',
    });
    const stored = result.value;
    return send(reply, 200, stored.body, cacheStatus(
      stored.ok ? { status: result.status, ttl: result.ttl, stored: result.status === 'miss' } : { status: 'miss', detail: 'errors' },
      name,
    ));
  };
}

/** Registers `POST <path>` (default `/graphql`) with graphqlCacheHandler. */
export async function graphqlCache(app: FastifyInstance, options: GraphqlCacheOptions & { path?: string }): Promise<void> {
  app.post(options.path ?? '/graphql', graphqlCacheHandler(options));
}
