/** HTTP caching headers, and `cachedFetch`: an RFC 9111 private cache as a fetch function. */
export * from './policy.js';
export { cacheControl, parseCacheControl, type CacheControlDirectives } from './cache-control.js';
export { varyHeader } from './vary.js';
export { strongEtag, ifNoneMatch } from './etag.js';
export { cacheStatus, type CacheStatusResult } from './cache-status.js';
export { surrogateKeys, cacheTags } from './surrogate.js';
export { cachedFetch, type CachedFetchOptions } from './fetch/cached-fetch.js';
