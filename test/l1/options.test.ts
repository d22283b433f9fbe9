import { describe, expect, it } from 'vitest';
import { L1Cache, type L1Options } from '@cachegen/runtime';

describe('L1Cache options', () => {
  const bad: [string, L1Options<unknown>, RegExp][] = [
    ['no bound', {}, /maxEntries and\/or maxBytes/],
    ['zero maxEntries', { maxEntries: 0 }, /option maxEntries/],
    ['fractional maxEntries', { maxEntries: 1.5 }, /option maxEntries/],
    ['maxEntries past the largest cache', { maxEntries: 40_000_000 }, /option maxEntries must be an integer from 1 to 32000000/],
    ['negative maxBytes', { maxBytes: -1 }, /option maxBytes/],
    ['infinite maxBytes', { maxBytes: Infinity }, /option maxBytes/],
    ['NaN maxEntryBytes', { maxEntries: 10, maxEntryBytes: Number.NaN }, /option maxEntryBytes/],
    ['unknown policy', { maxEntries: 10, policy: 'lfu' as 'lru' }, /option policy/],
    ['clock not a function', { maxEntries: 10, clock: 5 as unknown as () => number }, /option clock/],
    ['sizeOf not a function', { maxEntries: 10, sizeOf: 'x' as unknown as () => number }, /option sizeOf/],
    ['onEvict not a function', { maxEntries: 10, onEvict: {} as unknown as () => void }, /option onEvict/],
  ];
  it.each(bad)('rejects %s, naming the option', (_, options, message) => {
    expect(() => new L1Cache(options)).toThrow(message);
  });

  const good: [string, L1Options<unknown>][] = [
    ['entries only', { maxEntries: 1 }],
    ['bytes only', { maxBytes: 1024 }],
    ['both, lru', { maxEntries: 5, maxBytes: 1024, policy: 'lru' }],
  ];
  it.each(good)('accepts %s', (_, options) => {
    const cache = new L1Cache(options);
    expect(cache.size).toBe(0);
    expect(cache.stats().policy).toBe(options.policy ?? 'tinylfu');
  });

  const badSet: [string, object, RegExp][] = [
    ['negative ttl', { ttl: -1 }, /ttl must be/],
    ['NaN ttl', { ttl: Number.NaN }, /ttl must be/],
    ['negative stale', { ttl: 1, stale: -2 }, /stale must be/],
    ['negative size', { size: -3 }, /size must be/],
  ];
  it.each(badSet)('set() rejects %s, naming the field', (_, options, message) => {
    const cache = new L1Cache<string>({ maxEntries: 10 });
    expect(() => cache.set('k', 'v', options)).toThrow(message);
  });

  it('set() with maxBytes refuses an unmeasurable value without an explicit size', () => {
    const cache = new L1Cache<object>({ maxBytes: 100 });
    expect(() => cache.set('k', { a: 1 })).toThrow(/pass \{ size \} to set\(\) or the sizeOf option/);
    expect(cache.set('k', { a: 1 }, { size: 10 })).toBe(true);
  });

  it('a sizeOf returning garbage is reported naming sizeOf', () => {
    const cache = new L1Cache<object>({ maxBytes: 100, sizeOf: () => Number.NaN });
    expect(() => cache.set('k', {})).toThrow(/option sizeOf returned NaN/);
  });
});
