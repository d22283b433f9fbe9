/** The public types of `createCache` (contract: docs/architecture.md, Runtime API). */
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { L1Cache } from '../l1/index.js';
import type { L1PolicyName } from '../l1/types.js';
import type { CacheObserver, InvalidationSource } from '../metrics/observer.js';
import type { L2Options } from '../l2/store.js';

/** How a value becomes L2 bytes and back. `encode(value).byteLength` is also its L1 size. */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** L1 settings of a cache (see runtime/l1). */
export interface CacheL1Options {
  maxEntries?: number;
  maxBytes?: number;
  maxEntryBytes?: number;
  policy?: L1PolicyName;
}

export interface CreateCacheOptions {
  /** Key prefix in Redis and name of the bus channel; default 'cachegen'. No braces or spaces. */
  namespace?: string;
  /** In-process tier; default { maxBytes: 64 MiB }; false: none. */
  l1?: CacheL1Options | false;
  /** Redis tier; omitted: L1 only (the embedded default). */
  l2?: L2Options & { redis: string | Redis | Cluster | RedisOptions };
  /** L1 invalidation across instances over Redis pub/sub; default true when l2 is set. */
  bus?: boolean;
  observer?: CacheObserver;
  /** Milliseconds; inject one in tests. Default Date.now (entry times are shared through Redis). */
  clock?: () => number;
  /**
   * Longest a loader may run, ms (default 30000): past it the caller gets a LoaderTimeoutError
   * (or the stale value within staleIfError), the key is free for the next load, and a late
   * value is dropped. Per call: `hardTimeoutMs` in the getOrSet options.
   */
  hardTimeoutMs?: number;
  /** One line per state change (Redis down/up, eviction-policy warning). Default: console. */
  logger?: { warn(msg: string): void; info?(msg: string): void };
  /**
   * Called once per `invalidateTags`, on the instance that invalidated, once the invalidation is
   * durable in Redis (at once without an L2); never for bus messages from peers. Must not throw
   * or block: it runs after the write path, e.g. to purge an edge cache (`@cachegen/runtime/edge`).
   */
  onInvalidated?: (event: InvalidatedEvent) => void;
}

/** One invalidation, as `onInvalidated` receives it. */
export interface InvalidatedEvent {
  readonly tags: readonly string[];
  readonly source: InvalidationSource;
  /** Date.now() when `invalidateTags` was called (for the time until an edge confirms the purge). */
  readonly startedAt: number;
  /**
   * True when the invalidation could only be confirmed as a clear of the whole namespace (too
   * many invalidations waited for Redis; docs/two-tier.md): `tags` is then empty, purge everything.
   */
  readonly all?: boolean;
}

export interface GetOrSetOptions<T> {
  /** Seconds fresh. */
  ttl: number;
  /** Seconds after ttl during which the stale value is served while one background refresh runs. */
  swr?: number;
  /** Seconds after ttl during which the stale value is served when the loader fails. */
  staleIfError?: number;
  /** Tags known before the loader runs (from request parameters). */
  tags?: string[];
  /** Tags derived from the loaded value (e.g. product ids of a list); checked against invalidations that raced the loader. */
  tagsFrom?: (value: T) => string[];
  /** Metrics label (the operationId). */
  endpoint?: string;
  /** Soft timeout, ms: a slower loader gives way to a stale value if there is one, and finishes in the background. */
  timeoutMs?: number;
  /** Hard timeout, ms (default: the cache's `hardTimeoutMs`): a loader still running after it fails with LoaderTimeoutError. */
  hardTimeoutMs?: number;
  /** false: the value is returned but stored nowhere (e.g. a non-2xx or Set-Cookie response). */
  cacheable?: (value: T) => boolean;
  /** false: L1 only, never L2 or the lease (private responses). Default true. */
  shared?: boolean;
  /** How the value becomes L2 bytes; default: bytes as they are, anything else as JSON. */
  codec?: Codec<T>;
}

/** When a value started loading, from `cache.mark(key)`: opaque, pass it to `set` as `since`. */
export interface CacheMark {
  readonly seq: number;
  readonly epoch: number | undefined;
  /** performance.now() just before the epoch was read (Redis refuses writes of values read too long ago). */
  readonly epochReadAt: number;
}

/** `set` options: those of getOrSet, and when the value started loading. */
export interface SetOptions<T> extends Omit<GetOrSetOptions<T>, 'timeoutMs'> {
  /** Taken before the value was fetched: the value is refused if one of its tags was invalidated after it. Default: now. */
  since?: CacheMark;
}

export interface CacheResult<T> {
  value: T;
  status: 'hit' | 'stale' | 'miss';
  tier: 'l1' | 'l2' | 'origin';
  /** Seconds since the value was stored. */
  age: number;
  /** Seconds of freshness left; <= 0 when stale. */
  ttl: number;
}

export interface Cache {
  /** The value for key: fresh from L1 or L2, stale within swr (refreshing once in the background), or from the loader (once per key across instances). */
  getOrSet<T>(key: string, loader: () => Promise<T>, options: GetOrSetOptions<T>): Promise<T>;
  /** Like getOrSet, with where the value came from and its age (for Cache-Status and Age headers). */
  fetch<T>(key: string, loader: () => Promise<T>, options: GetOrSetOptions<T>): Promise<CacheResult<T>>;
  /**
   * fetch, but a fresh L1 hit is answered as it is, not in a promise (no microtask between the
   * lookup and the answer); anything else is fetch's promise. The same single L1 lookup, stats and metrics.
   */
  hitOrFetch<T>(key: string, loader: () => Promise<T>, options: GetOrSetOptions<T>): CacheResult<T> | Promise<CacheResult<T>>;
  /** A fresh value for key from L1 or L2, or undefined. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores a value as if a loader had returned it (one that started at `options.since`, else now). */
  set<T>(key: string, value: T, options: SetOptions<T>): Promise<void>;
  /** Notes the invalidation state before a value is fetched elsewhere, for `set(…, { since })` (what getOrSet does around its loader). */
  mark(key: string): Promise<CacheMark>;
  /** Removes key from every tier and every instance's L1; resolves like invalidateTags. */
  delete(key: string): Promise<boolean>;
  /**
   * Makes every entry carrying one of the tags unservable, everywhere; O(1) per tag whatever the
   * number of entries. Never throws (but for tags that are not strings): resolves true once Redis
   * confirmed it (stamps written, bus message accepted; at once without L2), false when it could
   * not, and then retries in the background until it does (docs/security.md, guarantee 2).
   */
  invalidateTags(tags: string[], options?: { source?: InvalidationSource }): Promise<boolean>;
  /** Makes every entry of the namespace unservable, everywhere; resolves like invalidateTags. */
  clear(): Promise<boolean>;
  /** Closes the connections the cache opened; the process can exit afterwards. */
  close(): Promise<void>;
  /** The in-process tier (its values are the cache's internal slots); for stats. */
  readonly l1?: L1Cache<unknown>;
  readonly observer: CacheObserver;
}
