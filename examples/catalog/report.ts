/** Per-endpoint statistics of a traffic run, and the table the demo prints. */
import { metricNames } from '@cachegen/runtime';
import { formatSeconds, histogramQuantile, parseExposition } from 'cachegen';

export type Outcome = 'hit' | 'miss' | 'uncached';

interface EndpointSamples {
  hits: number[];
  misses: number[];
  uncached: number[];
  errors: number;
}

/** Collects latencies (ms) by endpoint and outcome. */
export class TrafficReport {
  private readonly endpoints = new Map<string, EndpointSamples>();
  total = 0;

  /** Records one answered request. */
  record(endpoint: string, outcome: Outcome, ms: number, ok: boolean): void {
    let e = this.endpoints.get(endpoint);
    if (!e) { e = { hits: [], misses: [], uncached: [], errors: 0 }; this.endpoints.set(endpoint, e); }
    (outcome === 'hit' ? e.hits : outcome === 'miss' ? e.misses : e.uncached).push(ms);
    if (!ok) e.errors++;
    this.total++;
  }

  /** Hits over cacheable requests (hits + misses), all endpoints. */
  hitRate(): number {
    let hits = 0;
    let cacheable = 0;
    for (const e of this.endpoints.values()) { hits += e.hits.length; cacheable += e.hits.length + e.misses.length; }
    return cacheable === 0 ? 0 : hits / cacheable;
  }

  /**
   * The table: requests, hit rate, the server-side p50 of hits and misses (from `server`, the
   * cache's own metrics), the client-side p50/p99 of hits and misses, weighted miss cost.
   */
  table(server: ReadonlyMap<string, ServerTime> = new Map()): string {
    const rows: string[][] = [
      ['', '', '', 'server', 'server', 'client', 'client', 'client', 'client', ''],
      ['endpoint', 'requests', 'hit rate', 'hit p50', 'miss p50', 'hit p50', 'hit p99', 'miss p50', 'miss p99', 'miss cost'],
    ];
    const sorted = [...this.endpoints].sort((a, b) => cost(b[1]) - cost(a[1]) || a[0].localeCompare(b[0]));
    for (const [name, e] of sorted) {
      const cacheable = e.hits.length + e.misses.length;
      const requests = cacheable + e.uncached.length;
      const misses = cacheable > 0 ? e.misses : e.uncached;
      rows.push([
        name,
        String(requests),
        cacheable > 0 ? pct(e.hits.length / cacheable) : 'not cached',
        formatSeconds(server.get(name)?.hit),
        formatSeconds(server.get(name)?.miss),
        ms(quantile(e.hits, 0.5)),
        ms(quantile(e.hits, 0.99)),
        ms(quantile(misses, 0.5)),
        ms(quantile(misses, 0.99)),
        cacheable > 0 ? ms(cost(e)) : '',
      ]);
    }
    const widths = rows[1]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
    return [line(rows[0]!), line(rows[1]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(2).map(line)].join('\n');
  }
}

/** Server-side time of one endpoint, in seconds: the p50 of its hits and of its misses. */
export interface ServerTime {
  hit?: number | undefined;
  miss?: number | undefined;
}

/**
 * The server-side p50 of hits and misses per endpoint, from a scrape of the cache's metrics: the
 * time inside the server, without the client, the queue of concurrent callers and the loopback
 * around it (an L1 hit takes microseconds). Hits are summed over the tiers that answered them.
 */
export function serverTimes(exposition: string): Map<string, ServerTime> {
  const names = metricNames();
  const kindOf = new Map<string, 'hit' | 'miss'>([[`${names.hitDuration}_bucket`, 'hit'], [`${names.missDuration}_bucket`, 'miss']]);
  const buckets = new Map<string, { hit: Map<number, number>; miss: Map<number, number> }>();
  for (const sample of parseExposition(exposition).samples) {
    const kind = kindOf.get(sample.name);
    const endpoint = sample.labels.endpoint;
    if (!kind || endpoint === undefined) continue;
    let histograms = buckets.get(endpoint);
    if (!histograms) buckets.set(endpoint, (histograms = { hit: new Map(), miss: new Map() }));
    const le = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    histograms[kind].set(le, (histograms[kind].get(le) ?? 0) + sample.value);
  }
  const p50 = (counts: Map<number, number>) => histogramQuantile(0.5, [...counts].map(([le, count]) => ({ le, count })));
  return new Map([...buckets].map(([endpoint, h]) => [endpoint, { hit: p50(h.hit), miss: p50(h.miss) }]));
}

/** Weighted miss cost: miss rate × mean miss latency, ms per request (what the misses cost each caller on average). */
function cost(e: EndpointSamples): number {
  const cacheable = e.hits.length + e.misses.length;
  if (cacheable === 0 || e.misses.length === 0) return 0;
  const mean = e.misses.reduce((s, v) => s + v, 0) / e.misses.length;
  return (e.misses.length / cacheable) * mean;
}

function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Milliseconds in the units formatSeconds picks (µs, ms, s), so client and server columns read alike. */
function ms(value: number | undefined): string {
  return formatSeconds(value === undefined ? undefined : value / 1000);
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
