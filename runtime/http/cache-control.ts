/**
 * Cache-Control in both directions: the header a policy sends (`cacheControl`) and a parser
 * for the headers we receive (`parseCacheControl`, total: it never throws on any input).
 */
import type { CachePolicy } from './policy.js';
import { fieldNames, isToken, listMembers, readQuoted, tokenLength } from './syntax.js';

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

/** RFC 9111 §1.2.2: delta-seconds = 1*DIGIT, as a number (capped at 2^31), or undefined when `text` is not one. */
export function deltaSeconds(text: string): number | undefined {
  if (text.length === 0) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = Math.min(n * 10 + (c - 48), MAX_DELTA);
  }
  return n;
}

/** One list member, `token [ "=" ( token / quoted-string ) ]`; malformed: anything else after the name. */
interface Directive { name: string; value?: string; malformed: boolean }

/** RFC 9111 §5.2: cache-directive = token [ "=" ( token / quoted-string ) ] (no whitespace around "="). */
function readDirective(member: string): Directive | undefined {
  const nameLength = tokenLength(member, 0);
  if (nameLength === 0) return undefined;
  const name = member.slice(0, nameLength).toLowerCase();
  if (nameLength === member.length) return { name, malformed: false };
  if (member[nameLength] !== '=') return { name, malformed: true };
  const start = nameLength + 1;
  if (member[start] === '"') {
    const quoted = readQuoted(member, start);
    return quoted && quoted.end === member.length ? { name, value: quoted.content, malformed: false } : { name, malformed: true };
  }
  const value = member.slice(start);
  return isToken(value) ? { name, value, malformed: false } : { name, malformed: true };
}

/** Two values of one duration directive: max-age/s-maxage that disagree mean stale (0); min-fresh keeps the larger; the others the smaller. */
function mergeDelta(name: DeltaName, prior: number | undefined, next: number): number {
  if (prior === undefined) return next;
  if (name === 'maxAge' || name === 'sMaxAge') return prior === next ? prior : 0;
  return name === 'minFresh' ? Math.max(prior, next) : Math.min(prior, next);
}

/**
 * Parses a Cache-Control value (RFC 9111 §5.2) into directives. Total: any string, null or
 * undefined gives a result. Follows the grammar (quoted strings are values, never
 * directives); when in doubt it reads the most restrictive meaning (RFC 9111 §4.2.1): a
 * duration that is not a valid delta-seconds, or one written with whitespace around `=`, is
 * 0 (stale); max-age or s-maxage given twice with different values is 0; `no-cache` or
 * `private` with an unreadable argument is unqualified.
 */
export function parseCacheControl(value: string | null | undefined): CacheControlDirectives {
  const out: CacheControlDirectives = { extensions: Object.create(null) as Record<string, string | true> };
  for (const member of listMembers(value)) {
    const directive = readDirective(member);
    if (directive === undefined) continue;
    const { name, value: arg, malformed } = directive;
    const delta = DELTAS.get(name);
    if (delta !== undefined) {
      // Recipients accept the quoted form too (RFC 9111 §5.2); a bare max-stale is any staleness.
      const seconds = malformed ? 0 : arg === undefined ? (name === 'max-stale' ? Infinity : 0) : (deltaSeconds(arg) ?? 0);
      out[delta] = mergeDelta(delta, out[delta], seconds);
      continue;
    }
    const flag = FLAGS.get(name);
    if (flag !== undefined) {
      out[flag] = true;
      continue;
    }
    if (name === 'no-cache' || name === 'private') {
      const key = name === 'no-cache' ? 'noCache' : 'private';
      const fields = malformed || arg === undefined ? [] : fieldNames(arg);
      const prior = out[key];
      if (prior === true) continue;
      out[key] = fields.length === 0 ? true : [...(prior ?? []), ...fields];
      continue;
    }
    if (!(name in out.extensions)) out.extensions[name] = arg ?? true;
  }
  return out;
}
