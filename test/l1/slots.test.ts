import { describe, expect, it } from 'vitest';
import { L1Cache, type EvictionReason } from '@cachegen/runtime';
import { MAX_CHAIN, SlotList, SlotTable, NIL } from '../../runtime/l1/slots.js';
import { defaultTinyLfuSettings } from '../../runtime/l1/tinylfu.js';
import { hashKey } from '../../runtime/l1/hash.js';

const key = (i: number): string => `GET /api/v1/products/${i}?lang=en`;

/** A deterministic skewed read-through trace: hot keys, a churning tail, a scan now and then. */
function trace(length: number, seed: number): string[] {
  let x = seed;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out: string[] = [];
  for (let n = 0; n < length; n++) {
    const r = next();
    out.push(r < 0.4 ? key(Math.floor(next() * 50)) : r < 0.9 ? key(100 + Math.floor(next() * 2_000)) : key(10_000 + n));
  }
  return out;
}

describe('slot table', () => {
  it('reuses released slots (last released first) before growing', () => {
    const table = new SlotTable<string>(2, 100);
    const store = (key: string): number => {
      const slot = table.allocate();
      table.keys[slot] = key;
      table.hashes[slot] = hashKey(key, 0);
      table.link(slot);
      return slot;
    };
    const a = store('a');
    const b = store('b');
    const c = store('c'); // grows to 4
    expect([a, b, c, table.capacity]).toEqual([0, 1, 2, 4]);
    table.release(b);
    table.release(a);
    expect(table.allocate()).toBe(a);
    expect(table.allocate()).toBe(b);
    expect(table.allocate()).toBe(3);
    expect(table.used).toBe(4);
  });

  it('finds every live key through growth and rehashing, and none of the released ones', () => {
    const table = new SlotTable<string>(1, 10_000);
    const slotOf = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const key = `k${i}`;
      const slot = table.allocate();
      table.keys[slot] = key;
      table.hashes[slot] = hashKey(key, 7);
      table.link(slot);
      slotOf.set(key, slot);
      if (i % 3 === 0) {
        const gone = `k${i >> 1}`;
        const s = slotOf.get(gone);
        if (s !== undefined) {
          table.release(s);
          slotOf.delete(gone);
        }
      }
    }
    expect(table.size).toBe(slotOf.size);
    expect(table.buckets.length).toBeGreaterThanOrEqual(table.capacity);
    for (let i = 0; i < 5_000; i++) {
      const key = `k${i}`;
      expect(table.find(key, hashKey(key, 7))).toBe(slotOf.get(key) ?? NIL);
    }
  });

  it('refuses a key whose bucket already holds MAX_CHAIN colliding keys, and still serves the others', () => {
    const seed = 12345;
    const cache = new L1Cache<number>({ maxEntries: 100 }, undefined, seed);
    // 100 entries -> 128 buckets: keys whose hashes agree on the low 7 bits share a bucket.
    const colliding: string[] = [];
    for (let i = 0; colliding.length < MAX_CHAIN + 2; i++) {
      if ((hashKey(`attack-${i}`, seed) & 127) === 5) colliding.push(`attack-${i}`);
    }
    const stored = colliding.map((key, i) => cache.set(key, i));
    expect(stored.filter(Boolean)).toHaveLength(MAX_CHAIN);
    expect(stored.slice(MAX_CHAIN)).toEqual([false, false]);
    expect(cache.stats().rejected).toBe(2);
    colliding.slice(0, MAX_CHAIN).forEach((key, i) => expect(cache.get(key)).toBe(i));
    expect(cache.get(colliding[MAX_CHAIN]!)).toBeUndefined();
    // Another bucket is unaffected; overwriting a stored colliding key still works.
    expect(cache.set('other', 1)).toBe(true);
    expect(cache.set(colliding[0]!, 99)).toBe(true);
    expect(cache.get(colliding[0]!)).toBe(99);
  });

  it('keeps list links, hashes, sizes and times across growth', () => {
    const table = new SlotTable<string>(1, 64, true);
    const list = new SlotList(table as SlotTable<unknown>, 1);
    const times = table.timesForWrite();
    for (let i = 0; i < 20; i++) {
      const slot = table.allocate();
      table.hashes[slot] = i * 7;
      table.sizes[slot] = i + 1;
      list.push(slot);
      // Tables grow while slots are handed out: write through the current array.
      table.timesForWrite()[slot * 2] = i * 1000;
    }
    expect(times.length).toBeLessThan(table.timesForWrite().length);
    const order: number[] = [];
    for (let s = list.head; s !== NIL; s = table.next(s)) order.push(table.hash(s) / 7);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(list.weight).toBe((20 * 21) / 2);
    expect(table.timesForWrite()[19 * 2]).toBe(19_000);
  });
});

describe('read buffer', () => {
  it.each([1, 7, 64, 1000])('makes exactly the decisions of applying every hit at once (buffer %i)', (size) => {
    const run = (readBuffer: number): { hits: number; evicted: string[]; window: unknown } => {
      const evicted: string[] = [];
      const cache = new L1Cache<number>(
        { maxEntries: 300, onEvict: (k: string, _v: number, reason: EvictionReason) => evicted.push(`${k}:${reason}`) },
        { ...defaultTinyLfuSettings, readBuffer },
      );
      let hits = 0;
      const keys = trace(40_000, 7);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        // Some writes come without a read first (no miss to drain the buffer before them).
        if (i % 3 === 0) cache.set(k, i);
        else if (cache.get(k) !== undefined) hits++;
        else cache.set(k, i);
        if (i % 5_000 === 0) cache.delete(keys[i >> 1]!);
      }
      return { hits, evicted, window: cache.stats().window };
    };
    const atOnce = run(1);
    const buffered = run(size);
    expect(buffered.hits).toBe(atOnce.hits);
    expect(buffered.evicted).toEqual(atOnce.evicted);
    expect(buffered.window).toEqual(atOnce.window);
    expect(atOnce.evicted.length).toBeGreaterThan(1000); // the trace does evict
  });
});

describe('per-slot fields', () => {
  it('entries stored before the first ttl never expire; entries after it do', () => {
    const clock = { now: 0 };
    const cache = new L1Cache<string>({ maxEntries: 5000, clock: () => clock.now });
    for (let i = 0; i < 2000; i++) cache.set(`old${i}`, 'v'); // grows the table before times exist
    cache.set('timed', 'v', { ttl: 1, stale: 1 });
    for (let i = 0; i < 2000; i++) cache.set(`late${i}`, 'v', { ttl: 10 }); // grows the table after
    clock.now = 1_500;
    expect(cache.lookup('timed')).toMatchObject({ stale: true, age: 1.5 });
    clock.now = 2_000;
    expect(cache.get('timed')).toBeUndefined();
    expect(cache.get('old0')).toBe('v');
    expect(cache.lookup('old1999')).toEqual({ value: 'v', stale: false, freshFor: Infinity, age: 2, now: expect.any(Number) });
    expect(cache.lookup('late1999')).toMatchObject({ stale: false, freshFor: 8 });
    clock.now = 10_000;
    expect(cache.get('late0')).toBeUndefined();
    expect(cache.get('old1')).toBe('v');
  });

  it('a slot reused after a timed entry left does not inherit its ttl', () => {
    const clock = { now: 0 };
    const cache = new L1Cache<string>({ maxEntries: 10, clock: () => clock.now });
    cache.set('a', 'v', { ttl: 1 });
    cache.delete('a');
    cache.set('b', 'v'); // takes a's slot
    clock.now = 5_000;
    expect(cache.get('b')).toBe('v');
  });

  it('counts whole bytes: a fractional size is rounded up, and bytes returns to 0', () => {
    const cache = new L1Cache<string>({ maxBytes: 100 });
    cache.set('a', 'x', { size: 2.5 });
    cache.set('b', 'x', { size: 0.1 });
    expect(cache.bytes).toBe(4);
    cache.set('a', 'y', { size: 7.2 });
    expect(cache.bytes).toBe(9);
    cache.delete('a');
    cache.delete('b');
    expect(cache.bytes).toBe(0);
  });

  it('refuses an entry of 4 GiB or more (sizes are 32-bit), even without a byte bound', () => {
    const cache = new L1Cache<string>({ maxEntries: 10 });
    expect(cache.set('big', 'x', { size: 2 ** 32 })).toBe(false);
    expect(cache.set('ok', 'x', { size: 2 ** 32 - 1 })).toBe(true);
    expect(cache.stats().rejected).toBe(1);
    expect(cache.bytes).toBe(2 ** 32 - 1);
  });
});

describe('32-bit times', () => {
  const DAY = 86_400_000;

  it('moves its time origin after 37 days, dropping as expired only entries set before the new origin', () => {
    let now = 0;
    const evicted: string[] = [];
    const cache = new L1Cache<string>({ maxEntries: 100, clock: () => now, onEvict: (k, _v, reason) => evicted.push(`${k}:${reason}`) });
    cache.set('old', 'v'); // no ttl
    now = 30 * DAY;
    cache.set('recent', 'v');
    cache.set('timed', 'v', { ttl: 10 * 86_400, stale: 60 });
    now = 37.5 * DAY;
    expect(evicted).toEqual([]);
    cache.set('trigger', 'v'); // 37.5 days past the origin: rebase, new origin 12.4 days before now
    expect(evicted).toEqual(['old:expired']);
    expect(cache.lookup('recent')).toMatchObject({ value: 'v', stale: false, age: 7.5 * 86_400 });
    now = 40 * DAY - 1;
    expect(cache.lookup('timed')).toMatchObject({ stale: false, freshFor: 0.001, age: 10 * 86_400 - 0.001 });
    now = 40 * DAY;
    expect(cache.get('timed')).toBeUndefined();
    expect(cache.lookup('timed')).toMatchObject({ stale: true, freshFor: 0 });
    now = 40 * DAY + 60_000;
    expect(cache.lookup('timed')).toBeUndefined();
    // Several rebases later the entries set since are still dated to the millisecond.
    for (let day = 41; day < 200; day++) {
      now = day * DAY + 123;
      cache.set(`day${day}`, 'v', { ttl: 86_401 });
      if (day > 41) expect(cache.lookup(`day${day - 1}`)).toMatchObject({ stale: false, freshFor: 1, age: 86_400 });
    }
  });

  it('moves its origin once when an onEvict listener stores while old entries are dropped', () => {
    let now = 0;
    const cache: L1Cache<string> = new L1Cache<string>({
      maxEntries: 100,
      clock: () => now,
      onEvict: (key, _v, reason) => {
        if (reason === 'expired') cache.set(`again:${key}`, 'v');
      },
    });
    cache.set('old1', 'v');
    cache.set('old2', 'v');
    now = 30 * DAY;
    cache.set('recent', 'v');
    now = 37.5 * DAY;
    cache.set('trigger', 'v');
    expect(cache.has('old1') || cache.has('old2')).toBe(false);
    expect(cache.lookup('recent')).toMatchObject({ age: 7.5 * 86_400 });
    expect(cache.lookup('again:old1')).toMatchObject({ age: 0 });
    now += 1000;
    expect(cache.lookup('trigger')).toMatchObject({ age: 1 });
    expect(cache.lookup('again:old2')).toMatchObject({ age: 1 });
  });

  it('shortens a ttl beyond the 32-bit range instead of lengthening it, and never understates an age', () => {
    let now = 0.7;
    const cache = new L1Cache<string>({ maxEntries: 10, clock: () => now });
    cache.set('long', 'v', { ttl: 100 * 86_400 });
    now = 49 * DAY;
    expect(cache.get('long')).toBe('v');
    now = 50 * DAY; // past 2^32 ms from the origin: the clamped end has passed
    expect(cache.get('long')).toBeUndefined();
    now = 1000.9;
    cache.set('a', 'v', { ttl: 5 });
    now = 2000;
    const found = cache.lookup('a')!;
    expect(found.age).toBeGreaterThanOrEqual((2000 - 1000.9) / 1000);
    expect(found.age).toBeLessThan((2000 - 1000.9) / 1000 + 0.001);
    expect(found.freshFor).toBeLessThanOrEqual((6000.9 - 2000) / 1000);
  });
});

describe('a clock that is not running', () => {
  it('counts times from the first finite reading, and refuses to store while the clock reads non-finite', () => {
    let now = -Infinity;
    const cache = new L1Cache<string>({ maxEntries: 10, clock: () => now });
    expect(cache.set('early', 'v')).toBe(false);
    expect(cache.stats().rejected).toBe(1);
    now = 1.7e12; // a log's clock: epoch milliseconds
    expect(cache.set('a', 'v', { ttl: 10 })).toBe(true);
    now += 9_999;
    expect(cache.lookup('a')).toMatchObject({ stale: false, age: 9.999 });
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    now = Number.NaN;
    expect(cache.set('a', 'w')).toBe(false);
    expect(cache.peek('a')).toBeUndefined();
  });
});
