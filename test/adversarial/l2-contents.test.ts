/**
 * Bad bytes in Redis (#9 of the trust issue, and the same class beyond it): an entry that
 * cannot be decoded is a miss — counted, deleted, answered by the loader — never an error;
 * a tag stamp or clear floor that is not a number refuses the entries it guards.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { countingObserver, uniqueNamespace } from '../cache/helpers.js';
import { cleanUp } from './support.js';

const redisUrl = inject('redisUrl');
const raw = new Redis(redisUrl);
const open: Cache[] = [];
const namespaces: string[] = [];

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await cleanUp(raw, { namespaces });
  raw.disconnect();
});

function instance() {
  const namespace = uniqueNamespace('adv-l2');
  namespaces.push(namespace);
  const observer = countingObserver();
  const cache = createCache({ namespace, observer, l1: false, bus: false, l2: { redis: redisUrl } });
  open.push(cache);
  const prefix = `${namespace}:{${namespace}#0}:`;
  return { cache, observer, entryKey: (key: string) => `${prefix}e:${key}`, stampKey: (tag: string) => `${prefix}t:${tag}`, floorKey: `${prefix}clear` };
}

/** A version-1 envelope header: flags, then the five times (ms), then the tag count. */
function header({ flags = 0, fresh = Date.now() + 600_000, tagCount = 0 } = {}): Buffer {
  const out = Buffer.alloc(44);
  out[0] = 1;
  out[1] = flags;
  out.writeDoubleBE(Date.now(), 2);
  out.writeDoubleBE(fresh, 10);
  out.writeDoubleBE(fresh, 18);
  out.writeDoubleBE(fresh, 26);
  out.writeDoubleBE(0, 34);
  out.writeUInt16BE(tagCount, 42);
  return out;
}

const corrupt: Array<{ name: string; bytes: Buffer }> = [
  { name: 'a deflated value that is not deflate data', bytes: Buffer.concat([header({ flags: 1 }), Buffer.from('definitely not deflate')]) },
  { name: 'a truncated header', bytes: Buffer.from([1, 0, 0, 0, 0]) },
  { name: 'another envelope version', bytes: Buffer.concat([Buffer.from([9]), header().subarray(1), Buffer.from([0, 0x7b, 0x7d])]) },
  { name: 'a tag list longer than the entry', bytes: Buffer.concat([header({ tagCount: 3 }), Buffer.from([0, 50, 0x61])]) },
  { name: 'times that are not numbers', bytes: Buffer.concat([header({ fresh: Number.NaN }), Buffer.from([1, 0x31])]) },
  { name: 'unknown flags', bytes: Buffer.concat([header({ flags: 0x80 }), Buffer.from([1, 0x31])]) },
  { name: 'a value its codec cannot decode', bytes: Buffer.concat([header(), Buffer.from([1]), Buffer.from('{not json')]) },
  { name: 'an unknown codec marker', bytes: Buffer.concat([header(), Buffer.from([77, 1, 2])]) },
];

describe('#9 a corrupt L2 entry answers 500 until its TTL', () => {
  it.each(corrupt)('$name: a miss, counted and deleted, never an error', async ({ bytes }) => {
    const { cache, observer, entryKey } = instance();
    await raw.set(entryKey('k'), bytes, 'PX', 600_000);
    const got = await cache.fetch('k', async () => 'from origin', { ttl: 60, cacheable: () => false });
    expect(got).toMatchObject({ value: 'from origin', tier: 'origin' });
    expect(observer.counts.get('eviction:l2:corrupt')).toBe(1);
    expect(await raw.exists(entryKey('k'))).toBe(0);
    // Stored normally afterwards.
    await cache.fetch('k', async () => 'stored', { ttl: 60 });
    expect(await cache.fetch('k', async () => 'again', { ttl: 60 })).toMatchObject({ value: 'stored', tier: 'l2' });
  });
});

describe('#9 (beyond) counters that are not numbers', () => {
  it.each([
    { name: 'a tag stamp', key: (i: ReturnType<typeof instance>) => i.stampKey('product:1') },
    { name: 'the clear floor', key: (i: ReturnType<typeof instance>) => i.floorKey },
  ])('$name that is not a number refuses the entries it guards', async ({ key }) => {
    const i = instance();
    const opts = { ttl: 600, tags: ['product:1'] };
    await i.cache.fetch('p', async () => 'old', opts);
    expect(await i.cache.fetch('p', async () => 'x', opts)).toMatchObject({ tier: 'l2', value: 'old' });
    await raw.set(key(i), 'garbage');
    expect(await i.cache.fetch('p', async () => 'new', opts)).toMatchObject({ tier: 'origin', value: 'new' });
  });
});

describe('#9 (beyond) a Redis that lost its data (restarted empty, flushed, epoch evicted)', () => {
  async function dropAll(namespace: string, keep: (key: string) => boolean = () => false) {
    const keys = (await raw.keys(`${namespace}:*`)).filter((k) => !keep(k));
    if (keys.length) await raw.del(...keys);
  }

  it('a value loaded across the loss is not stored with an epoch no later stamp can beat', async () => {
    const i = instance();
    for (let n = 0; n < 5; n++) await i.cache.invalidateTags(['warm-up']);
    const namespace = i.entryKey('').split(':{')[0]!;
    let release!: (v: string) => void;
    const started = new Promise<void>((loading) => {
      void i.cache.getOrSet('k', () => { loading(); return new Promise<string>((r) => { release = r; }); }, { ttl: 600, tags: ['product:1'] });
    });
    await started;
    await dropAll(namespace);
    release('old');
    await new Promise((r) => setTimeout(r, 50)); // let its write reach Redis
    await i.cache.invalidateTags(['product:1']);
    expect(await i.cache.fetch('k', async () => 'new', { ttl: 600, tags: ['product:1'] })).toMatchObject({ value: 'new', tier: 'origin' });
  });

  it('an entry whose epoch is above its shard epoch (the epoch was lost) is refused', async () => {
    const i = instance();
    for (let n = 0; n < 5; n++) await i.cache.invalidateTags(['warm-up']);
    await i.cache.fetch('k', async () => 'old', { ttl: 600, tags: ['product:1'] });
    const namespace = i.entryKey('').split(':{')[0]!;
    await dropAll(namespace, (key) => key === i.entryKey('k'));
    await i.cache.invalidateTags(['product:1']);
    expect(await i.cache.fetch('k', async () => 'new', { ttl: 600, tags: ['product:1'] })).toMatchObject({ value: 'new', tier: 'origin' });
  });
});

describe('#9 (beyond) a value L2 cannot hold', () => {
  it('more tags than an envelope holds: returned uncached, never thrown', async () => {
    const { cache } = instance();
    const tags = Array.from({ length: 70_000 }, (_, n) => `t${n}`);
    expect(await cache.getOrSet('many', async () => 'v', { ttl: 60, tagsFrom: () => tags })).toBe('v');
  });

  it('a ttl of ten thousand years is stored (its Redis PX capped), not refused by Redis', async () => {
    const { cache } = instance();
    await cache.getOrSet('long', async () => 'v', { ttl: 10_000 * 365 * 86_400 });
    expect(await cache.fetch('long', async () => 'again', { ttl: 60 })).toMatchObject({ tier: 'l2', value: 'v' });
  });
});
