/**
 * Tag stamps in Redis (#18 of the trust issue): a stamp lives as long as an entry it could
 * refuse can exist (the longest entry lifetime of its shard, plus a grace for writes of values
 * loaded before it), never forever; a write too old for that grace is refused.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { noopObserver } from '../../runtime/metrics/observer.js';
import { RedisL2 } from '../../runtime/l2/store.js';
import { uniqueNamespace } from '../cache/helpers.js';
import { cleanUp } from './support.js';

/** The documented bounds (docs/two-tier.md, "Tag stamps expire"). */
const STAMP_GRACE_MS = 60_000;
const MAX_WRITE_AGE_MS = 30_000;

const redisUrl = inject('redisUrl');
const raw = new Redis(redisUrl);
const open: Array<{ close(): Promise<void> }> = [];
const namespaces: string[] = [];

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await cleanUp(raw, { namespaces });
  raw.disconnect();
});

function instance(): { cache: Cache; stampKey: (tag: string) => string; namespace: string } {
  const namespace = uniqueNamespace('adv-stamps');
  namespaces.push(namespace);
  const cache = createCache({ namespace, l1: false, bus: false, l2: { redis: redisUrl } });
  open.push(cache);
  return { cache, namespace, stampKey: (tag) => `${namespace}:{${namespace}#0}:t:${tag}` };
}

describe('#18 tag stamps live forever in Redis', () => {
  it('a stamp expires: its TTL is the longest entry lifetime in the shard (ttl + swr / staleIfError) plus the grace', async () => {
    const { cache, stampKey } = instance();
    await cache.set('short', 1, { ttl: 1, tags: ['a'] });
    await cache.set('long', 2, { ttl: 100, swr: 50, staleIfError: 20, tags: ['b'] });
    await cache.invalidateTags(['a', 'never-cached']);
    const longest = 150_000; // ttl 100 s + the longer of swr (50 s) and staleIfError (20 s)
    for (const tag of ['a', 'never-cached']) {
      const pttl = await raw.pttl(stampKey(tag));
      expect(pttl, tag).toBeGreaterThan(longest + STAMP_GRACE_MS - 5_000);
      expect(pttl, tag).toBeLessThanOrEqual(longest + STAMP_GRACE_MS);
    }
  });

  it('with no entry alive, a stamp lives only the grace', async () => {
    const { cache, stampKey } = instance();
    await cache.invalidateTags(['lonely']);
    const pttl = await raw.pttl(stampKey('lonely'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(STAMP_GRACE_MS);
  });

  it('many invalidated ids leave no stamp without a TTL', async () => {
    const { cache, namespace } = instance();
    await cache.set('x', 1, { ttl: 30, tags: ['product:1'] });
    await cache.invalidateTags(Array.from({ length: 500 }, (_, i) => `product:${i}`));
    const stamps = await raw.keys(`${namespace}:*:t:*`);
    expect(stamps).toHaveLength(500);
    const ttls = await Promise.all(stamps.map((k) => raw.pttl(k)));
    expect(ttls.filter((t) => t < 0)).toEqual([]);
  });

  it('the bound holds: a value whose epoch was read longer ago than the grace allows is not written', async () => {
    const namespace = uniqueNamespace('adv-stamps');
    namespaces.push(namespace);
    const l2 = new RedisL2({ redis: redisUrl }, { namespace, observer: noopObserver, logger: { warn() {} }, clock: Date.now });
    open.push(l2);
    const epoch = (await l2.read('k'))!.epoch;
    const envelope = Buffer.from([1]);
    expect(await l2.write('k', envelope, 60_000, epoch, performance.now() - MAX_WRITE_AGE_MS - 1_000, [])).toBe('refused');
    expect(await l2.write('k', envelope, 60_000, epoch, performance.now(), [])).toBe('stored');
  });
});
