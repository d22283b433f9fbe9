/**
 * Cache-Control in both directions: the header a policy sends (`cacheControl`) and a parser
 * for the headers we receive (`parseCacheControl`, total: it never throws on any input).
 */
import type { CachePolicy } from './policy.js';

/**
 * The Cache-Control a policy sends, e.g. `public, max-age=600, s-maxage=7200,
 * stale-while-revalidate=60, stale-if-error=300`. `sensitive` gives `no-store`; `revalidate`
 * gives `no-cache` (caches may store but must revalidate with the ETag before each use).
 */
export function cacheControl(policy: Pick<CachePolicy, 'ttl' | 'swr' | 'staleIfError' | 'scope' | 'sMaxAge' | 'revalidate' | 'sensitive'>): string {
  if (policy.sensitive) return 'no-store';
  const scope = policy.scope === 'private' ? 'private' : 'public';
  if (policy.revalidate) return `${scope}, no-cache`;
  let out = `${scope}, max-age=${seconds(policy.ttl)}`;
  // s-maxage only speaks to shared caches, which must not store a private response at all.
  if (scope === 'public' && policy.sMaxAge !== undefined) out += `, s-maxage=${seconds(policy.sMaxAge)}`;
  if (policy.swr > 0) out += `, stale-while-revalidate=${seconds(policy.swr)}`;
  if (policy.staleIfError > 0) out += `, stale-if-error=${seconds(policy.staleIfError)}`;
  return out;
}

/** Delta-seconds are non-negative integers. */
function seconds(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The directives of a Cache-Control header (request or response). Durations in seconds. */
export interface CacheControlDirectives {
  maxAge?: number;
  sMaxAge?: number;
  /** Request: accept stale responses this old; Infinity when written without a value. */
  maxStale?: number;
  minFresh?: number;
  staleWhileRevalidate?: number;
  staleIfError?: number;
  /** true, or the field names listed (`no-cache="set-cookie"`): those fields must not be reused without revalidation. */
  noCache?: true | string[];
  noStore?: true;
  /** true, or the field names that are private. */
  private?: true | string[];
  public?: true;
  mustRevalidate?: true;
  proxyRevalidate?: true;
  mustUnderstand?: true;
  noTransform?: true;
  immutable?: true;
  onlyIfCached?: true;
  /** Directives this parser does not know, by lower-case name: their value, or true when bare. */
  extensions: Record<string, string | true>;
}

type DeltaName = 'maxAge' | 'sMaxAge' | 'maxStale' | 'minFresh' | 'staleWhileRevalidate' | 'staleIfError';
type FlagName = 'noStore' | 'public' | 'mustRevalidate' | 'proxyRevalidate' | 'mustUnderstand' | 'noTransform' | 'immutable' | 'onlyIfCached';

// Maps, not object literals: a directive named `__proto__` or `constructor` must not find Object.prototype.
const DELTAS = new Map<string, DeltaName>([
  ['max-age', 'maxAge'], ['s-maxage', 'sMaxAge'], ['max-stale', 'maxStale'], ['min-fresh', 'minFresh'],
  ['stale-while-revalidate', 'staleWhileRevalidate'], ['stale-if-error', 'staleIfError'],
]);
const FLAGS = new Map<string, FlagName>([
  ['no-store', 'noStore'], ['public', 'public'], ['must-revalidate', 'mustRevalidate'], ['proxy-revalidate', 'proxyRevalidate'],
  ['must-understand', 'mustUnderstand'], ['no-transform', 'noTransform'], ['immutable', 'immutable'], ['only-if-cached', 'onlyIfCached'],
]);

/** RFC 9111 §1.2.2: delta-seconds beyond 2^31 are taken as 2^31. */
const MAX_DELTA = 2 ** 31;

/**
 * Parses a Cache-Control value (RFC 9111 §5.2) into directives. Total: any string, null or
 * undefined gives a result. The first occurrence of a directive wins; a duration that is not
 * a valid delta-seconds becomes 0 (RFC 9111 §4.2.1: invalid freshness means stale).
 */
export function parseCacheControl(value: string | null | undefined): CacheControlDirectives {
  const out: CacheControlDirectives = { extensions: Object.create(null) as Record<string, string | true> };
  if (typeof value !== 'string' || value.length === 0) return out;
  for (const [rawName, rawValue] of splitDirectives(value)) {
    const name = rawName.toLowerCase();
    if (name.length === 0) continue;
    const delta = DELTAS.get(name);
    if (delta !== undefined) {
      if (out[delta] !== undefined) continue;
      if (rawValue === undefined) out[delta] = name === 'max-stale' ? Infinity : 0;
      else out[delta] = /^\d+$/.test(rawValue) ? Math.min(Number(rawValue), MAX_DELTA) : 0;
      continue;
    }
    const flag = FLAGS.get(name);
    if (flag !== undefined) {
      out[flag] = true;
      continue;
    }
    if (name === 'no-cache' || name === 'private') {
      const key = name === 'no-cache' ? 'noCache' : 'private';
      const fields = rawValue === undefined ? undefined : rawValue.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
      const prior = out[key];
      if (prior === true) continue;
      if (fields === undefined || fields.length === 0) out[key] = true;
      else out[key] = Array.isArray(prior) ? [...prior, ...fields] : fields;
      continue;
    }
    if (!(name in out.extensions)) out.extensions[name] = rawValue ?? true;
  }
  return out;
}

/** Splits `a, b=1, c="x, y"` into name/value pairs, honouring quoted strings and backslash escapes. */
function splitDirectives(header: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  let i = 0;
  const n = header.length;
  while (i < n) {
    // name: up to '=' or ','
    let start = i;
    while (i < n && header[i] !== '=' && header[i] !== ',') i++;
    const name = header.slice(start, i).trim();
    let value: string | undefined;
    if (i < n && header[i] === '=') {
      i++;
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      if (header[i] === '"') {
        i++;
        let text = '';
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          text += header[i];
          i++;
        }
        i++; // closing quote (or past the end)
        value = text;
        while (i < n && header[i] !== ',') i++; // ignore junk after the quoted string
      } else {
        start = i;
        while (i < n && header[i] !== ',') i++;
        value = header.slice(start, i).trim();
      }
    }
    i++; // the comma
    out.push([name, value]);
  }
  return out;
}
