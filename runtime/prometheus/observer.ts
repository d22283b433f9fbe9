/**
 * The Prometheus implementation of CacheObserver. The hit path bumps numbers in a
 * per-endpoint record found with one Map lookup (the "pre-bound child"); prom-client
 * turns them into series only when the registry is scraped.
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { requirePeer } from '../peer.js';
import type { CacheObserver, CacheResultKind, CacheTier, CircuitState, EdgePurgeOutcome, InvalidationSource } from '../metrics/observer.js';
import { DEFAULT_HIT_BUCKETS, DEFAULT_MISS_BUCKETS, HistogramCounts, assertBuckets } from '../metrics/histogram.js';
import { SlidingWindow } from '../metrics/window.js';
import { coarseNow } from '../metrics/coarse-clock.js';
import { CIRCUIT_STATE_VALUE, DEFAULT_METRIC_PREFIX, assertMetricPrefix, metricNames, type MetricNames } from '../metrics/names.js';
import { ScrapedMetric, histogramValues, type ScrapedValue } from './scraped.js';

/** prom-client, loaded when this subpath is: an app without metrics never loads it. */
const prom = requirePeer<typeof import('prom-client')>('prom-client');

/** What trackL1 reads at scrape time: the L1 cache's own counters. */
export interface L1StatsSource {
  stats(): { entries: number; bytes: number; maxBytes?: number | undefined; maxEntries?: number | undefined };
}

export interface PrometheusObserverOptions {
  /** Where the metrics are registered; default a new Registry (pass yours to serve them beside your own). */
  registry?: Registry;
  /** Prefix of every metric name; default `cachegen_`. */
  prefix?: string;
  /** Length of the weighted-miss-cost window in seconds; default 60. */
  windowSeconds?: number;
  /** Milliseconds since some epoch, like Date.now; tests inject their own. Default: Date.now read at most every 100 ms. */
  clock?: () => number;
  /** Histogram upper bounds in seconds. */
  buckets?: { hit?: readonly number[]; miss?: readonly number[] };
  /** Distinct `endpoint` label values kept; the rest are counted as `other`. Default 200. */
  maxEndpoints?: number;
}

export interface PrometheusObserver extends CacheObserver {
  readonly registry: Registry;
  /** Exports the entries, bytes and max bytes of an L1 cache as gauges labelled `cache="<name>"`, read at scrape time. */
  trackL1(l1: L1StatsSource, name?: string): void;
  /** Misses' answer time per request over the window (miss rate × mean miss latency), in seconds. */
  weightedMissCost(endpoint: string): number;
}

const RESULTS: readonly CacheResultKind[] = ['hit', 'stale', 'miss', 'bypass'];
const TIERS: readonly CacheTier[] = ['l1', 'l2', 'origin'];
const RESULT_INDEX: Readonly<Record<string, number>> = { hit: 0, stale: 1, miss: 2, bypass: 3 };
const TIER_INDEX: Readonly<Record<string, number>> = { l1: 0, l2: 1, origin: 2 };
const MISS = 2;
const BYPASS = 3;
/** The label value every endpoint past the cardinality cap is counted under. */
export const OVERFLOW_ENDPOINT = 'other';
/** Distinct values kept for the small, code-defined labels (reason, operation, ...). */
const MAX_SMALL_LABEL_VALUES = 32;

/** Everything recorded for one endpoint label. */
class EndpointSeries {
  /** Request counts indexed by result * TIERS.length + tier. */
  readonly requests = new Float64Array(RESULTS.length * TIERS.length);
  /** Hit (and stale) answer times, one histogram per tier. */
  readonly hits: HistogramCounts[];
  readonly misses: HistogramCounts;
  readonly origin: HistogramCounts;
  originErrors = 0;
  readonly window: SlidingWindow;

  constructor(hitBounds: readonly number[], missBounds: readonly number[], windowSeconds: number) {
    this.hits = TIERS.map(() => new HistogramCounts(hitBounds));
    this.misses = new HistogramCounts(missBounds);
    this.origin = new HistogramCounts(missBounds);
    this.window = new SlidingWindow(windowSeconds);
  }
}

/** Counter children for one varying label, created once per value and reused; past a cap, values count as `other`. */
class BoundCounter {
  private readonly children = new Map<string, Counter.Internal>();
  constructor(private readonly childFor: (value: string) => Counter.Internal) {}

  inc(value: string, by = 1): void {
    let child = this.children.get(value);
    if (!child) {
      const kept = this.children.size < MAX_SMALL_LABEL_VALUES ? value : OVERFLOW_ENDPOINT;
      child = this.children.get(kept) ?? this.childFor(kept);
      this.children.set(kept, child);
    }
    child.inc(by);
  }
}

/** A BoundCounter over a new counter with a single label. */
function singleLabelCounter(registry: Registry, name: string, help: string, label: string): BoundCounter {
  const counter = new prom.Counter({ name, help, labelNames: [label], registers: [registry] });
  return new BoundCounter((value) => counter.labels({ [label]: value }));
}

class PrometheusCacheObserver implements PrometheusObserver {
  readonly registry: Registry;
  private readonly names: MetricNames;
  private readonly clock: () => number;
  private readonly windowSeconds: number;
  private readonly maxEndpoints: number;
  private readonly hitBounds: readonly number[];
  private readonly missBounds: readonly number[];
  private readonly endpoints = new Map<string, EndpointSeries>();
  private readonly l1s = new Map<string, L1StatsSource>();
  private readonly evictionsByTier = new Map<string, BoundCounter>();
  private readonly evictions: Counter<'tier' | 'reason'>;
  private readonly l2Errors: BoundCounter;
  private readonly busMessages: BoundCounter;
  private readonly cdcEvents: BoundCounter;
  private readonly invalidations: BoundCounter;
  private readonly invalidatedTags: BoundCounter;
  private readonly circuitGauge: Gauge;
  private readonly cdcLag: Gauge<'feed'>;
  private readonly edgePurges: Counter<'adapter' | 'outcome'>;
  private readonly edgePurgeDuration: Histogram<'adapter'>;
  /** Adapter names seen, capped like the other small labels. */
  private readonly edgeAdapters = new Set<string>();

  constructor(options: PrometheusObserverOptions) {
    const prefix = options.prefix ?? DEFAULT_METRIC_PREFIX;
    assertMetricPrefix(prefix, 'createPrometheusObserver: prefix');
    this.windowSeconds = options.windowSeconds ?? 60;
    if (!Number.isInteger(this.windowSeconds) || this.windowSeconds < 1) {
      throw new Error(`createPrometheusObserver: windowSeconds is ${String(options.windowSeconds)}; it must be a whole number of seconds >= 1`);
    }
    this.maxEndpoints = options.maxEndpoints ?? 200;
    if (!Number.isInteger(this.maxEndpoints) || this.maxEndpoints < 1) {
      throw new Error(`createPrometheusObserver: maxEndpoints is ${String(options.maxEndpoints)}; it must be a whole number >= 1`);
    }
    this.hitBounds = options.buckets?.hit ?? DEFAULT_HIT_BUCKETS;
    this.missBounds = options.buckets?.miss ?? DEFAULT_MISS_BUCKETS;
    assertBuckets(this.hitBounds, 'createPrometheusObserver: buckets.hit');
    assertBuckets(this.missBounds, 'createPrometheusObserver: buckets.miss');
    this.clock = options.clock ?? coarseNow;
    this.registry = options.registry ?? new prom.Registry();
    this.names = metricNames(prefix);
    const existing = this.registry.getSingleMetric(this.names.requests);
    if (existing) {
      throw new Error(
        `createPrometheusObserver: the registry already holds ${this.names.requests}. Create one observer per registry and pass it to every cache (createCache({ observer })), or give this one another prefix.`,
      );
    }
    const registers = [this.registry];
    const n = this.names;

    new ScrapedMetric(n.requests, 'Requests answered, by endpoint (operationId), result (hit, stale, miss, bypass) and tier (l1, l2, origin).', 'counter', () => this.requestValues()).registerIn(this.registry);
    new ScrapedMetric(n.hitDuration, 'Time to answer a hit or stale hit, by endpoint and tier, in seconds.', 'histogram', () => this.hitValues()).registerIn(this.registry);
    new ScrapedMetric(n.missDuration, 'Time to answer a miss (the origin call included), by endpoint, in seconds.', 'histogram', () => this.seriesHistogram(n.missDuration, (s) => s.misses)).registerIn(this.registry);
    new ScrapedMetric(n.originDuration, 'Duration of origin (loader) calls, background refreshes included, by endpoint, in seconds.', 'histogram', () => this.seriesHistogram(n.originDuration, (s) => s.origin)).registerIn(this.registry);
    new ScrapedMetric(n.originErrors, 'Origin (loader) calls that failed, by endpoint.', 'counter', () => this.originErrorValues()).registerIn(this.registry);

    const observer = this;
    new prom.Gauge({
      name: n.weightedMissCost, help: `Seconds spent answering misses per request over the last ${this.windowSeconds} s (miss rate × mean miss latency), by endpoint.`,
      labelNames: ['endpoint'], registers,
      collect() {
        this.reset();
        let nowSecond: number;
        try { nowSecond = observer.nowSecond(); } catch { return; /* a broken clock must not break the scrape */ }
        for (const [endpoint, series] of observer.endpoints) this.set({ endpoint }, observer.costOf(series, nowSecond));
      },
    });
    this.evictions = new prom.Counter({ name: n.evictions, help: 'Entries that left a tier, by tier and reason (reason="size" before expiry means the tier is undersized).', labelNames: ['tier', 'reason'], registers });
    const trackedL1 = (name: string, help: string, pick: (stats: ReturnType<L1StatsSource['stats']>) => number | undefined) =>
      new prom.Gauge({
        name, help, labelNames: ['cache'], registers,
        collect() {
          this.reset();
          for (const [cache, l1] of observer.l1s) {
            let value: number | undefined;
            try { value = pick(l1.stats()); } catch { continue; /* a broken cache must not break the scrape */ }
            if (value !== undefined && Number.isFinite(value)) this.set({ cache }, value);
          }
        },
      });
    trackedL1(n.l1Entries, 'Entries held by the L1 cache.', (s) => s.entries);
    trackedL1(n.l1Bytes, 'Bytes held by the L1 cache.', (s) => s.bytes);
    trackedL1(n.l1MaxBytes, 'Byte budget of the L1 cache (l1_bytes / l1_max_bytes is its utilization).', (s) => s.maxBytes);
    trackedL1(n.l1MaxEntries, 'Entry budget of the L1 cache, when it has one.', (s) => s.maxEntries);
    this.l2Errors = singleLabelCounter(this.registry, n.l2Errors, 'Redis (L2) commands that failed or timed out, by operation.', 'operation');
    this.circuitGauge = new prom.Gauge({ name: n.l2CircuitState, help: 'State of the Redis circuit breaker: 0 closed (healthy), 1 half-open, 2 open (L2 bypassed).', registers });
    this.circuitGauge.set(0);
    this.busMessages = singleLabelCounter(this.registry, n.busMessages, 'Invalidation bus traffic, by event (published, received, gap, flush, publish-error, invalid).', 'event');
    this.cdcEvents = singleLabelCounter(this.registry, n.cdcEvents, 'Change events received from CDC feeds, by feed.', 'feed');
    this.cdcLag = new prom.Gauge({ name: n.cdcLag, help: 'Seconds between the commit of the latest change event and its arrival, by feed.', labelNames: ['feed'], registers });
    this.invalidations = singleLabelCounter(this.registry, n.invalidations, 'Invalidations, by source (api, mutation, cdc, bus).', 'source');
    this.invalidatedTags = singleLabelCounter(this.registry, n.invalidatedTags, 'Tags invalidated, by source (api, mutation, cdc, bus).', 'source');
    this.edgePurges = new prom.Counter({ name: n.edgePurges, help: 'Purge requests to edge caches, by adapter and outcome (sent: confirmed by the edge, failed, retried).', labelNames: ['adapter', 'outcome'], registers });
    this.edgePurgeDuration = new prom.Histogram({
      name: n.edgePurgeDuration, help: 'Seconds from invalidateTags to the edge confirming the purge, by adapter.', labelNames: ['adapter'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
  }

  request(endpoint: string, result: CacheResultKind, tier: CacheTier, seconds: number): void {
    try {
      const r = RESULT_INDEX[result];
      const t = TIER_INDEX[tier];
      if (r === undefined || t === undefined) return;
      const series = this.endpoints.get(endpoint) ?? this.seriesFor(endpoint);
      series.requests[r * TIERS.length + t]!++;
      // Untimed requests (seconds < 0: most fresh L1 hits) count, but stay out of the histograms.
      if (seconds >= 0) {
        if (r === MISS) series.misses.observe(seconds);
        else if (r !== BYPASS) series.hits[t]!.observe(seconds);
      }
      // Bypassed requests were never cacheable: they do not count toward the miss rate.
      if (r !== BYPASS) series.window.record(Math.floor(this.clock() / 1000), r === MISS ? seconds : undefined);
    } catch { /* the hit path never throws */ }
  }

  origin(endpoint: string, seconds: number, ok: boolean): void {
    try {
      const series = this.endpoints.get(endpoint) ?? this.seriesFor(endpoint);
      series.origin.observe(seconds);
      if (!ok) series.originErrors++;
    } catch { /* never throws */ }
  }

  eviction(tier: 'l1' | 'l2', reason: string): void {
    try {
      let byReason = this.evictionsByTier.get(tier);
      if (!byReason) {
        const evictions = this.evictions;
        const keptTier = tier === 'l1' || tier === 'l2' ? tier : OVERFLOW_ENDPOINT;
        byReason = new BoundCounter((reason) => evictions.labels({ tier: keptTier, reason }));
        this.evictionsByTier.set(tier, byReason);
      }
      byReason.inc(reason);
    } catch { /* never throws */ }
  }

  l2Error(operation: string): void {
    try { this.l2Errors.inc(operation); } catch { /* never throws */ }
  }

  circuit(state: CircuitState): void {
    const value = CIRCUIT_STATE_VALUE[state];
    if (value !== undefined) this.circuitGauge.set(value);
  }

  bus(event: 'published' | 'received' | 'gap' | 'flush' | 'publish-error' | 'invalid'): void {
    try { this.busMessages.inc(event); } catch { /* never throws */ }
  }

  invalidation(source: InvalidationSource, tagCount: number): void {
    try {
      this.invalidations.inc(source);
      if (tagCount > 0 && Number.isFinite(tagCount)) this.invalidatedTags.inc(source, tagCount);
    } catch { /* never throws */ }
  }

  cdcEvent(feed: 'postgres' | 'nats' | 'kafka', lagSeconds?: number): void {
    try {
      this.cdcEvents.inc(feed);
      if (lagSeconds !== undefined && Number.isFinite(lagSeconds)) this.cdcLag.set({ feed }, Math.max(0, lagSeconds));
    } catch { /* never throws */ }
  }

  edgePurge(adapter: string, outcome: EdgePurgeOutcome, _tagCount: number, seconds?: number): void {
    try {
      if (!this.edgeAdapters.has(adapter)) {
        if (this.edgeAdapters.size >= MAX_SMALL_LABEL_VALUES) adapter = OVERFLOW_ENDPOINT;
        else this.edgeAdapters.add(adapter);
      }
      this.edgePurges.inc({ adapter, outcome });
      if (outcome === 'sent' && seconds !== undefined && Number.isFinite(seconds)) this.edgePurgeDuration.observe({ adapter }, Math.max(0, seconds));
    } catch { /* never throws */ }
  }

  trackL1(l1: L1StatsSource, name = 'default'): void {
    this.l1s.set(name, l1);
  }

  weightedMissCost(endpoint: string): number {
    const series = this.endpoints.get(endpoint);
    return series ? this.costOf(series, this.nowSecond()) : 0;
  }

  private nowSecond(): number {
    return Math.floor(this.clock() / 1000);
  }

  private costOf(series: EndpointSeries, nowSecond: number): number {
    const { requests, missSeconds } = series.window.totals(nowSecond);
    // miss rate × mean miss latency = (misses / requests) × (missSeconds / misses).
    return requests > 0 ? missSeconds / requests : 0;
  }

  /** The record for an endpoint not seen yet; past the cap it is the shared `other` record. */
  private seriesFor(endpoint: string): EndpointSeries {
    const label = endpoint === '' ? 'unknown' : endpoint;
    let series = this.endpoints.get(label);
    if (series) return series;
    if (this.endpoints.size >= this.maxEndpoints) {
      // Not remembered under its own name, so a flood of distinct names cannot grow memory.
      series = this.endpoints.get(OVERFLOW_ENDPOINT);
      if (series) return series;
      series = new EndpointSeries(this.hitBounds, this.missBounds, this.windowSeconds);
      this.endpoints.set(OVERFLOW_ENDPOINT, series);
      return series;
    }
    series = new EndpointSeries(this.hitBounds, this.missBounds, this.windowSeconds);
    this.endpoints.set(label, series);
    return series;
  }

  private requestValues(): ScrapedValue[] {
    const out: ScrapedValue[] = [];
    for (const [endpoint, series] of this.endpoints) {
      for (let r = 0; r < RESULTS.length; r++) {
        for (let t = 0; t < TIERS.length; t++) {
          const value = series.requests[r * TIERS.length + t]!;
          if (value > 0) out.push({ labels: { endpoint, result: RESULTS[r]!, tier: TIERS[t]! }, value });
        }
      }
    }
    return out;
  }

  private hitValues(): ScrapedValue[] {
    const out: ScrapedValue[] = [];
    for (const [endpoint, series] of this.endpoints) {
      series.hits.forEach((h, t) => {
        if (h.count > 0) out.push(...histogramValues(this.names.hitDuration, { endpoint, tier: TIERS[t]! }, h.bounds, h.cumulative(), h.sum));
      });
    }
    return out;
  }

  private seriesHistogram(name: string, pick: (s: EndpointSeries) => HistogramCounts): ScrapedValue[] {
    const out: ScrapedValue[] = [];
    for (const [endpoint, series] of this.endpoints) {
      const h = pick(series);
      out.push(...histogramValues(name, { endpoint }, h.bounds, h.cumulative(), h.sum));
    }
    return out;
  }

  private originErrorValues(): ScrapedValue[] {
    const out: ScrapedValue[] = [];
    for (const [endpoint, series] of this.endpoints) out.push({ labels: { endpoint }, value: series.originErrors });
    return out;
  }
}

/** A CacheObserver that records per-endpoint Prometheus metrics into `options.registry` (or a new one). */
export function createPrometheusObserver(options: PrometheusObserverOptions = {}): PrometheusObserver {
  return new PrometheusCacheObserver(options);
}
