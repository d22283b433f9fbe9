/**
 * cachedFetch beyond the RFC table (conformance-table.ts holds the RFC 9111 rules): what its
 * Cache-Status says, bodies, collapsed misses, two instances on Redis, and a cache that fails.
 * All over a real loopback origin, on an injected clock.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cachedFetch, createCache, type Cache } from '@cachegen/runtime';
import { startOrigin, type Origin } from '../support/origin.js';
import { ConformanceRunner, T0, type Row } from './conformance-harness.js';
import { cachedFetchContender } from './conformance-contenders.js';

let runner: ConformanceRunner;
let origin: Origin;
beforeAll(async () => {
  runner = await ConformanceRunner.start();
  origin = await startOrigin(() => T0);
});
afterAll(async () => {
  await runner.close();
  await origin.close();
});

const status = (value: string) => ({ 'cache-status': value });
const cc = (value: string, headers: Record<string, string> = {}) => ({ headers: { 'cache-control': value, ...headers } });

/** Scripts whose expectations are cachedFetch's own Cache-Status values (RFC 9211). */
const cacheStatusRows: Row[] = [
  {
    id: 'miss-stored-then-hit', section: 'RFC 9211', level: 'optional', title: 'a stored miss, then a hit with its ttl',
    steps: [
      { at: 0, reply: cc('max-age=100'), expect: { headers: status('cachegen-fetch; fwd=uri-miss; stored') } },
      { at: 30, expect: { headers: { ...status('cachegen-fetch; hit; ttl=70'), age: '30' } } },
    ],
  },
  {
    id: 'vary-miss', section: 'RFC 9211', level: 'optional', title: 'another variant of a stored URI',
    steps: [
      { at: 0, headers: { 'accept-language': 'en' }, reply: cc('max-age=100', { vary: 'accept-language' }), expect: { calls: 1 } },
      { at: 1, headers: { 'accept-language': 'fr' }, expect: { headers: status('cachegen-fetch; fwd=vary-miss; stored') } },
    ],
  },
  {
    id: 'revalidated', section: 'RFC 9211', level: 'optional', title: 'a revalidation answered 304',
    steps: [
      { at: 0, reply: (r) => (r.headers['if-none-match'] ? { status: 304, headers: { etag: '"e"' } } : cc('max-age=10', { etag: '"e"' })), expect: { calls: 1 } },
      { at: 15, expect: { calls: 2, headers: status('cachegen-fetch; fwd=stale; fwd-status=304') } },
    ],
  },
  {
    id: 'max-stale', section: 'RFC 9211', level: 'optional', title: 'a stale response the client accepted',
    steps: [
      { at: 0, reply: cc('max-age=10'), expect: { calls: 1 } },
      { at: 30, headers: { 'cache-control': 'max-stale=60' }, expect: { headers: status('cachegen-fetch; hit; ttl=-20; detail=max-stale') } },
    ],
  },
  {
    id: 'swr', section: 'RFC 9211', level: 'optional', title: 'stale-while-revalidate',
    steps: [
      { at: 0, reply: cc('max-age=10, stale-while-revalidate=60'), expect: { calls: 1 } },
      { at: 30, expect: { headers: status('cachegen-fetch; hit; ttl=-20; detail=stale-while-revalidate') } },
    ],
  },
  {
    id: 'stale-if-error', section: 'RFC 9211', level: 'optional', title: 'stale-if-error after a 503',
    steps: [
      { at: 0, reply: cc('max-age=10, stale-if-error=60'), expect: { calls: 1 } },
      { at: 30, reply: { status: 503 }, expect: { headers: status('cachegen-fetch; hit; ttl=-20; detail=stale-if-error') } },
    ],
  },
  {
    id: 'partial', section: 'RFC 9211', level: 'optional', title: 'a range forwarded while another part is stored',
    steps: [
      { at: 0, headers: { range: 'bytes=0-1' }, reply: { status: 206, headers: { 'cache-control': 'max-age=100', 'content-range': 'bytes 0-1/4', etag: '"p"' }, body: 'ab' }, expect: { calls: 1 } },
      { at: 1, headers: { range: 'bytes=2-3' }, reply: { status: 206, headers: { 'cache-control': 'max-age=100', 'content-range': 'bytes 2-3/4', etag: '"p"' }, body: 'cd' }, expect: { headers: status('cachegen-fetch; fwd=partial; stored') } },
      { at: 2, expect: { calls: 2, body: 'abcd', headers: status('cachegen-fetch; hit; ttl=99') } },
    ],
  },
  {
    id: 'only-if-cached', section: 'RFC 9211', level: 'optional', title: 'only-if-cached with nothing stored',
    steps: [{ at: 0, headers: { 'cache-control': 'only-if-cached' }, expect: { calls: 0, status: 504, headers: status('cachegen-fetch; fwd=bypass; detail=only-if-cached') } }],
  },
];

describe('cachedFetch: Cache-Status', () => {
  it.each(cacheStatusRows.map((row) => [row.title, row] as const))('%s', async (_title, row) => {
    expect((await runner.run(row, cachedFetchContender)).failure ?? 'passed').toBe('passed');
  });
});

describe('cachedFetch: bodies and concurrency', () => {
  it('gives every caller its own unconsumed body', async () => {
    const route = origin.route('bodies', () => ({ headers: { 'cache-control': 'max-age=100' }, body: 'shared bytes' }));
    const cache = createCache({ l1: { maxEntries: 100 } });
    const f = cachedFetch(cache, { now: () => T0 });
    try {
      const first = await f(route.url);
      const [a, b] = await Promise.all([f(route.url), f(route.url)]);
      expect(await a.text()).toBe('shared bytes');
      expect(await b.text()).toBe('shared bytes');
      expect(await first.text()).toBe('shared bytes');
      expect(route.calls.length).toBe(1);
    } finally {
      await cache.close();
      route.remove();
    }
  });

  it.each<[string, Record<string, string>, Array<Record<string, string>>, number, string[]]>([
    ['identical misses share one origin request', { 'cache-control': 'max-age=100', vary: 'Accept-Language' }, [{ 'accept-language': 'en' }, { 'accept-language': 'en' }, { 'accept-language': 'en' }], 1, ['en', 'en', 'en']],
    ['misses that Vary apart do not share', { 'cache-control': 'max-age=100', vary: 'Accept-Language' }, [{ 'accept-language': 'en' }, { 'accept-language': 'fr' }], 2, ['en', 'fr']],
    ['an unstorable response is not shared', { 'cache-control': 'no-store' }, [{}, {}], 2, ['undefined', 'undefined']],
    ['a client asking for no-cache does not join', { 'cache-control': 'max-age=100' }, [{}, { 'cache-control': 'no-cache' }], 2, ['undefined', 'undefined']],
  ])('concurrent misses (collapsed forwarding): %s', async (_name, responseHeaders, requestHeaders, originCalls, languages) => {
    const prefix = `collapse-${originCalls}-${languages.join('')}-${Object.keys(requestHeaders[1] ?? {}).join('')}`;
    const route = origin.route(prefix, (seen) => ({ headers: responseHeaders, body: `lang ${String(seen.headers['accept-language'] === '*' ? undefined : seen.headers['accept-language'])}` }));
    const cache = createCache({ l1: { maxEntries: 100 } });
    const f = cachedFetch(cache, { now: () => T0 });
    try {
      const responses = await Promise.all(requestHeaders.map((headers) => f(route.url, { headers })));
      expect(await Promise.all(responses.map((r) => r.text()))).toEqual(languages.map((l) => `lang ${l}`));
      expect(route.calls.length).toBe(originCalls);
      if (originCalls === 1) expect(responses[1]!.headers.get('cache-status')).toContain('collapsed');
    } finally {
      await cache.close();
      route.remove();
    }
  });

  it('keeps at most maxVariants responses per URI, the oldest going first', async () => {
    const route = origin.route('variants', (seen) => ({ headers: { 'cache-control': 'max-age=100', vary: 'x-v' }, body: String(seen.headers['x-v']) }));
    const cache = createCache({ l1: { maxEntries: 100 } });
    const f = cachedFetch(cache, { now: () => T0, maxVariants: 2 });
    try {
      for (const v of ['1', '2', '3']) await (await f(route.url, { headers: { 'x-v': v } })).text();
      for (const v of ['2', '3']) expect(await (await f(route.url, { headers: { 'x-v': v } })).text()).toBe(v);
      expect(route.calls.length).toBe(3);
      await (await f(route.url, { headers: { 'x-v': '1' } })).text();
      expect(route.calls.length).toBe(4);
    } finally {
      await cache.close();
      route.remove();
    }
  });
});

describe('cachedFetch: the store', () => {
  it('shares stored responses through Redis between two instances', async () => {
    const route = origin.route('redis', () => ({ headers: { 'cache-control': 'max-age=100', etag: '"r"' }, body: 'from redis' }));
    const namespace = `test-http-fetch-${process.pid}-${Date.now()}`;
    const one = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    const two = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    try {
      expect(await (await cachedFetch(one, { now: () => T0 })(route.url)).text()).toBe('from redis');
      const hit = await cachedFetch(two, { now: () => T0 + 5000 })(route.url);
      expect(await hit.text()).toBe('from redis');
      expect(hit.headers.get('age')).toBe('5');
      expect(route.calls.length).toBe(1);
    } finally {
      await one.clear();
      await Promise.all([one.close(), two.close()]);
      route.remove();
    }
  });

  it('never fails a request because the cache fails: every cache call throwing is a miss', async () => {
    const route = origin.route('broken', (_r, n) => ({ headers: { 'cache-control': 'max-age=100' }, body: `r${n}` }));
    const fail = () => { throw new Error('cache down'); };
    const broken = { get: fail, set: fail, mark: fail, invalidateTags: fail } as unknown as Cache;
    const f = cachedFetch(broken, { now: () => T0 });
    expect(await (await f(route.url)).text()).toBe('r1');
    expect(await (await f(route.url)).text()).toBe('r2');
    expect((await f(route.url, { method: 'POST' })).status).toBe(200);
    route.remove();
  });
});
