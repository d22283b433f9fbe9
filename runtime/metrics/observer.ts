/**
 * What the runtime reports as it works. The cache, the HTTP layer, the bus and the CDC
 * listeners call these; `runtime/metrics` implements them with prom-client. Every method
 * must be cheap and must never throw: they sit on the hit path.
 */
export type CacheResultKind = 'hit' | 'stale' | 'miss' | 'bypass';
export type CacheTier = 'l1' | 'l2' | 'origin';
export type InvalidationSource = 'api' | 'mutation' | 'cdc' | 'bus';
export type CircuitState = 'closed' | 'open' | 'half-open';
/** What became of one edge purge request: confirmed, failed, or sent again after a failure. */
export type EdgePurgeOutcome = 'sent' | 'failed' | 'retried';

/** The `seconds` of a request that was counted but not timed. */
export const UNTIMED = -1;

export interface CacheObserver {
  /**
   * One answered request. `seconds` is the time to answer (for a miss: the origin call
   * included), or UNTIMED for a request that was counted but not timed (the cache times one
   * fresh L1 hit in 64: the clock reads would cost more than the hit itself).
   */
  request(endpoint: string, result: CacheResultKind, tier: CacheTier, seconds: number): void;
  /** One origin (loader) call and how long it took, success or not. */
  origin(endpoint: string, seconds: number, ok: boolean): void;
  /** An entry left a tier, with the reason (l1: size | expired | deleted | replaced | cleared). */
  eviction(tier: 'l1' | 'l2', reason: string): void;
  /** A failed or timed-out Redis command. */
  l2Error(operation: string): void;
  /** The Redis circuit breaker changed state. */
  circuit(state: CircuitState): void;
  /** Bus traffic: a message published or received, a gap or reconnect seen, an L1 flush done because of one. */
  bus(event: 'published' | 'received' | 'gap' | 'flush' | 'publish-error' | 'invalid'): void;
  /** Tags invalidated, by where the invalidation came from. */
  invalidation(source: InvalidationSource, tagCount: number): void;
  /** A change event arrived from a CDC feed; lagSeconds when the event carries its commit time. */
  cdcEvent(feed: 'postgres' | 'nats' | 'kafka', lagSeconds?: number): void;
  /**
   * One purge request to an edge cache (runtime/edge) and the tags it carried; for `sent` (the edge
   * confirmed), `seconds` from the oldest of its invalidations (`invalidateTags`) to the confirmation.
   */
  edgePurge(adapter: string, outcome: EdgePurgeOutcome, tagCount: number, seconds?: number): void;
}

/** An observer that does nothing: the default, so call sites never test for null. */
export const noopObserver: CacheObserver = {
  request() {}, origin() {}, eviction() {}, l2Error() {}, circuit() {}, bus() {}, invalidation() {}, cdcEvent() {}, edgePurge() {},
};
