/**
 * Query normalization for cache keys: the parameters as the handler receives them, sorted by
 * name (repeated ones keep their order), filtered by the policy's allow-list or ignore-list.
 */
import { decodeQueryComponent, encodeComponent } from './encode.js';

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

/**
 * Query parameters whose values are credentials (an apiKey in the query): their values enter
 * the key only as `digest(value)`, never as sent.
 */
export interface QueryRedaction {
  /** Decoded parameter names. */
  names: ReadonlySet<string>;
  digest: (value: string) => string;
}

/** One parameter of the canonical form: encoded name, encoded value (absent: an empty array), array or not. */
type Pair = [name: string, value: string | undefined, array: boolean];

const byName = (a: Pair, b: Pair): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The canonical form of a query, `a[]=1&a[]=2&b=x`, built from the values a handler receives:
 * the object the server's query parser (and its schema coercion) produced, or a raw query string
 * parsed the way Fastify's default parser parses it (`decodeQueryComponent`; a name sent twice
 * is an array). Names are sorted; an array's items keep their order and are marked `name[]`, so
 * `?a=1` (a string) and a one-item array differ; a value that is not a string (a number a schema
 * coerced, an object a custom parser built) is `$` and its canonical JSON, so it never equals a
 * string. `a` and `a=` are the same (both an empty string, as the parser gives them).
 */
export function normalizeQuery(query: string | Record<string, unknown> | undefined, filter?: QueryFilter, redaction?: QueryRedaction): string {
  if (query === undefined || query === null) return '';
  const pairs = typeof query === 'string' ? pairsFromString(query, filter, redaction) : pairsFromObject(query, filter, redaction);
  if (pairs.length === 0) return '';
  if (pairs.length > 1) pairs.sort(byName);
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const [name, value, array] = pairs[i]!;
    out += (i === 0 ? '' : '&') + name + (array ? '[]' : '') + (value === undefined ? '' : '=' + value);
  }
  return out;
}

function stringValue(name: string, value: string, redaction: QueryRedaction | undefined): string {
  return redaction !== undefined && redaction.names.has(name) ? redaction.digest(value) : encodeComponent(value);
}

function pairsFromString(raw: string, filter: QueryFilter | undefined, redaction: QueryRedaction | undefined): Pair[] {
  const pairs: Pair[] = [];
  const text = raw.charCodeAt(0) === 0x3f /* ? */ ? raw.slice(1) : raw;
  if (text.length === 0) return pairs;
  for (const part of text.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = decodeQueryComponent(eq === -1 ? part : part.slice(0, eq));
    if (filter && !filter(name)) continue;
    const value = eq === -1 ? '' : decodeQueryComponent(part.slice(eq + 1));
    pairs.push([encodeComponent(name), stringValue(name, value, redaction), false]);
  }
  // The parser makes an array of a name sent more than once.
  if (pairs.length > 1) {
    pairs.sort(byName);
    for (let i = 0; i < pairs.length; ) {
      let j = i + 1;
      while (j < pairs.length && pairs[j]![0] === pairs[i]![0]) j++;
      if (j - i > 1) for (let k = i; k < j; k++) pairs[k]![2] = true;
      i = j;
    }
  }
  return pairs;
}

function pairsFromObject(query: Record<string, unknown>, filter: QueryFilter | undefined, redaction: QueryRedaction | undefined): Pair[] {
  const pairs: Pair[] = [];
  for (const name in query) {
    if (!Object.prototype.hasOwnProperty.call(query, name)) continue;
    const value = query[name];
    if (value === undefined) continue;
    if (filter && !filter(name)) continue;
    const encodedName = encodeComponent(name);
    if (Array.isArray(value)) {
      if (value.length === 0) pairs.push([encodedName, undefined, true]);
      for (const item of value) pairs.push([encodedName, valueText(name, item, redaction), true]);
    } else {
      pairs.push([encodedName, valueText(name, value, redaction), false]);
    }
  }
  return pairs;
}

/** A string as `stringValue`; anything else `$` + its canonical JSON (`$` never starts an encoded string). */
function valueText(name: string, value: unknown, redaction: QueryRedaction | undefined): string {
  if (typeof value === 'string') return stringValue(name, value, redaction);
  return '$' + stringValue(name, canonicalJson(value), redaction);
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
