/**
 * The chaos run, short: two instances on one private Redis under reads, writes, CDC and
 * Redis failures (test/support/chaos.ts). The full run is `npm run chaos`.
 */
import { describe, expect, inject, it } from 'vitest';
import { runChaos } from '../support/chaos.js';

describe('chaos (short)', () => {
  it('0 failed requests, 0 stale reads beyond the bound, 0 cross-identity answers, no invalidation lost, while Redis fails every way', async () => {
    const figures = await runChaos({ databaseUrl: inject('databaseUrl'), durationMs: 9_000, readers: 6 });
    expect(figures.examples).toEqual([]);
    const { failed, staleBeyondBound, crossIdentity, privateEntriesInRedis, lostInvalidations, staleAtEnd } = figures;
    expect({ failed, staleBeyondBound, crossIdentity, privateEntriesInRedis, lostInvalidations, staleAtEnd })
      .toEqual({ failed: 0, staleBeyondBound: 0, crossIdentity: 0, privateEntriesInRedis: 0, lostInvalidations: 0, staleAtEnd: 0 });
    // It did run: traffic, confirmed invalidations, and every kind of failure at least once.
    expect(figures.reads).toBeGreaterThan(500);
    expect(figures.confirmedInvalidations).toBeGreaterThan(20);
    expect(Object.keys(figures.actions)).toHaveLength(5);
  }, 90_000);
});
