/** The in-process L1 cache: W-TinyLFU (or LRU) eviction, byte/entry bounds, fresh/stale/expired entries. */
export { L1Cache } from './cache.js';
export type { EvictionReason, L1Lookup, L1Options, L1PolicyName, L1SetOptions, L1Stats, L1WindowStats } from './types.js';
