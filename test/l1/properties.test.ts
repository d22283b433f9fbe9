import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { L1Cache } from '@cachegen/runtime';

/** One operation of a random program run against the cache and a simple model. */
type Op =
  | { kind: 'set'; key: string; value: string; ttl?: number; stale?: number }
  | { kind: 'get' | 'lookup' | 'peek' | 'has' | 'delete'; key: string }
  | { kind: 'advance'; ms: number }
  | { kind: 'clear' };

const keyArb = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `GET /api/v1/products/${i}?lang=en`));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key: keyArb, value: fc.string({ maxLength: 40 }), ttl: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), stale: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }) }, { requiredKeys: ['kind', 'key', 'value'] }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'lookup' as const, 'peek' as const, 'has' as const, 'delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

interface ModelEntry { value: string; freshUntil: number; expireAt: number; setAt: number }

/** The obviously-correct cache with no bound: a Map and a clock. */
class Model {
  readonly entries = new Map<string, ModelEntry>();
  now = 0;
  live(key: string): ModelEntry | undefined {
    const e = this.entries.get(key);
    if (e && this.now >= e.expireAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
  fresh(key: string): ModelEntry | undefined {
    const e = this.live(key);
    return e && this.now < e.freshUntil ? e : undefined;
  }
}

describe.each(['tinylfu', 'lru'] as const)('L1Cache properties (%s)', (policy) => {
  it('agrees with a Map-and-clock model for get/lookup/peek/has/set/delete/expiry when nothing is evicted', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const model = new Model();
        const cache = new L1Cache<string>({ maxEntries: 1000, policy, clock: () => model.now });
        for (const op of ops) {
          switch (op.kind) {
            case 'set': {
              expect(cache.set(op.key, op.value, { ttl: op.ttl, stale: op.stale })).toBe(true);
              const freshUntil = op.ttl === undefined ? Infinity : model.now + op.ttl * 1000;
              const expireAt = op.ttl === undefined ? Infinity : freshUntil + (op.stale ?? 0) * 1000;
              model.entries.set(op.key, { value: op.value, freshUntil, expireAt, setAt: model.now });
              break;
            }
            case 'get': expect(cache.get(op.key)).toBe(model.fresh(op.key)?.value); break;
            case 'peek': expect(cache.peek(op.key)).toBe(model.fresh(op.key)?.value); break;
            case 'has': expect(cache.has(op.key)).toBe(model.fresh(op.key) !== undefined); break;
            case 'lookup': {
              const e = model.live(op.key);
              const found = cache.lookup(op.key);
              if (!e) expect(found).toBeUndefined();
              else expect(found).toEqual({ value: e.value, stale: model.now >= e.freshUntil, freshFor: e.freshUntil === Infinity ? Infinity : (e.freshUntil - model.now) / 1000, age: (model.now - e.setAt) / 1000, now: model.now });
              break;
            }
            case 'delete': {
              const e = model.live(op.key);
              expect(cache.delete(op.key)).toBe(e !== undefined);
              model.entries.delete(op.key);
              break;
            }
            case 'advance': model.now += op.ms; break;
            case 'clear': cache.clear(); model.entries.clear(); break;
          }
          const liveKeys = [...model.entries.keys()].filter((k) => model.live(k)).sort();
          expect([...cache.keys()].sort()).toEqual(liveKeys);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps both bounds after any sequence, never returns a value it was not last given, and counts entries/bytes right', () => {
    const boundsArb = fc.record({ maxEntries: fc.integer({ min: 1, max: 8 }), maxBytes: fc.integer({ min: 40, max: 300 }), maxEntryBytes: fc.integer({ min: 30, max: 80 }) });
    fc.assert(
      fc.property(boundsArb, fc.array(opArb, { maxLength: 300 }), (bounds, ops) => {
        const model = new Model();
        const stored = new Map<string, number>(); // what the cache holds by its own account: key -> size
        const cache: L1Cache<string> = new L1Cache<string>({
          ...bounds,
          policy,
          clock: () => model.now,
          // An in-place overwrite reports the old value as 'replaced' while the key stays.
          onEvict: (key, _value, reason) => {
            if (reason !== 'replaced') stored.delete(key);
          },
        });
        for (const op of ops) {
          switch (op.kind) {
            case 'set': {
              const size = Buffer.byteLength(op.key) + Buffer.byteLength(op.value);
              const fits = size <= bounds.maxEntryBytes && size <= bounds.maxBytes;
              if (fits) stored.set(op.key, size); // evictions during set() take it out again
              const accepted = cache.set(op.key, op.value, { ttl: op.ttl, stale: op.stale });
              if (!accepted) stored.delete(op.key);
              expect(accepted).toBe(size <= bounds.maxEntryBytes && size <= bounds.maxBytes);
              const freshUntil = op.ttl === undefined ? Infinity : model.now + op.ttl * 1000;
              const expireAt = op.ttl === undefined ? Infinity : freshUntil + (op.stale ?? 0) * 1000;
              if (accepted) model.entries.set(op.key, { value: op.value, freshUntil, expireAt, setAt: model.now });
              else model.entries.delete(op.key);
              break;
            }
            case 'get': case 'peek': {
              const got = op.kind === 'get' ? cache.get(op.key) : cache.peek(op.key);
              if (got !== undefined) expect(got).toBe(model.fresh(op.key)?.value);
              break;
            }
            case 'has': if (cache.has(op.key)) expect(model.fresh(op.key)).toBeDefined(); break;
            case 'lookup': {
              const found = cache.lookup(op.key);
              if (found) expect(found.value).toBe(model.live(op.key)?.value);
              break;
            }
            case 'delete': cache.delete(op.key); model.entries.delete(op.key); break;
            case 'advance': model.now += op.ms; break;
            case 'clear': cache.clear(); model.entries.clear(); break;
          }
          expect(cache.size).toBeLessThanOrEqual(bounds.maxEntries);
          expect(cache.bytes).toBeLessThanOrEqual(bounds.maxBytes);
          expect(cache.stats().entries).toBe(cache.size);
          if (op.kind === 'set' || op.kind === 'delete' || op.kind === 'clear') {
            expect(cache.size).toBe(stored.size);
            expect(cache.bytes).toBe([...stored.values()].reduce((a, b) => a + b, 0));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
