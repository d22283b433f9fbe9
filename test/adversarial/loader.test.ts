/**
 * Loaders that never settle (#17 of the trust issue): a hard timeout fails their callers (or
 * serves the stale value within staleIfError), frees the key for the next load and drops the
 * late value; background refreshes are bounded in number. Timers are vitest's fake ones.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCache, LoaderTimeoutError } from '@cachegen/runtime';
import { manualClock } from '../cache/helpers.js';

const never = () => new Promise<string>(() => {});

beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); });
afterEach(() => { vi.useRealTimers(); });

/** What `promise` settled with so far: 'pending', its value, or the error's code. */
function watch<T>(promise: Promise<T>): () => unknown {
  let outcome: unknown = 'pending';
  promise.then((v) => { outcome = v; }, (e: { code?: string }) => { outcome = e?.code ?? e; });
  return () => outcome;
}

describe('#17 a loader that never settles', () => {
  it('fails its callers with LoaderTimeoutError after hardTimeoutMs, and the next call loads afresh', async () => {
    const cache = createCache({ hardTimeoutMs: 100 });
    const first = watch(cache.getOrSet('k', never, { ttl: 60 }));
    const joined = watch(cache.getOrSet('k', never, { ttl: 60 }));
    await vi.advanceTimersByTimeAsync(99);
    expect(first()).toBe('pending');
    await vi.advanceTimersByTimeAsync(2);
    expect(first()).toBe('CACHEGEN_LOADER_TIMEOUT');
    expect(joined()).toBe('CACHEGEN_LOADER_TIMEOUT');
    expect(await cache.getOrSet('k', async () => 'fresh', { ttl: 60 })).toBe('fresh');
    await cache.close();
  });

  it('a per-call hardTimeoutMs wins over the cache default, and the error names the key', async () => {
    const cache = createCache({ hardTimeoutMs: 60_000 });
    const call = cache.getOrSet('slow:key', never, { ttl: 60, hardTimeoutMs: 10 });
    const outcome = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(11);
    const err = await outcome;
    expect(err).toBeInstanceOf(LoaderTimeoutError);
    expect((err as Error).message).toContain('slow:key');
    await cache.close();
  });

  it('within staleIfError, the stale value answers instead of the timeout', async () => {
    const clock = manualClock();
    const cache = createCache({ clock: clock.now, hardTimeoutMs: 100 });
    await cache.getOrSet('k', async () => 'old', { ttl: 1, staleIfError: 600 });
    clock.advance(2_000);
    const got = watch(cache.fetch('k', never, { ttl: 1, staleIfError: 600 }));
    await vi.advanceTimersByTimeAsync(101);
    expect(got()).toMatchObject({ value: 'old', status: 'stale' });
    await cache.close();
  });

  it('a late value is dropped, not stored', async () => {
    const cache = createCache({ hardTimeoutMs: 100 });
    let finish!: (v: string) => void;
    const late = watch(cache.getOrSet('k', () => new Promise<string>((r) => { finish = r; }), { ttl: 60 }));
    await vi.advanceTimersByTimeAsync(101);
    expect(late()).toBe('CACHEGEN_LOADER_TIMEOUT');
    finish('late');
    await vi.advanceTimersByTimeAsync(1);
    expect(await cache.get('k')).toBeUndefined();
    await cache.close();
  });

  it('background refreshes are bounded in number: hung ones do not pile up', async () => {
    const clock = manualClock();
    const cache = createCache({ clock: clock.now, hardTimeoutMs: 1_000 });
    const keys = Array.from({ length: 1_500 }, (_, i) => `k${i}`);
    for (const key of keys) await cache.getOrSet(key, async () => 'v', { ttl: 1, swr: 600 });
    clock.advance(2_000);
    let started = 0;
    const hung = () => { started++; return never(); };
    for (const key of keys) expect(await cache.fetch(key, hung, { ttl: 1, swr: 600 })).toMatchObject({ status: 'stale' });
    expect(started).toBe(1_024);
    await vi.advanceTimersByTimeAsync(1_001); // the hard timeout frees them
    for (const key of keys.slice(0, 10)) await cache.fetch(key, hung, { ttl: 1, swr: 600 });
    expect(started).toBe(1_034);
    await cache.close();
  });
});

describe('#17 (beyond) a value the cache cannot store', () => {
  it.each([
    { name: 'the default codec cannot encode it (a BigInt)', value: { n: 1n }, options: {} },
    { name: 'its codec throws', value: 'v', options: { codec: { encode: () => { throw new Error('codec bug'); }, decode: (b: Uint8Array) => b } } },
    { name: 'tagsFrom throws', value: { items: null }, options: { tagsFrom: (v: { items: string[] | null }) => v.items!.map(String) } },
  ])('is returned to the caller uncached when $name, never thrown', async ({ value, options }) => {
    const warned: string[] = [];
    const cache = createCache({ logger: { warn: (m) => warned.push(m) } });
    let calls = 0;
    const loader = async () => { calls++; return value; };
    expect(await cache.getOrSet('k', loader, { ttl: 60, ...(options as object) })).toBe(value);
    expect(await cache.getOrSet('k', loader, { ttl: 60, ...(options as object) })).toBe(value);
    expect(calls).toBe(2);
    expect(warned).toHaveLength(1);
    await cache.close();
  });
});
