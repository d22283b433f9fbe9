/**
 * The catalog API as a running server: Fastify + the generated routes + the cache (L1, and
 * Redis when a URL is given) + the store (memory, or PostgreSQL when a URL is given).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createCache, type Cache } from '@cachegen/runtime';
import { createPrometheusObserver, type PrometheusObserver } from '@cachegen/runtime/prometheus';
import routes from './generated/server.js';
import { createHandlers, type HandlerOptions } from './handlers/index.js';
import { createMemoryStore } from './store/memory.js';
import { createPostgresStore } from './store/postgres.js';
import type { CatalogStore } from './store/types.js';

export interface CatalogOptions extends HandlerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Redis for the L2 tier and the invalidation bus; omitted: L1 only. */
  redisUrl?: string;
  /** Key prefix in Redis (separate instances of one deployment share it). */
  namespace?: string;
  /** PostgreSQL for the store; omitted: the embedded in-memory store. */
  databaseUrl?: string;
  /** Schema of the PostgreSQL tables (default `catalog`). */
  schema?: string;
  /** A store to use instead of creating one (shared by two instances in tests). */
  store?: CatalogStore;
  /** Clock for the cache, ms (tests move it instead of sleeping). */
  clock?: () => number;
  /** Secret for the HMAC of Authorization headers in private keys. */
  secret?: string;
}

export interface RunningCatalog {
  app: FastifyInstance;
  url: string;
  cache: Cache;
  /** The cache's Prometheus metrics (what `GET /metrics` serves). */
  metrics: PrometheusObserver;
  store: CatalogStore;
  /** Stops the server, the cache and the store (if this instance created it). */
  close(): Promise<void>;
}

/** Starts the catalog API; resolves once it listens. */
export async function startCatalog(options: CatalogOptions = {}): Promise<RunningCatalog> {
  const ownStore = !options.store;
  const store = options.store ?? (options.databaseUrl
    ? await createPostgresStore(options.databaseUrl, options.schema ? { schema: options.schema } : {})
    : createMemoryStore());
  const observer = createPrometheusObserver();
  const cache = createCache({
    ...(options.namespace ? { namespace: options.namespace } : {}),
    l1: { maxBytes: 64 * 2 ** 20 },
    ...(options.redisUrl ? { l2: { redis: options.redisUrl } } : {}),
    observer,
    ...(options.clock ? { clock: options.clock } : {}),
    logger: { warn: (msg) => console.warn(`catalog: ${msg}`) },
  });
  const app = Fastify({ logger: false });
  await app.register(routes, {
    handlers: createHandlers(store, options),
    cache,
    secret: options.secret ?? process.env.CACHEGEN_KEY_SECRET ?? 'catalog-example-secret-not-for-production',
    metrics: observer,
  });
  const address = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  return {
    app,
    url: address,
    cache,
    metrics: observer,
    store,
    async close() {
      await app.close();
      await cache.close();
      if (ownStore) await store.close();
    },
  };
}
