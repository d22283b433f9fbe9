import { describe, expect, it } from 'vitest';
import { L1Cache, type EvictionReason, type L1Options } from '@cachegen/runtime';

/** A cache with a hand-driven clock and a log of evictions. */
function harness<V = string>(options: Partial<L1Options<V>> = {}) {
  const clock = { now: 1_000 };
  const evicted: [string, V, EvictionReason][] = [];
  const cache = new L1Cache<V>({
    maxEntries: 100,
    clock: () => clock.now,
    onEvict: (key, value, reason) => evicted.push([key, value, reason]),
    ...options,
  });
  return { cache, clock, evicted };
}

describe.each(['tinylfu', 'lru'] as const)('L1Cache (%s) basics', (policy) => {
  it('stores, reads, overwrites and deletes', () => {
    const { cache, evicted } = harness({ policy });
    expect(cache.get('a')).toBeUndefined();
    expect(cache.set('a', '1')).toBe(true);
    expect(cache.get('a')).toBe('1');
    cache.set('a', '2');
    expect(cache.get('a')).toBe('2');
    expect(evicted).toEqual([['a', '1', 'replaced']]);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(evicted.at(-1)).toEqual(['a', '2', 'deleted']);
    const stats = cache.stats();
    expect([stats.hits, stats.misses, stats.sets, stats.entries]).toEqual([2, 2, 2, 0]);
    expect(stats.evictions).toEqual({ size: 0, expired: 0, deleted: 1, replaced: 1, cleared: 0 });
  });

  it('setting the same value again is not a replacement', () => {
    const { cache, evicted } = harness({ policy });
    cache.set('a', 'x');
    cache.set('a', 'x');
    expect(evicted).toEqual([]);
  });

  const freshness: [string, number, 'fresh' | 'stale' | 'expired'][] = [
    ['just set', 0, 'fresh'],
    ['one ms before ttl', 9_999, 'fresh'],
    ['at ttl', 10_000, 'stale'],
    ['inside the stale window', 14_000, 'stale'],
    ['at the end of the stale window', 15_000, 'expired'],
    ['long after', 1e9, 'expired'],
  ];
  it.each(freshness)('ttl 10s + stale 5s, %s: %s', (_, elapsed, state) => {
    const { cache, clock, evicted } = harness({ policy });
    cache.set('k', 'v', { ttl: 10, stale: 5 });
    clock.now += elapsed;
    expect(cache.peek('k')).toBe(state === 'fresh' ? 'v' : undefined);
    expect(cache.has('k')).toBe(state === 'fresh');
    const found = cache.lookup('k');
    if (state === 'expired') {
      expect(found).toBeUndefined();
      expect(evicted).toEqual([['k', 'v', 'expired']]);
      expect(cache.size).toBe(0);
      return;
    }
    expect(found).toEqual({ value: 'v', stale: state === 'stale', freshFor: (10_000 - elapsed) / 1000, age: elapsed / 1000, now: expect.any(Number) });
    expect(cache.get('k')).toBe(state === 'fresh' ? 'v' : undefined);
    expect(cache.size).toBe(1); // a stale entry is kept for lookup()
  });

  it('an entry without ttl never expires and reports infinite freshness', () => {
    const { cache, clock } = harness({ policy });
    cache.set('k', 'v');
    clock.now += 1e12;
    expect(cache.lookup('k')).toEqual({ value: 'v', stale: false, freshFor: Infinity, age: 1e9, now: expect.any(Number) });
  });

  it('counts stale lookups apart from hits', () => {
    const { cache, clock } = harness({ policy });
    cache.set('k', 'v', { ttl: 1, stale: 1 });
    cache.lookup('k');
    clock.now += 1_500;
    cache.lookup('k');
    expect(cache.stats()).toMatchObject({ hits: 1, staleHits: 1, misses: 0 });
  });

  it('deleting an expired entry reports expired and returns false', () => {
    const { cache, clock, evicted } = harness({ policy });
    cache.set('k', 'v', { ttl: 1 });
    clock.now += 1_000;
    expect(cache.delete('k')).toBe(false);
    expect(evicted).toEqual([['k', 'v', 'expired']]);
  });

  it('reclaims expired entries that are never read again, a few per set()', () => {
    const { cache, clock } = harness({ policy, maxEntries: 1000 });
    for (let i = 0; i < 50; i++) cache.set(`dead${i}`, 'v', { ttl: 1 });
    clock.now += 2_000;
    for (let i = 0; i < 50; i++) cache.set(`live${i}`, 'v');
    expect(cache.stats().evictions.expired).toBe(50);
    expect(cache.size).toBe(50);
  });

  it('keys() lists entries that are not expired', () => {
    const { cache, clock } = harness({ policy });
    cache.set('short', 'v', { ttl: 1 });
    cache.set('long', 'v', { ttl: 100 });
    cache.set('forever', 'v');
    clock.now += 5_000;
    expect([...cache.keys()].sort()).toEqual(['forever', 'long']);
  });

  it('clear() empties the cache and reports every entry as cleared', () => {
    const { cache, evicted } = harness({ policy });
    cache.set('a', '1');
    cache.set('b', '2');
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    expect(cache.get('a')).toBeUndefined();
    expect(evicted.sort()).toEqual([['a', '1', 'cleared'], ['b', '2', 'cleared']]);
    expect(cache.stats().evictions.cleared).toBe(2);
    cache.set('c', '3');
    expect(cache.get('c')).toBe('3');
  });

  it('evicts for size when over maxEntries, reporting size', () => {
    const { cache, evicted } = harness({ policy, maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set(k, k);
    expect(cache.size).toBe(3);
    expect(evicted.map(([, , reason]) => reason)).toEqual(['size', 'size']);
    expect(cache.stats().evictions.size).toBe(2);
  });
});

describe('L1Cache sizes and byte bounds', () => {
  const sizes: [string, unknown, number][] = [
    ['ascii string', 'hello', 3 + 5],
    ['multi-byte string', 'héllo€', 3 + 9],
    ['astral string', '😀', 3 + 4],
    ['Buffer', Buffer.alloc(10), 3 + 10],
    ['Uint8Array', new Uint8Array(7), 3 + 7],
    ['object (key only without maxBytes)', { a: 1 }, 3],
  ];
  it.each(sizes)('measures a %s as key bytes + value bytes', (_, value, bytes) => {
    const cache = new L1Cache<unknown>({ maxEntries: 10 });
    cache.set('key', value);
    expect(cache.bytes).toBe(bytes);
    expect(Buffer.byteLength('😀')).toBe(4);
  });

  it('uses an explicit size, then sizeOf, over the default', () => {
    const cache = new L1Cache<string>({ maxBytes: 1000, sizeOf: (value) => value.length * 10 });
    cache.set('a', 'xy');
    expect(cache.bytes).toBe(20);
    cache.set('b', 'xy', { size: 5 });
    expect(cache.bytes).toBe(25);
  });

  it('refuses an entry bigger than maxEntryBytes and drops the old value of its key', () => {
    const evicted: string[] = [];
    const cache = new L1Cache<Buffer>({ maxBytes: 1000, maxEntryBytes: 100, onEvict: (k, _, r) => evicted.push(`${k}:${r}`) });
    expect(cache.set('k', Buffer.alloc(50))).toBe(true);
    expect(cache.set('k', Buffer.alloc(200))).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(evicted).toEqual(['k:replaced']);
    expect(cache.stats().rejected).toBe(1);
  });

  it('refuses an entry bigger than maxBytes', () => {
    const cache = new L1Cache<Buffer>({ maxBytes: 100 });
    expect(cache.set('k', Buffer.alloc(101))).toBe(false);
    expect(cache.size).toBe(0);
  });

  it.each(['tinylfu', 'lru'] as const)('%s evicts until under maxBytes, several entries for one big one', (policy) => {
    const cache = new L1Cache<Buffer>({ maxBytes: 100, policy });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, Buffer.alloc(8)); // 10 bytes each
    expect(cache.bytes).toBe(100);
    cache.set('big', Buffer.alloc(57)); // 60 bytes
    expect(cache.bytes).toBeLessThanOrEqual(100);
    // LRU must make room for it; TinyLFU may instead refuse the newcomer (no more frequent than its victims).
    if (policy === 'lru' || cache.has('big')) expect(cache.size).toBeLessThanOrEqual(5);
    else expect(cache.size).toBe(10);
  });

  it('an overwrite that grows an entry evicts to stay under maxBytes', () => {
    const cache = new L1Cache<Buffer>({ maxBytes: 100 });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, Buffer.alloc(8));
    cache.set('k3', Buffer.alloc(48));
    expect(cache.bytes).toBeLessThanOrEqual(100);
  });

  it('honours maxEntries and maxBytes together', () => {
    const cache = new L1Cache<string>({ maxEntries: 3, maxBytes: 1000 });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, 'v');
    expect(cache.size).toBe(3);
    const big = new L1Cache<string>({ maxEntries: 100, maxBytes: 20 });
    for (let i = 0; i < 10; i++) big.set(`k${i}`, 'vvvvvvv'); // 9 bytes each
    expect(big.bytes).toBeLessThanOrEqual(20);
    expect(big.size).toBe(2);
  });
});

describe('L1Cache listener and lookup object', () => {
  it('a throwing onEvict does not break the cache or its bounds', () => {
    const cache = new L1Cache<string>({
      maxEntries: 2,
      onEvict: () => {
        throw new Error('listener bug');
      },
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, 'v');
    expect(cache.size).toBe(2);
    return new Promise<void>((resolve) => setImmediate(() => {
      process.off('warning', onWarning);
      expect(warnings.filter((m) => m.includes('onEvict threw'))).toHaveLength(1);
      resolve();
    }));
  });

  it('lookup() returns one reused object, valid until the next call', () => {
    const cache = new L1Cache<string>({ maxEntries: 10 });
    cache.set('a', '1');
    cache.set('b', '2');
    const first = cache.lookup('a');
    expect(first?.value).toBe('1');
    const second = cache.lookup('b');
    expect(second).toBe(first);
    expect(first?.value).toBe('2');
  });

  it('stats() reports bounds, policy and the adaptive window', () => {
    const cache = new L1Cache<string>({ maxEntries: 1000, maxBytes: 4096 });
    expect(cache.stats()).toMatchObject({ maxEntries: 1000, maxBytes: 4096, policy: 'tinylfu', window: { weight: 0 } });
    expect(new L1Cache({ maxEntries: 5, policy: 'lru' }).stats().window).toBeUndefined();
  });
});

describe('L1Cache packed slot fields (ttl bit, region, derived weight)', () => {
  it.each(['tinylfu', 'lru'] as const)('%s: a reused slot forgets the ttl of its previous entry, and an overwrite can drop or add one', (policy) => {
    const { cache, clock } = harness({ policy });
    cache.set('timed', 'x', { ttl: 1 });
    cache.delete('timed');
    cache.set('forever', 'y'); // takes the freed slot
    clock.now += 10_000;
    expect(cache.get('forever')).toBe('y');
    cache.set('forever', 'z', { ttl: 1 });
    clock.now += 1_001;
    expect(cache.get('forever')).toBeUndefined();
    cache.set('forever', 'w');
    clock.now += 10_000;
    expect(cache.get('forever')).toBe('w');
  });

  it('window weight follows overwrites that change an entry size under maxBytes', () => {
    const cache = new L1Cache<Buffer>({ maxBytes: 100_000 }); // a 1000-byte window
    cache.set('a', Buffer.alloc(10));
    expect(cache.stats().window?.weight).toBe(11);
    cache.set('a', Buffer.alloc(30));
    expect(cache.stats().window?.weight).toBe(31);
    expect(cache.bytes).toBe(31);
    cache.delete('a');
    expect(cache.stats().window?.weight).toBe(0);
  });
});
