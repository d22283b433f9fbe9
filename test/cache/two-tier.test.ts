/** Two cache instances on one real Redis: L2 fills, tags, the race, the lease, the bus. */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache, type CreateCacheOptions } from '@cachegen/runtime';
import { UNTIMED } from '../../runtime/metrics/observer.js';
import { countingObserver, deferred, manualClock, uniqueNamespace, until } from './helpers.js';

const redisUrl = inject('redisUrl');
const raw = new Redis(redisUrl);
const open: Cache[] = [];
const namespaces: string[] = [];

/**
 * Two instances of one fresh namespace, once their bus (if any) is subscribed: its first flush is
 * behind them. Commands time out after 5 s, not 250 ms: nothing here tests a timeout, and on a
 * loaded machine a timed-out lease or write made an instance load or miss on its own.
 */
async function pair(options: Partial<CreateCacheOptions> = {}) {
  const namespace = uniqueNamespace('two-tier');
  namespaces.push(namespace);
  const clock = manualClock();
  const make = () => {
    const observer = countingObserver();
    const cache = createCache({ namespace, clock: clock.now, observer, l1: { maxEntries: 10_000 }, l2: { redis: redisUrl, commandTimeoutMs: 5_000 }, ...options });
    open.push(cache);
    return { cache, observer };
  };
  const a = make();
  const b = make();
  if (options.bus !== false) {
    await until(() => [a, b].every((x) => (x.observer.counts.get('bus:flush') ?? 0) >= 1), 'the bus subscriptions');
  }
  return { namespace, clock, a, b };
}

/** Resolves once both instances of the pair are subscribed to the namespace's bus channel. */
async function busReady(namespace: string): Promise<void> {
  await until(async () => {
    const [, n] = (await raw.pubsub('NUMSUB', `${namespace}:bus`)) as [string, number];
    return Number(n) >= 2;
  }, 'bus subscriptions');
}

/** Kills the bus connections of one namespace (and only those: the Redis is shared with other test files). */
async function killBusConnections(namespace: string): Promise<number> {
  const list = String(await raw.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  const ids = list.split('\n').filter((line) => line.includes(` name=${namespace}:bus `)).map((line) => /id=(\d+)/.exec(line)![1]!);
  for (const id of ids) await raw.client('KILL', 'ID', id);
  return ids.length;
}

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  for (const ns of namespaces) {
    const keys = await raw.keys(`${ns}:*`);
    if (keys.length) await raw.del(...keys);
  }
  raw.disconnect();
});

describe('L2', () => {
  it('fills the other instance from L2, then serves it from its L1', async () => {
    const { a, b } = await pair();
    let calls = 0;
    const loader = async () => ({ id: 1, calls: ++calls });
    expect(await a.cache.fetch('k', loader, { ttl: 60 })).toMatchObject({ status: 'miss', tier: 'origin' });
    expect(await b.cache.fetch('k', loader, { ttl: 60 })).toMatchObject({ status: 'hit', tier: 'l2', value: { id: 1, calls: 1 } });
    expect(await b.cache.fetch('k', loader, { ttl: 60 })).toMatchObject({ status: 'hit', tier: 'l1' });
    expect(calls).toBe(1);
  });

  it('keeps bytes as bytes and decides freshness from the stored times and the injected clock', async () => {
    const { a, b, clock } = await pair();
    let n = 0;
    const loader = async () => Buffer.from(`body-${++n}`);
    await a.cache.getOrSet('bytes', loader, { ttl: 10, swr: 100 });
    clock.advance(11_000);
    const got = await b.cache.fetch('bytes', loader, { ttl: 10, swr: 100 });
    expect(got).toMatchObject({ status: 'stale', tier: 'l2' });
    expect(Buffer.isBuffer(got.value) && got.value.toString()).toBe('body-1');
    await until(async () => (await b.cache.fetch('bytes', loader, { ttl: 10, swr: 100 })).status === 'hit', 'the refresh');
    expect(n).toBe(2);
  });

  it('shared: false never touches Redis', async () => {
    const { a, namespace } = await pair();
    await a.cache.getOrSet('private', async () => 'mine', { ttl: 60, shared: false });
    expect(await a.cache.get('private')).toBe('mine');
    expect(await raw.keys(`${namespace}:*e:private`)).toEqual([]);
  });

  it('compresses large values above compressAbove and reads them back', async () => {
    const { a, b, namespace } = await pair({ l2: { redis: redisUrl, compressAbove: 1024 } });
    const big = { text: 'abc'.repeat(10_000) };
    await a.cache.set('big', big, { ttl: 60 });
    const [key] = await raw.keys(`${namespace}:*e:big`);
    expect(await raw.strlen(key!)).toBeLessThan(2_000);
    expect(await b.cache.get('big')).toEqual(big);
  });
});

describe('tags across instances', () => {
  it('invalidating a tag drops it from L2 and from the other instance\'s L1', async () => {
    const { a, b, namespace } = await pair();
    await busReady(namespace);
    let n = 0;
    const loader = async () => `v${++n}`;
    const opts = { ttl: 60, tags: ['product:1'] };
    await a.cache.getOrSet('p1', loader, opts);
    await b.cache.getOrSet('p1', loader, opts);
    await b.cache.getOrSet('other', async () => 'x', { ttl: 60, tags: ['product:2'] });
    expect(await b.cache.fetch('p1', loader, opts)).toMatchObject({ tier: 'l1', value: 'v1' });
    await a.cache.invalidateTags(['product:1']);
    await until(() => (b.observer.counts.get('bus:received') ?? 0) >= 1, 'the bus message');
    expect(await b.cache.fetch('p1', loader, opts)).toMatchObject({ status: 'miss', value: 'v2' });
    expect(await b.cache.fetch('other', async () => 'y', { ttl: 60 })).toMatchObject({ tier: 'l1', value: 'x' });
    expect(a.observer.counts.get('bus:received')).toBeUndefined(); // its own message is ignored
  });

  it.each([
    { name: 'request tags', opts: { tags: ['product:9'] } },
    { name: 'response-derived tags', opts: { tagsFrom: (v: { ids: number[] }) => v.ids.map((id) => `product:${id}`) } },
  ])('the race: an invalidation during a slow loader never leaves its result servable ($name)', async ({ opts }) => {
    const { a, b, namespace } = await pair();
    await busReady(namespace);
    const slow = deferred<{ ids: number[]; v: string }>();
    let calls = 0;
    const loader = () => (++calls === 1 ? slow.promise : Promise.resolve({ ids: [9], v: 'new' }));
    const first = a.cache.getOrSet('list', loader, { ttl: 60, ...opts });
    await until(() => calls === 1, 'the loader to start');
    await b.cache.invalidateTags(['product:9']);
    await until(() => (a.observer.counts.get('bus:received') ?? 0) >= 1, 'the bus message');
    slow.resolve({ ids: [9], v: 'old' });
    expect((await first).v).toBe('old');
    expect((await b.cache.getOrSet('list', loader, { ttl: 60, ...opts })).v).toBe('new');
    expect((await a.cache.getOrSet('list', loader, { ttl: 60, ...opts })).v).toBe('new');
    expect(calls).toBe(2);
  });

  it('the race without the bus: Redis alone refuses the outdated write', async () => {
    const { a, b } = await pair({ bus: false });
    const slow = deferred<string>();
    let calls = 0;
    const loader = () => (++calls === 1 ? slow.promise : Promise.resolve('new'));
    const first = a.cache.getOrSet('k', loader, { ttl: 60, tags: ['t'] });
    await until(() => calls === 1, 'the loader to start');
    await b.cache.invalidateTags(['t']);
    slow.resolve('old');
    await first;
    expect(await b.cache.getOrSet('k', loader, { ttl: 60, tags: ['t'] })).toBe('new');
  });
});

describe('the L2 read (one MGET of entry, epoch, clear floor and the stamps of the tags passed)', () => {
  it('reads no stamps for tags it did not know while the shard has seen no invalidation since the entry was loaded', async () => {
    const { a, b, namespace, clock } = await pair({ bus: false });
    let n = 0;
    const loader = async () => ({ ids: [7], n: ++n });
    await a.cache.getOrSet('k', loader, { ttl: 60, tagsFrom: (v) => v.ids.map((id) => `derived:${id}`) });
    const client = new Redis(redisUrl);
    let mgets = 0;
    const mgetBuffer = client.mgetBuffer.bind(client);
    client.mgetBuffer = ((...args: Parameters<typeof mgetBuffer>) => { mgets++; return mgetBuffer(...args); }) as typeof client.mgetBuffer;
    const noL1 = createCache({ namespace, clock: clock.now, l1: false, bus: false, l2: { redis: client } });
    open.push(noL1);
    try {
      expect(await noL1.fetch('k', loader, { ttl: 60 })).toMatchObject({ tier: 'l2', value: { n: 1 } });
      expect(mgets).toBe(1);
      // Any invalidation in the shard moves its epoch: from then on the unknown tag's stamp is read.
      await b.cache.invalidateTags(['unrelated']);
      expect(await noL1.fetch('k', loader, { ttl: 60 })).toMatchObject({ tier: 'l2', value: { n: 1 } });
      expect(mgets).toBe(3);
      await b.cache.invalidateTags(['derived:7']);
      expect(await noL1.fetch('k', loader, { ttl: 60 })).toMatchObject({ tier: 'origin', value: { n: 2 } });
    } finally {
      await noL1.close();
      client.disconnect();
    }
  });

  it('checks tags the caller did not pass with a second read of their stamps', async () => {
    const { a, b, namespace, clock } = await pair({ bus: false });
    let n = 0;
    const loader = async () => ({ ids: [5], n: ++n });
    await a.cache.getOrSet('k', loader, { ttl: 60, tags: ['known:1'], tagsFrom: (v) => v.ids.map((id) => `derived:${id}`) });
    const noL1 = createCache({ namespace, clock: clock.now, l1: false, bus: false, l2: { redis: redisUrl } });
    open.push(noL1);
    expect(await noL1.fetch('k', loader, { ttl: 60, tags: ['known:1'] })).toMatchObject({ tier: 'l2', value: { n: 1 } });
    expect(await noL1.fetch('k', loader, { ttl: 60 })).toMatchObject({ tier: 'l2', value: { n: 1 } });
    await b.cache.invalidateTags(['derived:5']);
    expect(await noL1.fetch('k', loader, { ttl: 60, tags: ['known:1'] })).toMatchObject({ tier: 'origin', value: { n: 2 } });
    await b.cache.invalidateTags(['known:1']);
    expect(await noL1.fetch('k', loader, { ttl: 60 })).toMatchObject({ tier: 'origin', value: { n: 3 } });
    await b.cache.clear();
    expect(await noL1.fetch('k', loader, { ttl: 60, tags: ['known:1'] })).toMatchObject({ tier: 'origin', value: { n: 4 } });
  });

  it('with an observer, fresh L1 hits are counted and one in 64 is timed; L2 hits and misses are always timed', async () => {
    const { namespace } = await pair({ bus: false });
    const seen: { result: string; tier: string; seconds: number }[] = [];
    const observer = { ...countingObserver(), request: (_e: string, result: string, tier: string, seconds: number) => { seen.push({ result, tier, seconds }); } };
    const cache = createCache({ namespace, observer, bus: false, l1: { maxEntries: 100 }, l2: { redis: redisUrl } });
    open.push(cache);
    const other = createCache({ namespace, bus: false, l1: false, l2: { redis: redisUrl } });
    open.push(other);
    await other.set('warm', 'w', { ttl: 60 });
    expect(await cache.getOrSet('cold', async () => 'c', { ttl: 60 })).toBe('c');
    expect(await cache.getOrSet('warm', async () => 'x', { ttl: 60 })).toBe('w');
    const originalNow = performance.now;
    let clockReads = 0;
    performance.now = () => { clockReads++; return originalNow.call(performance); };
    try {
      for (let i = 0; i < 64; i++) {
        expect(await cache.getOrSet('cold', async () => 'x', { ttl: 60 })).toBe('c');
        expect(await cache.fetch('warm', async () => 'x', { ttl: 60 })).toMatchObject({ tier: 'l1', status: 'hit' });
      }
    } finally {
      performance.now = originalNow;
    }
    expect(seen.slice(0, 2).map((r) => `${r.result}:${r.tier}`)).toEqual(['miss:origin', 'hit:l2']);
    expect(seen[0]!.seconds).toBeGreaterThan(0);
    expect(seen[1]!.seconds).toBeGreaterThan(0);
    const l1Hits = seen.slice(2);
    expect(l1Hits).toHaveLength(128);
    expect(l1Hits.every((r) => r.result === 'hit' && r.tier === 'l1')).toBe(true);
    // 128 lookups after the two above: the 64th and 128th lookups overall are timed, two reads each.
    const timed = l1Hits.filter((r) => r.seconds >= 0);
    expect(timed).toHaveLength(2);
    expect(l1Hits.filter((r) => r.seconds === UNTIMED)).toHaveLength(126);
    expect(clockReads).toBe(4);
  });
});

describe('stampede across instances', () => {
  it('500 concurrent getOrSet on a cold key over two instances call the loader once', async () => {
    const { a, b } = await pair();
    let calls = 0;
    const loader = async () => { calls++; await new Promise((r) => setImmediate(r)); return 'v'; };
    const all = await Promise.all(Array.from({ length: 500 }, (_, i) => (i % 2 ? a : b).cache.getOrSet('cold', loader, { ttl: 60 })));
    expect(all.every((v) => v === 'v')).toBe(true);
    expect(calls).toBe(1);
  });

  it('a waiter loads itself when the lease owner fails', async () => {
    const { a, b } = await pair();
    const ownerGate = deferred<string>();
    let aCalls = 0;
    const ownerRun = a.cache.getOrSet('k', () => { aCalls++; return ownerGate.promise; }, { ttl: 60 });
    await until(() => aCalls === 1, 'the owner to load');
    const waiter = b.cache.getOrSet('k', async () => 'from-b', { ttl: 60 });
    ownerGate.reject(new Error('owner failed'));
    await expect(ownerRun).rejects.toThrow('owner failed');
    expect(await waiter).toBe('from-b');
  });
});

describe('the bus', () => {
  it('delete and clear reach the other instance', async () => {
    const { a, b, namespace } = await pair();
    await busReady(namespace);
    await a.cache.set('x', 1, { ttl: 60 });
    await a.cache.set('y', 2, { ttl: 60 });
    expect(await b.cache.get('x')).toBe(1);
    expect(await b.cache.get('y')).toBe(2);
    await a.cache.delete('x');
    await until(() => (b.observer.counts.get('bus:received') ?? 0) >= 1, 'delete message');
    expect(await b.cache.get('x')).toBeUndefined();
    await a.cache.clear();
    await until(() => (b.observer.counts.get('bus:received') ?? 0) >= 2, 'clear message');
    expect(await b.cache.get('y')).toBeUndefined();
    expect(await a.cache.get('y')).toBeUndefined();
  });

  it('a sequence gap flushes L1', async () => {
    const { a, namespace } = await pair();
    await busReady(namespace);
    await a.cache.set('k', 1, { ttl: 60, shared: false });
    const ch = `${namespace}:bus`;
    await raw.publish(ch, JSON.stringify({ p: 'peer', s: 1, m: { type: 'delete', keys: ['nothing'] } }));
    await until(() => (a.observer.counts.get('bus:received') ?? 0) >= 1, 'first message');
    expect(await a.cache.get('k')).toBe(1);
    await raw.publish(ch, JSON.stringify({ p: 'peer', s: 3, m: { type: 'delete', keys: ['nothing'] } }));
    await until(() => (a.observer.counts.get('bus:gap') ?? 0) >= 1, 'the gap');
    expect(await a.cache.get('k')).toBeUndefined();
  });

  it('CLIENT KILL of the subscriber between invalidations: no stale value after it reconnects', async () => {
    const { a, b, namespace } = await pair();
    await busReady(namespace);
    let n = 0;
    const loader = async () => `v${++n}`;
    const opts = { ttl: 600, tags: ['cat:1'] };
    await a.cache.getOrSet('k', loader, opts);
    expect(await b.cache.getOrSet('k', loader, opts)).toBe('v1');
    expect(await killBusConnections(namespace)).toBe(2);
    await a.cache.invalidateTags(['cat:1']); // published while B's subscriber is (probably) gone
    await until(() => (b.observer.counts.get('bus:gap') ?? 0) >= 1, 'the reconnect');
    expect(await b.cache.getOrSet('k', loader, opts)).toBe('v2');
    expect(await a.cache.getOrSet('k', loader, opts)).toBe('v2');
  });
});

describe('large entries (read with the same single MGET as any entry)', () => {
  it.each([
    { name: 'few tags', tags: ['big:1'] },
    { name: 'a tag list longer than the checked prefix', tags: ['big:1', ...Array.from({ length: 200 }, (_, i) => `filler-tag-${i}-${'x'.repeat(20)}`)] },
  ])('are served whole and obey their tags ($name)', async ({ tags }) => {
    const { a, b, namespace, clock } = await pair();
    const big = (n: number) => Buffer.alloc(64 * 1024, n);
    let n = 0;
    const loader = async () => big(++n);
    await a.cache.getOrSet('big', loader, { ttl: 60, tags });
    const got = await b.cache.fetch('big', loader, { ttl: 60, tags });
    expect(got.tier).toBe('l2');
    expect(Buffer.compare(got.value, big(1))).toBe(0);
    await a.cache.invalidateTags(['big:1']);
    await until(() => (b.observer.counts.get('bus:received') ?? 0) >= 1, 'the bus message');
    const after = await b.cache.fetch('big', loader, { ttl: 60, tags });
    expect(after.tier).toBe('origin');
    expect(Buffer.compare(after.value, big(2))).toBe(0);
    // Without L1, every read is the one MGET of the entry with its stamps.
    const noL1 = createCache({ namespace, clock: clock.now, l1: false, bus: false, l2: { redis: redisUrl } });
    open.push(noL1);
    for (let i = 0; i < 2; i++) {
      const again = await noL1.fetch('big', loader, { ttl: 60, tags });
      expect(again.tier).toBe('l2');
      expect(Buffer.compare(again.value, big(2))).toBe(0);
    }
    await a.cache.invalidateTags(['big:1']);
    expect((await noL1.fetch('big', loader, { ttl: 60, tags })).tier).toBe('origin');
  });
});
