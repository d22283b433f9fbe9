import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRestKeyer, normalizeQuery, type RestKeyInput } from '@cachegen/runtime';

const SECRET = 'test-secret-0123456789';

const publicKeyer = createRestKeyer({ policy: { scope: 'public', vary: ['accept-language'], key: {} } });
const privateKeyer = createRestKeyer({ policy: { scope: 'private', vary: ['accept-language'], key: {} }, secret: SECRET });

/** Text that is rich in the characters a naive key would use as delimiters. */
const tricky = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', '1', '|', '&', '=', ':', ',', '%', '+', ' ', '?', '#', '~', 'é', '\u{1F600}', '\uD800', '%2', '%7C', 'u:', 'q:'),
  maxLength: 6,
});

type Model = {
  params: Record<string, string>;
  query: Array<[string, string]>;
  lang: string | undefined;
  auth: string | undefined;
};

const model: fc.Arbitrary<Model> = fc.record({
  params: fc.dictionary(fc.constantFrom('id', 'slug', 'p|q'), tricky, { maxKeys: 2 }),
  query: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c&d', 'x=y', '|'), tricky), { maxLength: 4 }),
  lang: fc.option(fc.constantFrom('en', 'fr', 'en, fr', 'EN', ''), { nil: undefined }),
  auth: fc.option(fc.constantFrom('Bearer a', 'Bearer b', 'Bearer a|b'), { nil: undefined }),
});

/** What the request means: two requests with the same meaning must share a key, and only those. */
function meaning(m: Model, withIdentity: boolean): string {
  const params = Object.keys(m.params).sort().map((k) => [k, m.params[k]]);
  const query = m.query.map((p, i) => [p[0], p[1], i] as const)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[2] - y[2]))
    .map(([n, v]) => [n, v]);
  return JSON.stringify([params, query, m.lang ?? null, withIdentity ? m.auth ?? null : null]);
}

function parsedQuery(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}

function toInput(m: Model, query: RestKeyInput['query']): RestKeyInput {
  const headers: Record<string, string> = {};
  if (m.lang !== undefined) headers['accept-language'] = m.lang;
  if (m.auth !== undefined) headers.authorization = m.auth;
  return { operationId: 'getThing', params: m.params, query, headers };
}

/** Lone surrogates replaced: a client cannot send them in a URL. */
const wellFormed = (text: string): string => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** Encodes one component in one of the equivalent ways a client might. */
function encodeVariant(text: string, style: number): string {
  const bytes = [...new TextEncoder().encode(wellFormed(text))];
  switch (style) {
    case 0: return encodeURIComponent(wellFormed(text));
    case 1: return bytes.map((b) => '%' + b.toString(16).padStart(2, '0')).join(''); // lower-case hex, everything escaped
    default: return encodeURIComponent(wellFormed(text)).replace(/%20/g, '+');
  }
}

describe('REST keys', () => {
  it('gives different keys to requests that mean different things, and the same key to equal ones (public)', () => {
    fc.assert(fc.property(model, model, (a, b) => {
      const ka = publicKeyer(toInput(a, parsedQuery(a.query)));
      const kb = publicKeyer(toInput(b, parsedQuery(b.query)));
      expect(ka === kb).toBe(meaning(a, false) === meaning(b, false));
    }), { numRuns: 3000 });
  });

  it('gives different keys to different callers of a private operation, never a shared one', () => {
    fc.assert(fc.property(model, model, (a, b) => {
      const ka = privateKeyer(toInput(a, parsedQuery(a.query)));
      const kb = privateKeyer(toInput(b, parsedQuery(b.query)));
      if (a.auth === undefined) expect(ka).toBeUndefined();
      if (ka !== undefined && kb !== undefined) expect(ka === kb).toBe(meaning(a, true) === meaning(b, true));
    }), { numRuns: 3000 });
  });

  it('gives the raw query string and its parsed form the same key, whatever the order and encoding', () => {
    const wellFormedModel = model.map((m) => ({
      ...m,
      params: Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, wellFormed(v)])),
      query: m.query.map(([n, v]) => [n, wellFormed(v)] as [string, string]),
    }));
    fc.assert(fc.property(wellFormedModel, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 8 }), fc.boolean(), (m, styles, rotate) => {
      // Reordering is allowed across names, never within one name.
      const names = [...new Set(m.query.map((p) => p[0]))];
      if (rotate) names.reverse();
      const ordered = names.flatMap((n) => m.query.filter((p) => p[0] === n));
      const raw = '?' + ordered.map(([n, v], i) => `${encodeVariant(n, styles[i % 8]!)}=${encodeVariant(v, styles[(i + 3) % 8]!)}`).join('&');
      expect(publicKeyer(toInput(m, raw))).toBe(publicKeyer(toInput(m, parsedQuery(m.query))));
    }), { numRuns: 2000 });
  });

  it.each([
    ['a path value cannot pose as a query', { params: { id: '1|q:a=2' }, query: '' }, { params: { id: '1' }, query: 'a=2' }],
    ['a query value cannot pose as a second parameter', { params: {}, query: 'a=1%26b%3D2' }, { params: {}, query: 'a=1&b=2' }],
    ['a query name cannot pose as a header', { params: {}, query: 'a|h:accept-language=en' }, { params: {}, query: 'a' }],
    ['an empty value differs from a missing parameter', { params: {}, query: 'a=' }, { params: {}, query: '' }],
    ['repeated values keep their order', { params: {}, query: 'a=1&a=2' }, { params: {}, query: 'a=2&a=1' }],
    ['a malformed escape differs from its decoded twin', { params: {}, query: 'a=%FF' }, { params: {}, query: 'a=%C3%BF' }],
    ['a lone surrogate differs from another one', { params: { id: '\uD800' }, query: '' }, { params: { id: '\uD801' }, query: '' }],
  ])('%s', (_name, a, b) => {
    const ka = publicKeyer({ operationId: 'op', headers: {}, ...a });
    const kb = publicKeyer({ operationId: 'op', headers: {}, ...b });
    expect(ka).not.toBe(kb);
  });

  it.each([
    ['query order', 'b=2&a=1', 'a=1&b=2'],
    ['hex case', 'a=%7e%2f', 'a=%7E%2F'],
    ['needless escapes', 'a=%61b', 'a=ab'],
    ['plus as space', 'a=x+y', 'a=x%20y'],
    ['leading ?', '?a=1', 'a=1'],
    ['a name without =', 'a&b=1', 'a=&b=1'],
    ['empty pairs', 'a=1&&b=2&', 'a=1&b=2'],
  ])('treats %s as equivalent', (_name, a, b) => {
    expect(normalizeQuery(a)).toBe(normalizeQuery(b));
  });

  it.each([
    ['header name case', { 'Accept-Language': 'en' }, { 'accept-language': 'en' }],
    ['repeated header lines', { 'accept-language': ['en', 'fr'] }, { 'accept-language': 'en, fr' }],
  ])('treats %s in vary headers as equivalent', (_name, a, b) => {
    const base = { operationId: 'op', params: {}, query: '' };
    expect(publicKeyer({ ...base, headers: a })).toBe(publicKeyer({ ...base, headers: b }));
  });

  it.each([
    ['surrounding whitespace', { 'accept-language': '  en ' }, { 'accept-language': 'en' }],
    ['list whitespace', { 'accept-language': 'en ,fr;q=0.5' }, { 'accept-language': 'en, fr;q=0.5' }],
  ])('keeps %s in vary headers apart: the handler reads two strings', (_name, a, b) => {
    const base = { operationId: 'op', params: {}, query: '' };
    expect(publicKeyer({ ...base, headers: a })).not.toBe(publicKeyer({ ...base, headers: b }));
  });

  it('keeps the case of header values, which may name a different tenant or language', () => {
    const base = { operationId: 'op', params: {}, query: '' };
    expect(publicKeyer({ ...base, headers: { 'accept-language': 'EN' } })).not.toBe(publicKeyer({ ...base, headers: { 'accept-language': 'en' } }));
  });

  it('never puts the raw Authorization token in a key, and digests it once per token', () => {
    const token = 'Bearer super-secret-token-value';
    const key = privateKeyer({ operationId: 'op', params: {}, query: '', headers: { authorization: token } })!;
    expect(key).not.toContain('super-secret');
    expect(key).not.toContain(encodeURIComponent(token));
    expect(privateKeyer({ operationId: 'op', params: {}, query: '', headers: { authorization: token } })).toBe(key);
  });

  it('uses identify() before the Authorization header, and the secret for anonymous-by-identify callers', () => {
    const keyer = createRestKeyer({ policy: { scope: 'private', vary: [], key: {} }, identify: (req) => req.headers['x-user'] as string | undefined });
    const base = { operationId: 'op', params: {}, query: '' };
    const alice = keyer({ ...base, headers: { 'x-user': 'alice', authorization: 'Bearer t' } });
    const bob = keyer({ ...base, headers: { 'x-user': 'bob', authorization: 'Bearer t' } });
    expect(alice).toMatch(/.+/);
    expect(alice).not.toBe(bob);
    expect(keyer({ ...base, headers: { authorization: 'Bearer t' } })).toBeUndefined();
  });

  it('refuses a private policy without any way to identify the caller', () => {
    expect(() => createRestKeyer({ policy: { scope: 'private', vary: [], key: {} } })).toThrow(/identify.*secret/);
    expect(() => createRestKeyer({ policy: { scope: 'private', vary: [], key: {} }, secret: 'short' })).toThrow(/secret/);
  });

  it.each([
    ['allow-list', { query: ['page', 'sort'] }, 'page=2&sort=name&debug=1', 'sort=name&page=2', 'page=3&sort=name'],
    ['ignore-list with a glob', { ignoreQuery: ['utm_*', 'fbclid'] }, 'q=shoes&utm_source=x&utm_medium=y&fbclid=z', 'q=shoes', 'q=boots&utm_source=x'],
    ['ignore-list on an encoded name', { ignoreQuery: ['utm_*'] }, 'q=1&utm%5Fsource=x', 'q=1', 'q=2'],
  ])('filters the query by an %s', (_name, key, a, b, different) => {
    const keyer = createRestKeyer({ policy: { scope: 'public', vary: [], key } });
    const base = { operationId: 'op', params: {}, headers: {} };
    expect(keyer({ ...base, query: a })).toBe(keyer({ ...base, query: b }));
    expect(keyer({ ...base, query: a })).not.toBe(keyer({ ...base, query: different }));
  });

  it('bounds long keys, keeping the identity readable and the rest collision-resistant', () => {
    const keyer = createRestKeyer({ policy: { scope: 'private', vary: [], key: {} }, identify: () => 'user-42', maxLength: 100 });
    const base = { operationId: 'search', params: {}, headers: {} };
    const long1 = keyer({ ...base, query: 'q=' + 'x'.repeat(500) })!;
    const long2 = keyer({ ...base, query: 'q=' + 'x'.repeat(499) + 'y' })!;
    expect(long1.length).toBeLessThanOrEqual(100);
    expect(long1.startsWith('rest|search|u:iuser-42|#')).toBe(true);
    expect(long1).not.toBe(long2);
    expect(keyer({ ...base, query: 'q=short' })).toBe('rest|search|u:iuser-42|p:|q:q=short');
  });
});
