/** The two-tier cache: createCache and its types (contract: docs/architecture.md, Runtime API). */
export { createCache, LoaderTimeoutError } from './two-tier.js';
export { defaultCodec } from './codec.js';
export type { Cache, CacheMark, CacheResult, Codec, CreateCacheOptions, GetOrSetOptions, SetOptions, CacheL1Options, InvalidatedEvent } from './types.js';
export type { L2Options } from '../l2/store.js';
