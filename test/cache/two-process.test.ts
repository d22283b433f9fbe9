/** The bus between two processes: this test process and a child running fixtures/bus-peer.ts. */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache } from '@cachegen/runtime';
import { startBusPeer } from '../support/bus-peer.js';
import { countingObserver, uniqueNamespace, until } from './helpers.js';

const redisUrl = inject('redisUrl');
const namespace = uniqueNamespace('two-process');

const observer = countingObserver();
const local = createCache({ namespace, observer, l1: { maxEntries: 1000 }, l2: { redis: redisUrl } });
const peer = startBusPeer(redisUrl, namespace);
afterAll(async () => {
  await local.close();
  if (peer.child.exitCode === null) peer.child.kill();
});

describe('the bus across two processes', () => {
  it('invalidations travel both ways, and the child exits on its own after close()', async () => {
    await until(async () => ((await peer.call({ op: 'counts' })) as Record<string, number>).flush! >= 1, 'the child to subscribe', 20_000);
    await until(() => (observer.counts.get('bus:flush') ?? 0) >= 1, 'this process to subscribe');
    expect(await peer.call({ op: 'getOrSet', key: 'k', value: 'v1', tags: ['product:1'] })).toBe('v1');
    expect(await local.fetch('k', async () => 'local', { ttl: 600, tags: ['product:1'] })).toMatchObject({ value: 'v1', tier: 'l2' });
    expect(await peer.call({ op: 'fetch', key: 'k', value: 'x', tags: ['product:1'] })).toEqual({ value: 'v1', tier: 'l1' });

    await local.invalidateTags(['product:1']);
    await until(async () => ((await peer.call({ op: 'counts' })) as Record<string, number>).received === 1, 'the child to hear it');
    expect(await peer.call({ op: 'fetch', key: 'k', value: 'v2', tags: ['product:1'] })).toEqual({ value: 'v2', tier: 'origin' });

    expect(await local.fetch('k', async () => 'local', { ttl: 600, tags: ['product:1'] })).toMatchObject({ value: 'v2', tier: 'l2' });
    await peer.call({ op: 'invalidate', tags: ['product:1'] });
    await until(() => observer.counts.get('bus:received') === 1, 'this process to hear it');
    expect(await local.fetch('k', async () => 'v3', { ttl: 600, tags: ['product:1'] })).toMatchObject({ value: 'v3', tier: 'origin' });

    await peer.call({ op: 'close' });
    peer.child.stdin!.end();
    expect(await peer.exited).toBe(0);
  });
});
