/**
 * Adversarial cases for the client side (`cachedFetch`), over a real loopback origin and the
 * real Redis: what an attacker or an unlucky interleaving could make the cache keep or replay.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cachedFetch, createCache, type Cache } from '@cachegen/runtime';
import { startOrigin, type Origin, type OriginReply } from '../support/origin.js';

let origin: Origin;
beforeAll(async () => { origin = await startOrigin(); });
afterAll(async () => { await origin.close(); });

/** A resource whose GET can be held by the test, and whose PUT bumps its version. */
function versionedResource(prefix: string) {
  let version = 1;
  let release: () => void = () => {};
  let holdNext = false;
  const route = origin.route(prefix, (request): OriginReply => {
    if (request.method === 'PUT') {
      version++;
      return { status: 204 };
    }
    const reply: OriginReply = { headers: { 'cache-control': 'max-age=100' }, body: `v${version}` };
    if (holdNext) {
      holdNext = false;
      reply.hold = new Promise<void>((resolve) => { release = resolve; });
    }
    return reply;
  });
  return {
    url: route.url,
    calls: route.calls,
    /** The next GET waits for `release()`; its body is the version when the origin received it. */
    holdNextGet: () => { holdNext = true; },
    release: () => release(),
  };
}

/** Resolves once the origin has seen `n` requests on a route. */
async function seen(calls: unknown[], n: number): Promise<void> {
  while (calls.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('#11.7 a GET in flight across a PUT is not stored as fresh', () => {
  async function race(reader: typeof fetch, writer: typeof fetch, prefix: string): Promise<void> {
    const resource = versionedResource(prefix);
    resource.holdNextGet();
    const inFlight = reader(resource.url);
    await seen(resource.calls, 1); // the GET has left, the origin answers v1 later
    const put = await writer(resource.url, { method: 'PUT' });
    expect(put.status).toBe(204);
    resource.release();
    expect(await (await inFlight).text()).toBe('v1');
    // The invalidation came after the GET left: what it brought back is not served again.
    expect(await (await reader(resource.url)).text()).toBe('v2');
    expect(await (await writer(resource.url)).text()).toBe('v2');
  }

  it('one instance (L1)', async () => {
    const cache = createCache({ l1: { maxEntries: 100 } });
    try {
      const f = cachedFetch(cache);
      await race(f, f, 'race-l1');
    } finally {
      await cache.close();
    }
  });

  it('two instances on one Redis: the PUT goes through the other one', async () => {
    const namespace = `adv-client-race-${process.pid}-${Date.now()}`;
    const a = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    const b = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    try {
      await race(cachedFetch(a), cachedFetch(b), 'race-l2');
    } finally {
      await a.clear();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('#11.6 a shared cachedFetch never stores or replays Set-Cookie', () => {
  const cookieRoute = (prefix: string, headers: Record<string, string>) => origin.route(prefix, (_request, n) => ({
    headers: { ...headers, 'set-cookie': `session=user${n}; HttpOnly` },
    body: 'catalog',
  }));

  async function replays(cache: Cache, url: string): Promise<string[]> {
    const f = cachedFetch(cache, { shared: true });
    const first = await f(url);
    expect(first.headers.getSetCookie()).toEqual(['session=user1; HttpOnly']);
    await first.text();
    const second = await f(url);
    await second.text();
    return second.headers.getSetCookie();
  }

  it.each([
    ['public, max-age=100'],
    ['max-age=100'],
    ['public, s-maxage=100'],
  ])('Cache-Control: %s', async (cc) => {
    const route = cookieRoute(`cookie-${cc.replace(/\W+/g, '-')}`, { 'cache-control': cc });
    const cache = createCache({ l1: { maxEntries: 100 } });
    try {
      expect(await replays(cache, route.url)).not.toContain('session=user1; HttpOnly');
    } finally {
      await cache.close();
    }
  });

  it('the cookie never reaches Redis', async () => {
    const route = cookieRoute('cookie-redis', { 'cache-control': 'public, max-age=100' });
    const namespace = `adv-client-cookie-${process.pid}-${Date.now()}`;
    const cache = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    const redis = new Redis(inject('redisUrl'));
    try {
      expect(await replays(cache, route.url)).not.toContain('session=user1; HttpOnly');
      const keys = await redis.keys(`${namespace}:*`);
      const values = await Promise.all(keys.map((k) => redis.type(k).then((t) => (t === 'string' ? redis.getBuffer(k) : null))));
      for (const value of values) expect(value?.toString('latin1') ?? '').not.toContain('session=user');
    } finally {
      await cache.clear();
      await cache.close();
      redis.disconnect();
    }
  });
});

describe('cachedFetch: what it reads back from the store is data, never a crash', () => {
  it.each([
    ['not an entry', 'garbage'],
    ['an entry of another shape', { v: 2, responses: [{ status: 'x', headers: 5 }] }],
    ['a response with an impossible status', { v: 2, responses: [{ status: 99, statusText: '', headers: [], body: '', requestTime: 0, responseTime: 0, vary: {} }] }],
    ['a response with fields fetch refuses', { v: 2, responses: [{ status: 200, statusText: 'OK', headers: [['bad name', 'x']], body: '', requestTime: 0, responseTime: 0, vary: {} }] }],
  ])('%s is a miss: the origin answers', async (_what, value) => {
    const route = origin.route(`corrupt-${String(_what).replace(/\W+/g, '-')}`, (_r, n) => ({ headers: { 'cache-control': 'max-age=100' }, body: `fresh ${n}` }));
    const cache = createCache({ l1: { maxEntries: 100 } });
    try {
      await cache.set(`cachegen-fetch|-|${route.url}`, value, { ttl: 100 });
      expect(await (await cachedFetch(cache)(route.url)).text()).toBe('fresh 1');
    } finally {
      await cache.close();
    }
  });
});
