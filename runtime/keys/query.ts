/**
 * Query normalization for cache keys: parameters sorted by name (repeated ones keep their
 * order), percent-encoding canonicalized, filtered by the policy's allow-list or ignore-list.
 */
import { canonicalQueryComponent, encodeComponent } from './encode.js';

/** Which query parameter names take part in the key. */
export type QueryFilter = (name: string) => boolean;

/** Turns `{ query?: allow-list, ignoreQuery?: ignore-list }` (globs with `*` and `?`) into a memoized name filter. */
export function createQueryFilter(key: { query?: string[]; ignoreQuery?: string[] } | undefined): QueryFilter | undefined {
  if (!key) return undefined;
  if (key.query) {
    const allow = globsToRegExp(key.query);
    return memoize((name) => allow.test(name));
  }
  if (key.ignoreQuery && key.ignoreQuery.length > 0) {
    const ignore = globsToRegExp(key.ignoreQuery);
    return memoize((name) => !ignore.test(name));
  }
  return undefined;
}

/** One regular expression matching any of the globs; `*` is any run of characters, `?` one character. */
export function globsToRegExp(globs: string[]): RegExp {
  if (globs.length === 0) return /(?!)/;
  const alternatives = globs.map((glob) =>
    glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`, 's');
}

/** Parameter names repeat across requests: remember each decision (bounded, so hostile names cannot grow it). */
function memoize(test: QueryFilter): QueryFilter {
  const seen = new Map<string, boolean>();
  return (name) => {
    let ok = seen.get(name);
    if (ok === undefined) {
      ok = test(name);
      if (seen.size >= 1024) seen.clear();
      seen.set(name, ok);
    }
    return ok;
  };
}

type Pair = [name: string, value: string];

const byName = (a: Pair, b: Pair): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The canonical form of a query, `a=1&a=2&b=x`: the same string for a raw query string
 * (`?b=x&a=1&a=2`) and for the object a server parsed from it (`{ b: 'x', a: ['1', '2'] }`).
 * `a` and `a=` are the same (both an empty value, as in URLSearchParams).
 */
export function normalizeQuery(query: string | Record<string, unknown> | undefined, filter?: QueryFilter): string {
  if (query === undefined || query === null) return '';
  const pairs = typeof query === 'string' ? pairsFromString(query, filter) : pairsFromObject(query, filter);
  if (pairs.length === 0) return '';
  if (pairs.length > 1) pairs.sort(byName);
  let out = pairs[0]![0] + '=' + pairs[0]![1];
  for (let i = 1; i < pairs.length; i++) out += '&' + pairs[i]![0] + '=' + pairs[i]![1];
  return out;
}

function pairsFromString(raw: string, filter: QueryFilter | undefined): Pair[] {
  const pairs: Pair[] = [];
  const text = raw.charCodeAt(0) === 0x3f /* ? */ ? raw.slice(1) : raw;
  if (text.length === 0) return pairs;
  for (const part of text.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    const name = canonicalQueryComponent(rawName);
    if (filter && !filter(decodeForFilter(name))) continue;
    pairs.push([name, canonicalQueryComponent(rawValue)]);
  }
  return pairs;
}

function pairsFromObject(query: Record<string, unknown>, filter: QueryFilter | undefined): Pair[] {
  const pairs: Pair[] = [];
  for (const name in query) {
    if (!Object.prototype.hasOwnProperty.call(query, name)) continue;
    const value = query[name];
    if (value === undefined) continue;
    if (filter && !filter(name)) continue;
    const encodedName = encodeComponent(name);
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined) pairs.push([encodedName, encodeComponent(scalar(item))]);
    } else {
      pairs.push([encodedName, encodeComponent(scalar(value))]);
    }
  }
  return pairs;
}

/** Filters see parameter names as the application does: decoded. */
function decodeForFilter(encoded: string): string {
  if (encoded.indexOf('%') === -1) return encoded;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/** Strings as they are; numbers and booleans as written in a URL; anything else as canonical JSON. */
function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string': return value;
    case 'number': case 'boolean': case 'bigint': return String(value);
    default: return value === null ? '' : canonicalJson(value);
  }
}

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k])).join(',') + '}';
}
