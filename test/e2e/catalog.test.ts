/**
 * The generated catalog server over real sockets: caching, headers, 304, SWR, invalidation
 * (also across two instances sharing Redis), private isolation, sensitive bypass, validation.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCatalog, type RunningCatalog } from '../../examples/catalog/app.js';
import { createMemoryStore } from '../../examples/catalog/store/memory.js';
import { countingStore } from './counting-store.js';

const NO_COST = { costs: { lookup: 0, query: 0, aggregate: 0 } };
const running: RunningCatalog[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});

async function start(options: Parameters<typeof startCatalog>[0] = {}): Promise<RunningCatalog> {
  const catalog = await startCatalog({ ...NO_COST, ...options });
  running.push(catalog);
  return catalog;
}

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function send(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

/** Polls until `check` holds (for effects that travel over the bus); fails with the last value after 10 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let last = await read();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    last = await read();
  }
  return last;
}

describe('generated catalog server', () => {
  it('answers a miss from the origin, then the same bytes from L1 with Age and Cache-Status', async () => {
    const store = countingStore(createMemoryStore(50));
    const { url } = await start({ store });
    const miss = await get(url, '/products/7');
    const hit = await get(url, '/products/7');
    expect(miss.status).toBe(200);
    expect(miss.headers.get('cache-status')).toMatch(/fwd=miss; .*stored/);
    expect(hit.headers.get('cache-status')).toMatch(/^cachegen; hit/);
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('cache-control')).toBe('public, max-age=600, stale-while-revalidate=60, stale-if-error=60');
    expect(hit.headers.get('age')).toBe('0');
    expect(store.calls.get('getProduct')).toBe(1);
  });

  it('answers 304 to a matching If-None-Match and 200 to a different one', async () => {
    const { url } = await start();
    const first = await get(url, '/flags');
    const etag = first.headers.get('etag')!;
    const table: Array<[string, number]> = [[etag, 304], [`W/${etag}`, 304], ['"other"', 200], [`"x", ${etag}`, 304], ['*', 304]];
    for (const [header, status] of table) {
      const r = await get(url, '/flags', { 'if-none-match': header });
      expect(r.status, header).toBe(status);
      if (status === 304) expect(r.text).toBe('');
    }
  });

  it('serves HEAD with the GET headers and no body', async () => {
    const { url } = await start();
    await get(url, '/flags');
    const r = await fetch(url + '/flags', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-status')).toMatch(/hit/);
    expect(await r.text()).toBe('');
  });

  it('serves a stale entry within swr while one background refresh brings the new value', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = countingStore(createMemoryStore(50));
    const { url } = await start({ store, clock: () => now });
    await get(url, '/dashboard'); // ttl 30, swr 30
    await send(url, 'POST', '/orders', { productId: 3, quantity: 2 }, { authorization: 'Bearer token-1' }); // does not invalidate the dashboard (ttl + swr bound its age)
    await get(url, '/dashboard');
    const before = store.calls.get('orderStats');
    now += 45_000; // 15 s into the swr window
    const stale = await get(url, '/dashboard');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-status')).toMatch(/hit; ttl=-15/);
    const refreshed = await eventually(() => Promise.resolve(store.calls.get('orderStats')), (n) => n === (before ?? 0) + 1);
    expect(refreshed).toBe((before ?? 0) + 1);
    const fresh = await eventually(() => get(url, '/dashboard'), (r) => /hit; ttl=30/.test(r.headers.get('cache-status') ?? ''));
    expect(fresh.headers.get('cache-status')).toMatch(/hit; ttl=30/);
    now += 61_000; // past ttl + swr: a miss again
    expect((await get(url, '/dashboard')).headers.get('cache-status')).toMatch(/fwd=miss/);
  });

  it('answers with the stale entry within staleIfError when the origin fails, and 500 after it', async () => {
    let now = Date.UTC(2026, 0, 1);
    const inner = createMemoryStore(50);
    let failing = false;
    const store = { ...inner, rates: () => (failing ? Promise.reject(new Error('upstream down')) : inner.rates()) };
    const { url } = await start({ store, clock: () => now });
    const first = await get(url, '/exchange-rates'); // ttl 60, staleIfError 60 (x-cache-defaults)
    failing = true;
    now += 90_000; // 30 s past ttl, inside staleIfError
    const stale = await get(url, '/exchange-rates');
    expect(stale.status).toBe(200);
    expect(stale.text).toBe(first.text);
    expect(stale.headers.get('cache-status')).toMatch(/hit; ttl=-30/);
    now += 60_000; // past staleIfError
    expect((await get(url, '/exchange-rates')).status).toBe(500);
  });

  it('invalidates the product, its listing and its search results after a successful update', async () => {
    const store = countingStore(createMemoryStore(50));
    const { url } = await start({ store });
    const paths = ['/products/5', '/products?category=books', '/search?q=Grand'];
    for (const p of paths) await get(url, p);
    for (const p of paths) expect((await get(url, p)).headers.get('cache-status'), p).toMatch(/hit/);
    const updated = await send(url, 'PUT', '/products/5', { name: 'Grand Lamp renamed', priceCents: 100, category: 'books' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('cache-control')).toBe('no-store');
    for (const p of paths) {
      const r = await get(url, p);
      expect(r.headers.get('cache-status'), p).toMatch(/fwd=miss/);
      expect(r.text, p).toContain('Grand Lamp renamed');
    }
  });

  it('does not invalidate when the mutation fails', async () => {
    const { url } = await start();
    await get(url, '/products/5');
    const failed = await send(url, 'PUT', '/products/99999', { name: 'x', priceCents: 1, category: 'books' });
    expect(failed.status).toBe(404);
    expect((await get(url, '/products/5')).headers.get('cache-status')).toMatch(/hit/);
  });

  it('keys private responses by caller: user A never receives user B\'s profile', async () => {
    const { url } = await start();
    const users = ['1', '2', '3'];
    for (let round = 0; round < 2; round++) {
      for (const id of users) {
        const r = await get(url, '/me', { authorization: `Bearer token-${id}` });
        expect(JSON.parse(r.text)).toMatchObject({ id: Number(id), email: `user${id}@example.com` });
        expect(r.headers.get('cache-control')).toMatch(/^private/);
        if (round === 1) expect(r.headers.get('cache-status')).toMatch(/hit/);
      }
    }
    const anonymous = await get(url, '/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
  });

  it('rejects invalid requests with 400 and the schema\'s message', async () => {
    const { url } = await start();
    const table: Array<[string, string, unknown, RegExp]> = [
      ['GET', '/products/abc', undefined, /params\/id must be integer/],
      ['GET', '/products/0', undefined, /params\/id must be >= 1/],
      ['GET', '/products?category=food', undefined, /querystring\/category must be equal to one of the allowed values/],
      ['GET', '/search', undefined, /querystring must have required property 'q'/],
      ['PUT', '/products/1', { name: 'x', category: 'books' }, /body must have required property 'priceCents'/],
      ['PUT', '/exchange-rates/usd', { rate: 1 }, /params\/currency must match pattern/],
    ];
    for (const [method, path, body, message] of table) {
      const r = method === 'GET' ? await get(url, path) : await send(url, method, path, body);
      const json = 'json' in r ? r.json : JSON.parse(r.text);
      expect(r.status, path).toBe(400);
      expect(json.message, path).toMatch(message);
    }
  });
});

describe('with Redis', () => {
  const redisUrl = inject('redisUrl');
  let redis: Redis;
  beforeAll(() => { redis = new Redis(redisUrl); });
  afterAll(async () => { await redis.quit(); });

  async function namespaceKeys(namespace: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  afterEach(async () => {
    // Only this file's namespaces (they all start with e2e-catalog-).
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'e2e-catalog-*', 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length) await redis.del(...keys);
  });

  it('a mutation on one instance invalidates what another instance cached', async () => {
    const namespace = `e2e-catalog-${randomUUID().slice(0, 8)}`;
    const store = createMemoryStore(50);
    const a = await start({ store, redisUrl, namespace });
    const b = await start({ store, redisUrl, namespace });
    await get(a.url, '/products/9');
    expect((await get(a.url, '/products/9')).headers.get('cache-status')).toMatch(/hit/);
    expect((await get(b.url, '/products/9')).headers.get('cache-status')).toMatch(/hit/); // from L2
    const updated = await send(b.url, 'PUT', '/products/9', { name: 'Changed on B', priceCents: 1, category: 'tools' });
    expect(updated.status).toBe(200);
    const seenByA = await eventually(() => get(a.url, '/products/9'), (r) => r.text.includes('Changed on B'));
    expect(seenByA.text).toContain('Changed on B');
  });

  it('never stores a sensitive response, in L1 or in Redis', async () => {
    const namespace = `e2e-catalog-${randomUUID().slice(0, 8)}`;
    const catalog = await start({ redisUrl, namespace });
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await get(catalog.url, '/me/token', { authorization: 'Bearer token-4' });
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('cache-status')).toBeNull();
      tokens.add(JSON.parse(r.text).token);
    }
    expect(tokens.size).toBe(3);
    expect(catalog.cache.l1?.size).toBe(0);
    const stored = await namespaceKeys(namespace);
    for (const key of stored) {
      const value = (await redis.type(key)) === 'string' ? await redis.getBuffer(key) : null;
      for (const token of tokens) expect(value?.includes(token) ?? false, key).toBe(false);
    }
    expect(stored.filter((k) => k.includes(':e:'))).toEqual([]);
    // The same inspection sees a cacheable response, so it could have failed.
    // (Its L1 copy may already be gone: the bus's first subscription flushes L1 whenever it lands.)
    expect((await get(catalog.url, '/products/1')).headers.get('cache-status')).toBe('cachegen; fwd=miss; stored');
    const entries = await eventually(() => namespaceKeys(namespace), (keys) => keys.some((k) => k.includes(':e:')));
    expect(entries.some((k) => k.includes(':e:'))).toBe(true);
  });

  it('keeps private responses out of Redis (L1 only)', async () => {
    const namespace = `e2e-catalog-${randomUUID().slice(0, 8)}`;
    const catalog = await start({ redisUrl, namespace });
    const r = await get(catalog.url, '/me', { authorization: 'Bearer token-6' });
    expect(r.status).toBe(200);
    for (const key of await namespaceKeys(namespace)) expect(key).not.toContain('getProfile');
  });
});
