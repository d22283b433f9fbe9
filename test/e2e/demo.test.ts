/** What `npm run demo` reports and leaves behind: server-side times from the metrics, and no Redis keys. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startCatalog } from '../../examples/catalog/app.js';
import { deleteNamespace } from '../../examples/catalog/namespace.js';
import { serverTimes, TrafficReport } from '../../examples/catalog/report.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

async function keysOf(namespace: string): Promise<string[]> {
  return redis.keys(`${namespace}:*`);
}

describe('the demo', () => {
  it('reads server-side hit and miss times from the metrics: a hit in microseconds, a miss as long as its origin', async () => {
    // 20 ms per origin lookup; L1 hits are timed one in 64, so 300 requests give a few timed ones.
    const catalog = await startCatalog({ costs: { lookup: 20, query: 20, aggregate: 20 } });
    try {
      for (let i = 0; i < 300; i++) await fetch(`${catalog.url}/flags`).then((r) => r.arrayBuffer());
      const times = serverTimes(await catalog.metrics.registry.metrics()).get('getFeatureFlags');
      // Quantiles come from histogram buckets: the 20 ms miss lies in (10 ms, 25 ms].
      expect(times?.miss).toBeGreaterThan(0.01);
      expect(times?.hit).toBeLessThan(0.001);

      const report = new TrafficReport();
      report.record('getFeatureFlags', 'miss', 25, true);
      report.record('getFeatureFlags', 'hit', 2, true);
      const row = report.table(new Map([['getFeatureFlags', times!]])).split('\n').find((line) => line.startsWith('getFeatureFlags'));
      expect(row).toMatch(/^getFeatureFlags\s+2\s+50\.0%\s+\d+µs\s+\d+\.\dms\s+2\.0ms\s+2\.0ms\s+25\.0ms\s+25\.0ms\s+12\.5ms$/);
    } finally {
      await catalog.close();
    }
  });

  it('deletes every key of its namespace from Redis at exit, and no other', async () => {
    const namespace = `demo-test-${randomUUID()}`;
    const neighbour = `${namespace}-neighbour:kept`;
    await redis.set(neighbour, '1');
    const catalog = await startCatalog({ redisUrl: inject('redisUrl'), namespace, costs: { lookup: 0, query: 0, aggregate: 0 } });
    await fetch(`${catalog.url}/products/7`).then((r) => r.arrayBuffer());
    const put = await fetch(`${catalog.url}/products/7`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Lamp', priceCents: 100, category: 'tools' }) });
    expect(put.status).toBe(200);
    await catalog.close();
    const left = await keysOf(namespace);
    expect(left.length).toBeGreaterThan(1); // an entry, the shard epoch, the tag stamps of the PUT

    expect(await deleteNamespace(inject('redisUrl'), namespace)).toBe(left.length);
    expect(await keysOf(namespace)).toEqual([]);
    expect(await redis.get(neighbour)).toBe('1');
    await redis.del(neighbour);
  });
});
