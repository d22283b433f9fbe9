import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheControl, cacheStatus, cacheTags, ifNoneMatch, parseCacheControl, strongEtag, surrogateKeys, varyHeader, type CachePolicy } from '@cachegen/runtime';

const base: CachePolicy = { ttl: 600, swr: 60, staleIfError: 300, scope: 'public', vary: [], tags: [], revalidate: false, sensitive: false, key: {} };

describe('cacheControl', () => {
  it.each<[string, Partial<CachePolicy>, string]>([
    ['public with every duration', { sMaxAge: 7200 }, 'public, max-age=600, s-maxage=7200, stale-while-revalidate=60, stale-if-error=300'],
    ['private never sends s-maxage', { scope: 'private', sMaxAge: 7200 }, 'private, max-age=600, stale-while-revalidate=60, stale-if-error=300'],
    ['zero swr and stale-if-error are left out', { swr: 0, staleIfError: 0 }, 'public, max-age=600'],
    ['revalidate stores but forces revalidation', { revalidate: true }, 'public, no-cache'],
    ['sensitive is never stored', { sensitive: true, revalidate: true }, 'no-store'],
    ['fractions and negatives become delta-seconds', { ttl: 1.9, swr: -5, staleIfError: 0 }, 'public, max-age=1'],
  ])('%s', (_name, patch, want) => {
    expect(cacheControl({ ...base, ...patch })).toBe(want);
  });
});

describe('varyHeader', () => {
  it.each<[string[], string | undefined]>([
    [[], undefined],
    [['accept-language'], 'Accept-Language'],
    [['Accept-Language', 'accept-language', 'x-tenant-id'], 'Accept-Language, X-Tenant-Id'],
    [['*'], '*'],
  ])('%j → %s', (vary, want) => {
    expect(varyHeader({ vary })).toBe(want);
  });
});

describe('ETag and If-None-Match', () => {
  const etag = strongEtag(new TextEncoder().encode('{"id":1}'));

  it('computes a strong, deterministic tag that changes with the bytes', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(strongEtag('{"id":1}')).toBe(etag);
    expect(strongEtag('{"id":2}')).not.toBe(etag);
  });

  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['*', true],
    [' * ', true],
    ['"nope"', false],
    ['ETAG', true],
    ['W/ETAG', true],
    ['"a", ETAG', true],
    ['"a,b", W/ETAG', true],
    ['"a", "b"', false],
    ['garbage, ETAG', true],
    ['"unterminated', false],
  ])('If-None-Match %s → %s', (header, want) => {
    expect(ifNoneMatch(header?.replace('ETAG', etag), etag)).toBe(want);
  });

  it('finds the tag anywhere in any list of other tags, and never throws on junk', () => {
    const otherTag = fc.string({ unit: fc.constantFrom('a', ',', ' ', 'W', '/', '\\'), maxLength: 5 }).map((t) => `"${t.replace(/"/g, '')}"`);
    fc.assert(fc.property(fc.array(otherTag, { maxLength: 4 }), fc.nat(4), fc.boolean(), (others, at, weak) => {
      const list = [...others];
      list.splice(Math.min(at, list.length), 0, weak ? `W/${etag}` : etag);
      expect(ifNoneMatch(list.join(', '), etag)).toBe(true);
      expect(ifNoneMatch(others.join(', ') || undefined, etag)).toBe(false);
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.string(), (junk) => { ifNoneMatch(junk, etag); }), { numRuns: 1000 });
  });

  it('uses weak comparison when the stored tag is weak', () => {
    expect(ifNoneMatch('"x"', 'W/"x"')).toBe(true);
  });
});

describe('cacheStatus', () => {
  it.each<[Parameters<typeof cacheStatus>[0], string | undefined, string]>([
    [{ status: 'hit', ttl: 42 }, undefined, 'cachegen; hit; ttl=42'],
    [{ status: 'stale', ttl: -3, detail: 'stale-while-revalidate' }, undefined, 'cachegen; hit; ttl=-3; detail=stale-while-revalidate'],
    [{ status: 'miss', stored: true }, undefined, 'cachegen; fwd=miss; stored'],
    [{ status: 'miss', ttl: 60, stored: true }, undefined, 'cachegen; fwd=miss; stored'],
    [{ status: 'miss', fwd: 'stale', fwdStatus: 304 }, undefined, 'cachegen; fwd=stale; fwd-status=304'],
    [{ status: 'bypass', detail: 'private without identity' }, 'edge', 'edge; fwd=bypass; detail="private without identity"'],
    [{ status: 'hit', ttl: 1 }, 'my cache', '"my cache"; hit; ttl=1'],
  ])('%j', (result, name, want) => {
    expect(cacheStatus(result, name)).toBe(want);
  });
});

describe('surrogate keys', () => {
  it('deduplicates and escapes the list separators', () => {
    expect(surrogateKeys(['product:1', 'category:a b', 'product:1'])).toBe('product:1 category:a%20b');
    expect(cacheTags(['product:1', 'x,y'])).toBe('product:1,x%2Cy');
  });
});

const KNOWN = ['maxAge', 'sMaxAge', 'maxStale', 'minFresh', 'staleWhileRevalidate', 'staleIfError', 'noCache', 'noStore', 'private',
  'public', 'mustRevalidate', 'proxyRevalidate', 'mustUnderstand', 'noTransform', 'immutable', 'onlyIfCached', 'extensions'];

describe('parseCacheControl', () => {
  it.each<[string | null | undefined, Partial<ReturnType<typeof parseCacheControl>>]>([
    [undefined, {}],
    ['', {}],
    ['public, max-age=600, s-maxage=7200', { public: true, maxAge: 600, sMaxAge: 7200 }],
    ['MAX-AGE=5', { maxAge: 5 }],
    ['max-age="10"', { maxAge: 10 }],
    ['max-age=abc', { maxAge: 0 }],
    ['max-age=-1', { maxAge: 0 }],
    ['max-age=5, max-age=100', { maxAge: 0 }],
    ['max-age=5, max-age=5', { maxAge: 5 }],
    ['max-age =5', { maxAge: 0 }],
    ['max-age= 5', { maxAge: 0 }],
    ['extension="max-age=100", max-age=1', { maxAge: 1, extensions: { extension: 'max-age=100' } }],
    ['max-stale=30, max-stale=10, min-fresh=5, min-fresh=9', { maxStale: 10, minFresh: 9 }],
    ['no-cache="a", no-cache', { noCache: true }],
    ['private=x-a', { private: ['x-a'] }],
    ['max-age=99999999999', { maxAge: 2 ** 31 }],
    ['max-stale', { maxStale: Infinity }],
    ['max-stale=30, min-fresh=5, only-if-cached', { maxStale: 30, minFresh: 5, onlyIfCached: true }],
    ['no-cache', { noCache: true }],
    ['no-cache="Set-Cookie, X-Foo"', { noCache: ['set-cookie', 'x-foo'] }],
    ['private="x", no-store', { private: ['x'], noStore: true }],
    ['must-revalidate, proxy-revalidate, immutable, no-transform, must-understand', { mustRevalidate: true, proxyRevalidate: true, immutable: true, noTransform: true, mustUnderstand: true }],
    ['stale-while-revalidate=60, stale-if-error=300', { staleWhileRevalidate: 60, staleIfError: 300 }],
    [' , ,max-age=1,,', { maxAge: 1 }],
  ])('%j', (header, want) => {
    expect(parseCacheControl(header)).toMatchObject(want);
  });

  it('keeps unknown directives as extensions, without touching prototypes', () => {
    const parsed = parseCacheControl('community="UCI", __proto__=1, foo');
    expect(parsed.extensions.community).toBe('UCI');
    expect(parsed.extensions.foo).toBe(true);
    expect(parsed.extensions['__proto__']).toBe('1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws, and every duration it returns is a non-negative number', () => {
    const alphabet = fc.constantFrom('__proto__', 'constructor', 'max-age', 'no-cache', 'private', '=', ',', '"', '\\', ' ', '\t', '1', '-', 'x', 'é', '\u0000', 'max-stale');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 30 })), (header) => {
      const parsed = parseCacheControl(header);
      for (const key of Object.keys(parsed)) expect(KNOWN).toContain(key);
      for (const key of ['maxAge', 'sMaxAge', 'maxStale', 'minFresh', 'staleWhileRevalidate', 'staleIfError'] as const) {
        const value = parsed[key];
        if (value !== undefined) expect(value).toBeGreaterThanOrEqual(0);
      }
    }), { numRuns: 5000 });
  });
});
