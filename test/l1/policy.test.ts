import { describe, expect, it } from 'vitest';
import { L1Cache } from '@cachegen/runtime';
import { HillClimber } from '../../runtime/l1/climber.js';
import { defaultTinyLfuSettings, type TinyLfuSettings } from '../../runtime/l1/tinylfu.js';

const key = (i: number): string => `GET /api/v1/products/${i}?lang=en`;

/** Reads the key and stores it on a miss, as a read-through cache does; true on a hit. */
function access(cache: L1Cache<string>, k: string): boolean {
  if (cache.get(k) !== undefined) return true;
  cache.set(k, 'body');
  return false;
}

describe('W-TinyLFU policy', () => {
  it('keeps a frequent key over a long stream of one-hit keys (LRU loses it)', () => {
    const results: Record<string, boolean> = {};
    for (const policy of ['tinylfu', 'lru'] as const) {
      const cache = new L1Cache<string>({ maxEntries: 100, policy });
      for (let i = 0; i < 20; i++) access(cache, 'hot');
      // 300 distinct keys between two reads of the hot key: three times the capacity.
      let hotHits = 0;
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 300; i++) access(cache, key(round * 1000 + i));
        if (access(cache, 'hot')) hotHits++;
      }
      results[policy] = hotHits === 10;
      if (policy === 'lru') expect(hotHits).toBe(0);
    }
    expect(results).toEqual({ tinylfu: true, lru: false });
  });

  it('survives a scan: the working set is still there after a sequential pass over 10x the capacity', () => {
    const hitsAfterScan: Record<string, number> = {};
    for (const policy of ['tinylfu', 'lru'] as const) {
      const cache = new L1Cache<string>({ maxEntries: 200 });
      const lruCache = new L1Cache<string>({ maxEntries: 200, policy: 'lru' });
      const c = policy === 'lru' ? lruCache : cache;
      for (let pass = 0; pass < 5; pass++) for (let i = 0; i < 100; i++) access(c, key(i));
      for (let i = 0; i < 2000; i++) access(c, key(10_000 + i));
      let hits = 0;
      for (let i = 0; i < 100; i++) if (c.peek(key(i)) !== undefined) hits++;
      hitsAfterScan[policy] = hits;
    }
    expect(hitsAfterScan.tinylfu).toBeGreaterThanOrEqual(95);
    expect(hitsAfterScan.lru).toBe(0);
  });

  it('beats LRU on a skewed workload with a churning tail', () => {
    // Deterministic skew: key i is requested with weight ~ 1/(i+1), cycled in a fixed pseudo-random order.
    let seed = 42;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const trace: string[] = [];
    for (let n = 0; n < 60_000; n++) {
      const r = next();
      trace.push(r < 0.5 ? key(Math.floor(next() * 300)) : key(1000 + Math.floor(next() * 50_000)));
    }
    const ratio = (policy: 'tinylfu' | 'lru'): number => {
      const cache = new L1Cache<string>({ maxEntries: 300, policy });
      let hits = 0;
      for (const k of trace) if (access(cache, k)) hits++;
      return hits / trace.length;
    };
    const tinylfu = ratio('tinylfu');
    const lru = ratio('lru');
    expect(tinylfu).toBeGreaterThan(lru + 0.1);
  });

  it('grows the admission window when the workload is recency-heavy, and keeps it small when it is frequency-heavy', () => {
    const windowAfter = (trace: (n: number) => string): number => {
      const cache = new L1Cache<string>({ maxEntries: 200 });
      for (let n = 0; n < 100_000; n++) access(cache, trace(n));
      return cache.stats().window!.maximum;
    };
    const initialWindow = new L1Cache({ maxEntries: 200 }).stats().window!.maximum;
    // Recency: each key is read three times within 60 requests, then never again (a sliding working set).
    const recency = windowAfter((n) => key(Math.floor(n / 3) - (n % 3) * 10));
    // Frequency: a fixed hot set of 150 keys mixed with one-hit keys.
    const frequency = windowAfter((n) => (n % 2 === 0 ? key((n * 7919) % 150) : key(1_000_000 + n)));
    expect(recency).toBeGreaterThan(10 * initialWindow);
    expect(frequency).toBeLessThan(recency);
  });

  it.each([
    // A moving working set: each request reads one of the 1,000 keys after n/20 (LRU hit 4 points more before the shadow).
    ['a moving working set', 500, (n: number, r: number) => Math.floor(n / 20) + Math.floor(r * 1000)],
    // Each new key read three times, 20-40 requests apart, then never again (LRU hit 3.8 points more).
    ['keys read again soon after, then never', 200, (n: number) => Math.floor(n / 3) - (n % 3) * (20 + (Math.floor(n / 3) % 20))],
  ])('on %s, hits within 1 point of LRU: the shadow LRU widens the window past the protected share', (_, capacity, pick) => {
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const trace = Array.from({ length: 200_000 }, (_, n) => key(pick(n, random())));
    const ratio = (policy: 'tinylfu' | 'lru'): { hits: number; window: number } => {
      const cache = new L1Cache<string>({ maxEntries: capacity, policy });
      let hits = 0;
      for (const k of trace) if (access(cache, k)) hits++;
      return { hits: hits / trace.length, window: cache.stats().window?.maximum ?? 0 };
    };
    const tinylfu = ratio('tinylfu');
    expect(tinylfu.hits).toBeGreaterThanOrEqual(ratio('lru').hits - 0.01);
    // Hill climbing alone could not take more than protected's share (80% of the main region).
    expect(tinylfu.window).toBeGreaterThan(capacity * 0.8);
  });

  it('on a moving working set as wide as the cache, the window passes 90% of it within 15,000 requests (#15)', () => {
    // 2,000 keys wide, one new key per 5 requests, cache of 2,000 entries: LRU's ground. The
    // boost grows with the shadow's lead (a 10-point lead widens by 40% at once), where a
    // fixed 15% per period took 23,800 requests to get there and hit 8.6 points less than LRU.
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const trace = Array.from({ length: 60_000 }, (_, n) => key(Math.floor(n / 5) + Math.floor(random() * 2_000)));
    const cache = new L1Cache<string>({ maxEntries: 2_000 });
    const lru = new L1Cache<string>({ maxEntries: 2_000, policy: 'lru' });
    let hits = 0;
    let lruHits = 0;
    let reached = -1;
    trace.forEach((k, n) => {
      if (access(cache, k)) hits++;
      if (access(lru, k)) lruHits++;
      if (reached < 0 && n % 100 === 0 && cache.stats().window!.maximum > 0.9 * 2_000) reached = n;
    });
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThanOrEqual(15_000);
    expect(hits / trace.length).toBeGreaterThanOrEqual(lruHits / trace.length - 0.02);
  });

  it('on a frequency-biased workload the shadow LRU never fires: the window moves exactly as without it', () => {
    // A skewed hot set of 300 keys under a stream of one-hit keys: W-TinyLFU's ground.
    const windows = (settings: TinyLfuSettings): number[] => {
      let seed = 42;
      const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const cache = new L1Cache<string>({ maxEntries: 300 }, settings);
      const out: number[] = [];
      for (let n = 0; n < 60_000; n++) {
        access(cache, next() < 0.5 ? key(Math.floor(300 / (1 + next() * 299))) : key(1000 + n));
        if (n % 100 === 0) out.push(cache.stats().window!.maximum);
      }
      return out;
    };
    const withShadow = windows(defaultTinyLfuSettings);
    expect(withShadow).toEqual(windows({ ...defaultTinyLfuSettings, shadowBoost: 0 }));
    expect(Math.max(...withShadow)).toBeLessThan(300 * 0.25);
  });

  it('the hill climber does not undo a jump of the window: after headUp() one sample only sets the reference', () => {
    const climber = new HillClimber(1_000, 100, { stepFraction: 0.05, decay: 1, restartThreshold: 1, warmup: 0, firstDirection: -1 });
    const sample = (hitRate: number): number => {
      let done = false;
      for (let i = 0; i < 100; i++) done = i < hitRate * 100 ? climber.recordHit() : climber.recordMiss();
      expect(done).toBe(true);
      return climber.adjust();
    };
    expect(sample(0.5)).toBe(-50); // the first step shrinks (firstDirection)
    for (let i = 0; i < 60; i++) climber.recordHit(); // a sample in progress when the window jumps...
    climber.headUp(); // ...is dropped
    // The jump's transition dips the hit rate: no reversal, only a new reference.
    expect(sample(0.3)).toBe(0);
    expect(sample(0.4)).toBe(50); // better than the new reference: grow on
    expect(sample(0.35)).toBe(-50); // worse: reverse
  });

  it('with maxBytes, an admitted big entry evicts several small ones and the byte bound holds throughout', () => {
    const cache = new L1Cache<Buffer>({ maxBytes: 10_000 });
    for (let i = 0; i < 5_000; i++) {
      const k = `k${i % 700}`;
      if (cache.get(k) === undefined) cache.set(k, Buffer.alloc(i % 97 === 0 ? 2_000 : 40));
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.stats().evictions.size).toBeGreaterThan(0);
  });
});
