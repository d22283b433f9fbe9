/** Per-endpoint statistics of a traffic run, and the table the demo prints. */

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

  /** The table: requests, hit rate, p50/p99 of hits and misses, weighted miss cost. */
  table(): string {
    const rows: string[][] = [['endpoint', 'requests', 'hit rate', 'hit p50', 'hit p99', 'miss p50', 'miss p99', 'miss cost']];
    const sorted = [...this.endpoints].sort((a, b) => cost(b[1]) - cost(a[1]) || a[0].localeCompare(b[0]));
    for (const [name, e] of sorted) {
      const cacheable = e.hits.length + e.misses.length;
      const requests = cacheable + e.uncached.length;
      const misses = cacheable > 0 ? e.misses : e.uncached;
      rows.push([
        name,
        String(requests),
        cacheable > 0 ? pct(e.hits.length / cacheable) : 'not cached',
        ms(quantile(e.hits, 0.5)),
        ms(quantile(e.hits, 0.99)),
        ms(quantile(misses, 0.5)),
        ms(quantile(misses, 0.99)),
        cacheable > 0 ? ms(cost(e)) : '',
      ]);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
  }
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

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
