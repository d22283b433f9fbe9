/** Why an entry left the L1 cache. */
export type EvictionReason = 'size' | 'expired' | 'deleted' | 'replaced' | 'cleared';

/** The eviction policy: W-TinyLFU (default) or a plain LRU (the baseline of our benchmarks). */
export type L1PolicyName = 'tinylfu' | 'lru';

export interface L1Options<V> {
  /** Most entries held at once. At least one of maxEntries / maxBytes is required. */
  maxEntries?: number;
  /** Most bytes held at once (sum of entry sizes, see sizeOf). */
  maxBytes?: number;
  /** An entry larger than this is refused by set() (returns false) instead of stored. */
  maxEntryBytes?: number;
  /** Eviction policy; default 'tinylfu'. */
  policy?: L1PolicyName;
  /** Milliseconds, monotonic; default performance.now() cached for up to 1 ms (see docs/l1.md). Inject one in tests. */
  clock?: () => number;
  /** Size of an entry in bytes; default: UTF-8 key bytes + value bytes (Buffer, Uint8Array, string). */
  sizeOf?: (value: V, key: string) => number;
  /** Called after an entry left the cache. Must not throw (an error is reported as a process warning). */
  onEvict?: (key: string, value: V, reason: EvictionReason) => void;
}

export interface L1SetOptions {
  /** Seconds the entry is fresh; omitted (or Infinity) = never expires. */
  ttl?: number;
  /** Extra seconds after ttl during which lookup() still returns it, marked stale. */
  stale?: number;
  /** Size in bytes, overriding sizeOf / the default measurement. */
  size?: number;
}

export interface L1Lookup<V> {
  value: V;
  /** True when past its ttl but inside its stale window. */
  stale: boolean;
  /** Seconds of freshness left (<= 0 when stale; Infinity without ttl). */
  freshFor: number;
  /** Seconds since the entry was set. */
  age: number;
  /** The clock reading this lookup used (so that a caller on the hot path need not read it again). */
  now: number;
}

export interface L1WindowStats {
  /** Current admission-window bound, in the policy's weight unit (entries, or bytes with maxBytes). */
  maximum: number;
  /** Weight currently in the window. */
  weight: number;
}

export interface L1Stats {
  hits: number;
  misses: number;
  staleHits: number;
  sets: number;
  rejected: number;
  evictions: Record<EvictionReason, number>;
  entries: number;
  bytes: number;
  maxBytes: number | undefined;
  maxEntries: number | undefined;
  policy: L1PolicyName;
  /** Only for 'tinylfu': the adaptive admission window. */
  window?: L1WindowStats;
}
