import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { createPrometheusObserver } from '@cachegen/runtime/prometheus';
import { parseExposition, summarizeEndpoints } from '../../generator/ops/index.js';

const namespace = `metrics-test-${process.pid}`;
const quiet = { warn() {}, info() {} };

describe('the Prometheus observer on a real two-tier cache', () => {
  const caches: Cache[] = [];
  afterAll(async () => {
    await caches[0]?.clear();
    await Promise.all(caches.map((c) => c.close()));
  });

  it('reports misses, L1 and L2 hits, origin calls, invalidations and L1 gauges', async () => {
    const redis = inject('redisUrl');
    const observer = createPrometheusObserver();
    const a = createCache({ namespace, observer, l2: { redis }, logger: quiet, l1: { maxBytes: 1 << 20 } });
    const b = createCache({ namespace, observer, l2: { redis }, logger: quiet });
    caches.push(a, b);
    observer.trackL1(a.l1!, 'a');
    // Each cache flushes its L1 once its invalidation bus is listening: wait for both flushes first.
    const flushes = async () => Number(/^cachegen_bus_messages_total\{event="flush"\} (\S+)$/m.exec(await observer.registry.metrics())?.[1] ?? 0);
    for (let i = 0; i < 500 && (await flushes()) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    for (const cache of [a, b]) await cache.fetch('warm-up', async () => 0, { ttl: 60, endpoint: 'warmUp' });
    let loads = 0;
    const loader = async () => { loads++; return { id: 1, name: 'lamp' }; };
    const options = { ttl: 60, endpoint: 'getProduct', tags: ['product:1'] };

    expect((await a.fetch('product:1', loader, options)).status).toBe('miss');
    expect((await a.fetch('product:1', loader, options)).tier).toBe('l1');
    expect((await a.getOrSet('product:1', loader, options)).name).toBe('lamp');
    expect((await b.fetch('product:1', loader, options)).tier).toBe('l2');
    expect(loads).toBe(1);

    const text = await observer.registry.metrics();
    const count = (labels: string) => Number(new RegExp(`^cachegen_requests_total\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(count('endpoint="getProduct",result="miss",tier="origin"')).toBe(1);
    expect(count('endpoint="getProduct",result="hit",tier="l1"')).toBe(2);
    expect(count('endpoint="getProduct",result="hit",tier="l2"')).toBe(1);
    expect(text).toMatch(/^cachegen_origin_duration_seconds_count\{endpoint="getProduct"\} 1$/m);
    expect(text).toMatch(/^cachegen_l1_entries\{cache="a"\} 2$/m);
    expect(text).toMatch(/^cachegen_l1_max_bytes\{cache="a"\} 1048576$/m);
    const bytes = Number(/^cachegen_l1_bytes\{cache="a"\} (\S+)$/m.exec(text)?.[1]);
    expect(bytes).toBeGreaterThan(0);

    // Invalidation drops the entry from this L1: counted by source, as an eviction, and in the gauges.
    await a.invalidateTags(['product:1']);
    const after = await observer.registry.metrics();
    expect(after).toMatch(/^cachegen_invalidations_total\{source="api"\} 1$/m);
    expect(after).toMatch(/^cachegen_evictions_total\{tier="l1",reason="deleted"\} 1$/m);
    expect(after).toMatch(/^cachegen_l1_entries\{cache="a"\} 1$/m);

    const row = summarizeEndpoints(parseExposition(text)).find((r) => r.endpoint === 'getProduct');
    expect(row).toMatchObject({ endpoint: 'getProduct', requests: 4, hitRate: 0.75 });
    expect(row!.weightedMissCost).toBeGreaterThan(0);
  });
});
