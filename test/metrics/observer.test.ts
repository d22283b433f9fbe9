import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { DEFAULT_HIT_BUCKETS } from '@cachegen/runtime';
import { createPrometheusObserver, OVERFLOW_ENDPOINT, type PrometheusObserverOptions } from '@cachegen/runtime/prometheus';

type Json = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** A fresh observer with a manual clock (milliseconds). */
function setup(options: PrometheusObserverOptions = {}) {
  const time = { ms: 1_000_000 };
  const observer = createPrometheusObserver({ clock: () => time.ms, ...options });
  return { observer, time, json: async () => observer.registry.getMetricsAsJSON() };
}

function value(metrics: Json, name: string, labels: Record<string, string | number>): number | undefined {
  const metric = metrics.find((m) => m.name === name);
  const found = metric?.values.find((v) => {
    const actual = v as { labels: Record<string, unknown>; metricName?: string };
    return Object.entries(labels).every(([k, want]) => String(actual.labels[k]) === String(want));
  });
  return found?.value;
}

function histogramValue(metrics: Json, name: string, series: string, labels: Record<string, string | number>): number | undefined {
  const metric = metrics.find((m) => m.name === name);
  const found = metric?.values.find((v) => {
    const actual = v as { labels: Record<string, unknown>; metricName?: string };
    return actual.metricName === series && Object.entries(labels).every(([k, want]) => String(actual.labels[k]) === String(want))
      && (labels.le !== undefined || actual.labels.le === undefined);
  });
  return found?.value;
}

describe('createPrometheusObserver: requests', () => {
  it.each([
    { result: 'hit', tier: 'l1' },
    { result: 'hit', tier: 'l2' },
    { result: 'stale', tier: 'l1' },
    { result: 'miss', tier: 'origin' },
    { result: 'bypass', tier: 'origin' },
  ] as const)('counts $result from $tier under its own labels', async ({ result, tier }) => {
    const { observer, json } = setup();
    observer.request('getProduct', result, tier, 0.000_01);
    observer.request('getProduct', result, tier, 0.000_01);
    observer.request('listProducts', 'hit', 'l1', 0.000_01);
    const metrics = await json();
    expect(value(metrics, 'cachegen_requests_total', { endpoint: 'getProduct', result, tier })).toBe(2);
    expect(value(metrics, 'cachegen_requests_total', { endpoint: 'listProducts', result: 'hit', tier: 'l1' })).toBe(1);
    const total = metrics.find((m) => m.name === 'cachegen_requests_total')!.values.reduce((sum, v) => sum + v.value, 0);
    expect(total).toBe(3);
  });

  it('ignores unknown result or tier kinds instead of throwing', async () => {
    const { observer, json } = setup();
    observer.request('getProduct', 'weird' as never, 'l1', 1);
    observer.request('getProduct', 'hit', 'l9' as never, 1);
    const metrics = await json();
    expect(metrics.find((m) => m.name === 'cachegen_requests_total')!.values).toEqual([]);
  });
});

describe('createPrometheusObserver: histograms', () => {
  it('resolves microsecond hits into separate buckets, per tier', async () => {
    const { observer, json } = setup();
    observer.request('getProduct', 'hit', 'l1', 0.000_000_8); // <= 1 µs
    observer.request('getProduct', 'hit', 'l1', 0.000_003); // <= 5 µs
    observer.request('getProduct', 'stale', 'l1', 0.000_003);
    observer.request('getProduct', 'hit', 'l2', 0.002); // <= 2.5 ms
    const metrics = await json();
    const name = 'cachegen_hit_duration_seconds';
    expect(histogramValue(metrics, name, `${name}_bucket`, { endpoint: 'getProduct', tier: 'l1', le: 0.000_001 })).toBe(1);
    expect(histogramValue(metrics, name, `${name}_bucket`, { endpoint: 'getProduct', tier: 'l1', le: 0.000_002_5 })).toBe(1);
    expect(histogramValue(metrics, name, `${name}_bucket`, { endpoint: 'getProduct', tier: 'l1', le: 0.000_005 })).toBe(3);
    expect(histogramValue(metrics, name, `${name}_bucket`, { endpoint: 'getProduct', tier: 'l1', le: '+Inf' })).toBe(3);
    expect(histogramValue(metrics, name, `${name}_count`, { endpoint: 'getProduct', tier: 'l2' })).toBe(1);
    expect(histogramValue(metrics, name, `${name}_bucket`, { endpoint: 'getProduct', tier: 'l2', le: 0.001 })).toBe(0);
    expect(histogramValue(metrics, name, `${name}_bucket`, { endpoint: 'getProduct', tier: 'l2', le: 0.002_5 })).toBe(1);
    expect(histogramValue(metrics, name, `${name}_sum`, { endpoint: 'getProduct', tier: 'l1' })).toBeCloseTo(0.000_006_8, 12);
    expect(DEFAULT_HIT_BUCKETS[0]).toBe(0.000_001);
  });

  it('records miss answer time and origin calls (with failures) separately', async () => {
    const { observer, json } = setup();
    observer.request('getProduct', 'miss', 'origin', 0.03);
    observer.request('getProduct', 'miss', 'origin', 0.2);
    observer.origin('getProduct', 0.03, true);
    observer.origin('getProduct', 0.5, false);
    observer.origin('getProduct', 0.6, false);
    const metrics = await json();
    const miss = 'cachegen_miss_duration_seconds';
    expect(histogramValue(metrics, miss, `${miss}_count`, { endpoint: 'getProduct' })).toBe(2);
    expect(histogramValue(metrics, miss, `${miss}_sum`, { endpoint: 'getProduct' })).toBeCloseTo(0.23, 10);
    expect(histogramValue(metrics, miss, `${miss}_bucket`, { endpoint: 'getProduct', le: 0.05 })).toBe(1);
    const origin = 'cachegen_origin_duration_seconds';
    expect(histogramValue(metrics, origin, `${origin}_count`, { endpoint: 'getProduct' })).toBe(3);
    expect(value(metrics, 'cachegen_origin_errors_total', { endpoint: 'getProduct' })).toBe(2);
  });

  it.each([
    { buckets: { hit: [] }, message: /buckets\.hit must be a non-empty array/ },
    { buckets: { miss: [0.1, 0.05] }, message: /buckets\.miss\[1\] is 0\.05/ },
    { buckets: { hit: [0, 1] }, message: /buckets\.hit\[0\] is 0/ },
  ])('rejects bad buckets naming the option: $buckets', ({ buckets, message }) => {
    expect(() => createPrometheusObserver({ buckets })).toThrow(message);
  });
});

describe('createPrometheusObserver: weighted miss cost', () => {
  it('is miss rate × mean miss latency over the window, and forgets what slid out', async () => {
    const { observer, time, json } = setup({ windowSeconds: 10 });
    // 8 hits and 2 misses of 0.1 s and 0.3 s: miss rate 0.2 × mean 0.2 s = 0.04 s per request.
    for (let i = 0; i < 8; i++) observer.request('getProduct', 'hit', 'l1', 0.000_01);
    observer.request('getProduct', 'miss', 'origin', 0.1);
    time.ms += 4_000;
    observer.request('getProduct', 'miss', 'origin', 0.3);
    observer.request('getProduct', 'bypass', 'origin', 5); // not cacheable: not in the rate
    expect(observer.weightedMissCost('getProduct')).toBeCloseTo(0.04, 12);
    expect(value(await json(), 'cachegen_weighted_miss_cost_seconds', { endpoint: 'getProduct' })).toBeCloseTo(0.04, 12);

    // 7 s later the first second (8 hits + the 0.1 s miss) has left the 10 s window.
    time.ms += 7_000;
    expect(observer.weightedMissCost('getProduct')).toBeCloseTo(0.3, 12);
    // Ten quiet seconds later nothing is left: the cost is zero, not NaN.
    time.ms += 10_000;
    expect(value(await json(), 'cachegen_weighted_miss_cost_seconds', { endpoint: 'getProduct' })).toBe(0);
  });

  it('keeps endpoints apart and survives a clock stepping back', () => {
    const { observer, time } = setup({ windowSeconds: 5 });
    observer.request('a', 'miss', 'origin', 1);
    observer.request('b', 'hit', 'l1', 0.000_01);
    time.ms -= 3_000;
    observer.request('a', 'hit', 'l1', 0.000_01);
    expect(observer.weightedMissCost('a')).toBeCloseTo(0.5, 12);
    expect(observer.weightedMissCost('b')).toBe(0);
    expect(observer.weightedMissCost('never-seen')).toBe(0);
  });

  it.each([0, 1.5, -3])('rejects windowSeconds %s', (windowSeconds) => {
    expect(() => createPrometheusObserver({ windowSeconds })).toThrow(/windowSeconds is .*whole number of seconds >= 1/);
  });
});

describe('createPrometheusObserver: cardinality', () => {
  it('folds endpoints past maxEndpoints into "other"', async () => {
    const { observer, json } = setup({ maxEndpoints: 3 });
    for (let i = 0; i < 10; i++) observer.request(`op${i}`, 'hit', 'l1', 0.000_01);
    observer.request('op0', 'hit', 'l1', 0.000_01);
    const metrics = await json();
    const endpoints = new Set(metrics.find((m) => m.name === 'cachegen_requests_total')!.values.map((v) => v.labels.endpoint));
    expect([...endpoints].sort()).toEqual(['op0', 'op1', 'op2', OVERFLOW_ENDPOINT].sort());
    expect(value(metrics, 'cachegen_requests_total', { endpoint: OVERFLOW_ENDPOINT })).toBe(7);
    expect(value(metrics, 'cachegen_requests_total', { endpoint: 'op0' })).toBe(2);
  });

  it('caps free-form small labels (eviction reasons) too', async () => {
    const { observer, json } = setup();
    for (let i = 0; i < 100; i++) observer.eviction('l1', `reason-${i}`);
    const values = (await json()).find((m) => m.name === 'cachegen_evictions_total')!.values;
    expect(values.length).toBeLessThanOrEqual(33);
    expect(values.reduce((s, v) => s + v.value, 0)).toBe(100);
  });
});

describe('createPrometheusObserver: the other signals', () => {
  it('counts evictions, L2 errors, circuit state, bus, CDC and invalidations', async () => {
    const { observer, json } = setup();
    observer.eviction('l1', 'size');
    observer.eviction('l1', 'size');
    observer.eviction('l1', 'expired');
    observer.eviction('l2', 'deleted');
    observer.l2Error('get');
    observer.circuit('open');
    observer.bus('received');
    observer.bus('gap');
    observer.cdcEvent('postgres', 0.25);
    observer.cdcEvent('postgres');
    observer.invalidation('cdc', 3);
    observer.invalidation('api', 1);
    const m = await json();
    expect(value(m, 'cachegen_evictions_total', { tier: 'l1', reason: 'size' })).toBe(2);
    expect(value(m, 'cachegen_evictions_total', { tier: 'l1', reason: 'expired' })).toBe(1);
    expect(value(m, 'cachegen_evictions_total', { tier: 'l2', reason: 'deleted' })).toBe(1);
    expect(value(m, 'cachegen_l2_errors_total', { operation: 'get' })).toBe(1);
    expect(value(m, 'cachegen_l2_circuit_state', {})).toBe(2);
    expect(value(m, 'cachegen_bus_messages_total', { event: 'gap' })).toBe(1);
    expect(value(m, 'cachegen_cdc_events_total', { feed: 'postgres' })).toBe(2);
    expect(value(m, 'cachegen_cdc_lag_seconds', { feed: 'postgres' })).toBe(0.25);
    expect(value(m, 'cachegen_invalidations_total', { source: 'cdc' })).toBe(1);
    expect(value(m, 'cachegen_invalidated_tags_total', { source: 'cdc' })).toBe(3);
    observer.circuit('closed');
    expect(value(await json(), 'cachegen_l2_circuit_state', {})).toBe(0);
  });

  it('reads L1 gauges at scrape time, skipping a broken cache', async () => {
    const { observer, json } = setup();
    const stats = { entries: 3, bytes: 300, maxBytes: 1024 };
    observer.trackL1({ stats: () => stats }, 'products');
    observer.trackL1({ stats: () => { throw new Error('boom'); } }, 'broken');
    let m = await json();
    expect(value(m, 'cachegen_l1_entries', { cache: 'products' })).toBe(3);
    expect(value(m, 'cachegen_l1_max_bytes', { cache: 'products' })).toBe(1024);
    expect(value(m, 'cachegen_l1_bytes', { cache: 'broken' })).toBeUndefined();
    stats.entries = 7;
    stats.bytes = 700;
    m = await json();
    expect(value(m, 'cachegen_l1_entries', { cache: 'products' })).toBe(7);
    expect(value(m, 'cachegen_l1_bytes', { cache: 'products' })).toBe(700);
  });

  it('uses the registry it is given, with a custom prefix, and refuses a second observer on it', async () => {
    const registry = new Registry();
    const observer = createPrometheusObserver({ registry, prefix: 'shop_' });
    observer.request('getProduct', 'hit', 'l1', 0.000_01);
    const text = await registry.metrics();
    expect(text).toContain('shop_requests_total{endpoint="getProduct",result="hit",tier="l1"} 1');
    expect(text).toContain('# TYPE shop_hit_duration_seconds histogram');
    expect(() => createPrometheusObserver({ registry, prefix: 'shop_' })).toThrow(/already holds shop_requests_total/);
    expect(() => createPrometheusObserver({ prefix: '9bad' })).toThrow(/prefix "9bad" is not a valid Prometheus metric name prefix/);
  });
});

describe('createPrometheusObserver: never throws on the request path', () => {
  it('keeps counting when the injected clock throws, and ignores bad durations in histograms', async () => {
    const observer = createPrometheusObserver({ clock: () => { throw new Error('clock broke'); } });
    expect(() => observer.request('getProduct', 'hit', 'l1', Number.NaN)).not.toThrow();
    expect(() => observer.request('getProduct', 'miss', 'origin', -1)).not.toThrow();
    expect(() => observer.origin('getProduct', Number.POSITIVE_INFINITY, true)).not.toThrow();
    // The scrape still works: the window's gauge is left out, everything else is there.
    const metrics = await observer.registry.getMetricsAsJSON();
    expect(metrics.find((m) => m.name === 'cachegen_requests_total')!.values.reduce((s, v) => s + v.value, 0)).toBe(2);
    expect(metrics.find((m) => m.name === 'cachegen_hit_duration_seconds')!.values).toEqual([]);
    expect(metrics.find((m) => m.name === 'cachegen_weighted_miss_cost_seconds')!.values).toEqual([]);
  });
});
