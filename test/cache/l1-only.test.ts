/** The cache without Redis: freshness, SWR, stale-if-error, soft timeout, single flight, tags. */
import { describe, expect, it } from 'vitest';
import { createCache } from '@cachegen/runtime';
import { deferred, manualClock, until } from './helpers.js';

function setup() {
  const clock = manualClock();
  const cache = createCache({ clock: clock.now, l1: { maxEntries: 1000 } });
  return { clock, cache };
}

describe('freshness (L1 only)', () => {
  const table = [
    { after: 0, want: { status: 'hit', tier: 'l1', value: 'v1', age: 0, ttl: 10 } },
    { after: 9_999, want: { status: 'hit', tier: 'l1', value: 'v1', age: 9.999, ttl: 0.001 } },
    { after: 10_000, want: { status: 'stale', tier: 'l1', value: 'v1', age: 10, ttl: 0 } },
    { after: 14_999, want: { status: 'stale', tier: 'l1', value: 'v1', age: 14.999, ttl: -4.999 } },
    { after: 15_000, want: { status: 'miss', tier: 'origin', value: 'v2', age: 0, ttl: 10 } },
  ];
  it.each(table)('$after ms after the store: $want.status from $want.tier', async ({ after, want }) => {
    const { clock, cache } = setup();
    let n = 0;
    const loader = async () => `v${++n}`;
    await cache.fetch('k', loader, { ttl: 10, swr: 5 });
    clock.advance(after);
    const got = await cache.fetch('k', loader, { ttl: 10, swr: 5 });
    expect(got.status).toBe(want.status);
    expect(got.tier).toBe(want.tier);
    expect(got.value).toBe(want.value);
    expect(got.age).toBeCloseTo(want.age, 6);
    expect(got.ttl).toBeCloseTo(want.ttl, 6);
    await cache.close();
  });
});

describe('hitOrFetch', () => {
  it('answers a fresh L1 hit as a value, everything else (miss, stale) as fetch\'s promise, with the same lookups and stats', async () => {
    const { clock, cache } = setup();
    let n = 0;
    const loader = async () => `v${++n}`;
    const miss = cache.hitOrFetch('k', loader, { ttl: 10, swr: 5 });
    expect(miss).toBeInstanceOf(Promise);
    expect(await miss).toMatchObject({ status: 'miss', value: 'v1' });
    clock.advance(2_000);
    const hit = cache.hitOrFetch('k', loader, { ttl: 10, swr: 5 });
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toMatchObject({ status: 'hit', tier: 'l1', value: 'v1', age: 2, ttl: 8 });
    clock.advance(9_000);
    const stale = cache.hitOrFetch('k', loader, { ttl: 10, swr: 5 });
    expect(stale).toBeInstanceOf(Promise);
    expect(await stale).toMatchObject({ status: 'stale', value: 'v1' });
    // One L1 lookup per call, as fetch: the miss, the hit and the stale read.
    const { hits, staleHits, misses } = cache.l1!.stats();
    expect(hits + staleHits + misses).toBe(3);
    await cache.close();
  });
});

describe('stale-while-revalidate', () => {
  it('serves the stale value to every caller and refreshes exactly once', async () => {
    const { clock, cache } = setup();
    let calls = 0;
    const refresh = deferred<string>();
    const loader = () => (++calls === 1 ? Promise.resolve('old') : refresh.promise);
    await cache.getOrSet('k', loader, { ttl: 1, swr: 60 });
    clock.advance(2_000);
    const stale = await Promise.all(Array.from({ length: 50 }, () => cache.fetch('k', loader, { ttl: 1, swr: 60 })));
    expect(stale.every((r) => r.status === 'stale' && r.value === 'old')).toBe(true);
    expect(calls).toBe(2);
    refresh.resolve('new');
    await until(async () => (await cache.fetch('k', loader, { ttl: 1, swr: 60 })).value === 'new', 'the refreshed value');
    expect(calls).toBe(2);
    await cache.close();
  });
});

describe('loader errors', () => {
  it('serves the stale value within staleIfError, throws after it, and never caches the error', async () => {
    const { clock, cache } = setup();
    let fail = false;
    let calls = 0;
    const loader = async () => { calls++; if (fail) throw new Error('origin down'); return 'good'; };
    const opts = { ttl: 1, staleIfError: 10 };
    await cache.getOrSet('k', loader, opts);
    fail = true;
    clock.advance(5_000);
    expect(await cache.fetch('k', loader, opts)).toMatchObject({ status: 'stale', value: 'good' });
    clock.advance(6_001);
    await expect(cache.getOrSet('k', loader, opts)).rejects.toThrow('origin down');
    const before = calls;
    await expect(cache.getOrSet('k', loader, opts)).rejects.toThrow('origin down');
    expect(calls).toBe(before + 1);
    fail = false;
    expect(await cache.getOrSet('k', loader, opts)).toBe('good');
    await cache.close();
  });

  it('soft timeout: a slow loader gives way to the stale value and stores its own when done', async () => {
    const { clock, cache } = setup();
    const slow = deferred<string>();
    let calls = 0;
    const loader = () => (++calls === 1 ? Promise.resolve('old') : slow.promise);
    const opts = { ttl: 1, staleIfError: 60, timeoutMs: 5 };
    await cache.getOrSet('k', loader, opts);
    clock.advance(2_000);
    expect(await cache.fetch('k', loader, opts)).toMatchObject({ status: 'stale', value: 'old' });
    slow.resolve('new');
    await until(async () => (await cache.fetch('k', loader, opts)).value === 'new', 'the late value');
    expect(calls).toBe(2);
    await cache.close();
  });
});

describe('single flight in process', () => {
  it('calls the loader once for 1000 concurrent callers of a cold key', async () => {
    const { cache } = setup();
    let calls = 0;
    const gate = deferred<void>();
    const loader = async () => { calls++; await gate.promise; return 'v'; };
    const all = Promise.all(Array.from({ length: 1000 }, () => cache.getOrSet('cold', loader, { ttl: 10 })));
    gate.resolve();
    expect((await all).every((v) => v === 'v')).toBe(true);
    expect(calls).toBe(1);
    await cache.close();
  });
});

describe('what is stored', () => {
  it('cacheable false: returned, never stored', async () => {
    const { cache } = setup();
    let calls = 0;
    const opts = { ttl: 10, cacheable: (v: { status: number }) => v.status < 400 };
    const loader = async () => ({ status: 500, n: ++calls });
    await cache.getOrSet('k', loader, opts);
    expect(await cache.getOrSet('k', loader, opts)).toEqual({ status: 500, n: 2 });
  });

  it.each([
    { name: 'ttl 0', opts: { ttl: 0 }, message: /ttl must be a positive number/ },
    { name: 'negative swr', opts: { ttl: 1, swr: -1 }, message: /swr must be a non-negative/ },
    { name: 'NaN staleIfError', opts: { ttl: 1, staleIfError: Number.NaN }, message: /staleIfError/ },
  ])('rejects bad options ($name) naming the option', async ({ opts, message }) => {
    const { cache } = setup();
    await expect(cache.getOrSet('k', async () => 1, opts)).rejects.toThrow(message);
  });

  it('delete and clear drop entries; get answers only fresh values', async () => {
    const { clock, cache } = setup();
    await cache.set('a', 1, { ttl: 10 });
    await cache.set('b', 2, { ttl: 10 });
    expect(await cache.get('a')).toBe(1);
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
    clock.advance(11_000);
    expect(await cache.get('b')).toBeUndefined();
    await cache.set('c', 3, { ttl: 10 });
    await cache.clear();
    expect(await cache.get('c')).toBeUndefined();
  });
});

describe('tags (L1 only)', () => {
  it('invalidating a tag drops exactly the entries carrying it', async () => {
    const { cache } = setup();
    await cache.set('p1', 'one', { ttl: 60, tags: ['product:1', 'list'] });
    await cache.set('p2', 'two', { ttl: 60, tags: ['product:2'] });
    await cache.set('l', 'list', { ttl: 60, tagsFrom: () => ['product:1'] });
    await cache.invalidateTags(['product:1']);
    expect(await cache.get('p1')).toBeUndefined();
    expect(await cache.get('l')).toBeUndefined();
    expect(await cache.get('p2')).toBe('two');
  });

  it.each([
    { name: 'request tag', opts: { tags: ['product:1'] } },
    { name: 'response-derived tag', opts: { tagsFrom: (v: string) => [`product:${v.slice(0, 1)}`] } },
  ])('an invalidation during the loader keeps its result out of the cache ($name)', async ({ opts }) => {
    const { cache } = setup();
    const slow = deferred<string>();
    let calls = 0;
    const loader = () => (++calls === 1 ? slow.promise : Promise.resolve('1-new'));
    const first = cache.getOrSet('k', loader, { ttl: 60, ...opts });
    await cache.invalidateTags(['product:1']);
    slow.resolve('1-old');
    expect(await first).toBe('1-old');
    expect(await cache.getOrSet('k', loader, { ttl: 60, ...opts })).toBe('1-new');
    expect(calls).toBe(2);
  });
});
