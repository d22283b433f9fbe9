/** The routes plugin's options: the types register.ts and cached-route.ts both read. */
import type { FastifyRequest } from 'fastify';
import type { Cache } from '../cache/index.js';
import type { CacheObserver } from '../metrics/observer.js';

/** The part of `createCache()` the routes use (`hitOrFetch` when there is one: a fresh L1 hit is answered without a promise). */
export type RouteCache = Pick<Cache, 'fetch' | 'invalidateTags'> & Partial<Pick<Cache, 'hitOrFetch'>> & { readonly observer?: CacheObserver };

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
  /**
   * Secret (16+ characters) for the HMAC of credentials in keys: the caller's credential (the
   * operation's identity source) that keys `scope: private` responses, and credentials a `vary`
   * or the query puts in a key. Default: the CACHEGEN_KEY_SECRET environment variable.
   */
  secret?: string;
  /**
   * Caller identity (e.g. a user id) for `scope: private` keys; wins over the credential's HMAC.
   * May return a Promise. undefined: anonymous (the credential's HMAC keys it when `secret` is
   * set); anything else that is not a non-empty string, or a throw: the request is served uncached.
   */
  identify?: (request: FastifyRequest) => string | undefined | Promise<string | undefined>;
  /** Serve Prometheus metrics from this registry at `metricsPath`. */
  metrics?: MetricsRegistry | { registry: MetricsRegistry };
  /** Path of the metrics endpoint (default `/metrics`). */
  metricsPath?: string;
  /** Send the entry's tags as `Surrogate-Key` so a CDN can purge by tag (default false). */
  surrogateKeys?: boolean;
}
