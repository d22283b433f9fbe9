/**
 * The effective cache policy of one operation: an `x-cache` annotation with the spec's
 * `x-cache-defaults` merged in and every field resolved. The generator's IR carries it;
 * the runtime turns it into keys, headers and store decisions. Durations are seconds.
 */
export interface CachePolicy {
  /** Seconds fresh (Cache-Control max-age). */
  ttl: number;
  /** Seconds a stale entry may be served while one background refresh runs. */
  swr: number;
  /** Seconds a stale entry may be served when the origin fails. */
  staleIfError: number;
  /** public: shared by every caller; private: keyed by caller identity and never shared. */
  scope: 'public' | 'private';
  /** Shared-cache (CDN) freshness, s-maxage; undefined leaves it out. */
  sMaxAge?: number;
  /** Request header names (lower-case) that change the response: in the key and in Vary. */
  vary: string[];
  /** Tag templates, as written (parsed forms live in the generator's IR). */
  tags: string[];
  /** true: store, but send Cache-Control no-cache so clients revalidate with ETag. */
  revalidate: boolean;
  /** true: no-store; never stored in any tier. */
  sensitive: boolean;
  /** Which query parameters make up the key: an allow-list, or an ignore-list with globs. */
  key: { query?: string[]; ignoreQuery?: string[] };
}

/** Values of fields written nowhere (neither x-cache nor x-cache-defaults); a generated operation table leaves them out. */
export const POLICY_DEFAULTS: Readonly<CachePolicy> = Object.freeze({
  ttl: 0,
  swr: 0,
  staleIfError: 0,
  scope: 'public',
  vary: [],
  tags: [],
  revalidate: false,
  sensitive: false,
  key: {},
});
