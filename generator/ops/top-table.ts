/**
 * What `cachegen top` shows: one row per endpoint from a scrape (and the previous one, for
 * rates), sorted by weighted miss cost, rendered as a fixed-width text table.
 */
import { metricNames } from '@cachegen/runtime';
import type { Exposition, ExpositionSample } from './exposition.js';

export interface EndpointSummary {
  endpoint: string;
  /** Requests in the interval (or since start on the first scrape). */
  requests: number;
  /** Requests per second between the two scrapes; undefined on the first. */
  requestsPerSecond: number | undefined;
  /** Hits (fresh or stale) over cacheable requests, 0..1; undefined without cacheable requests. */
  hitRate: number | undefined;
  missP50: number | undefined;
  missP99: number | undefined;
  /** Seconds of miss latency per cacheable request: the in-process gauge when exported, else from the counters. */
  weightedMissCost: number;
  originErrors: number;
}

function seriesKey(sample: ExpositionSample): string {
  return sample.name + JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Counter values over the interval: current minus previous, or current alone after a reset or on the first scrape. */
function deltas(current: ExpositionSample[], previous: ExpositionSample[] | undefined): ExpositionSample[] {
  if (!previous) return current;
  const before = new Map(previous.map((s) => [seriesKey(s), s.value]));
  return current.map((s) => {
    const old = before.get(seriesKey(s));
    return old !== undefined && s.value >= old ? { ...s, value: s.value - old } : s;
  });
}

/** The q-quantile of a cumulative histogram, interpolated like PromQL's histogram_quantile. */
export function histogramQuantile(q: number, buckets: Array<{ le: number; count: number }>): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / Math.max(count - lowerCount, Number.MIN_VALUE));
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

/** One summary per endpoint, most costly first (by weighted miss cost, then by requests). */
export function summarizeEndpoints(current: Exposition, previous?: Exposition, elapsedSeconds?: number, prefix?: string): EndpointSummary[] {
  const n = metricNames(prefix);
  const samples = deltas(current.samples, previous?.samples);
  const rows = new Map<string, { hits: number; lookups: number; all: number; missSum: number; errors: number; buckets: Map<number, number>; gauge?: number }>();
  const rowFor = (endpoint: string) => {
    let row = rows.get(endpoint);
    if (!row) rows.set(endpoint, (row = { hits: 0, lookups: 0, all: 0, missSum: 0, errors: 0, buckets: new Map() }));
    return row;
  };
  for (const s of samples) {
    const endpoint = s.labels.endpoint;
    if (endpoint === undefined) continue;
    if (s.name === n.requests) {
      const row = rowFor(endpoint);
      row.all += s.value;
      if (s.labels.result !== 'bypass') row.lookups += s.value;
      if (s.labels.result === 'hit' || s.labels.result === 'stale') row.hits += s.value;
    } else if (s.name === `${n.missDuration}_bucket`) {
      const le = Number(s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : s.labels.le);
      const row = rowFor(endpoint);
      row.buckets.set(le, (row.buckets.get(le) ?? 0) + s.value);
    } else if (s.name === `${n.missDuration}_sum`) {
      rowFor(endpoint).missSum += s.value;
    } else if (s.name === n.originErrors) {
      rowFor(endpoint).errors += s.value;
    }
  }
  // The gauge is not a counter: take it as scraped, not as a delta.
  for (const s of current.samples) {
    if (s.name === n.weightedMissCost && s.labels.endpoint !== undefined) rowFor(s.labels.endpoint).gauge = s.value;
  }
  const summaries: EndpointSummary[] = [...rows].map(([endpoint, row]) => {
    const buckets = [...row.buckets].map(([le, count]) => ({ le, count }));
    return {
      endpoint,
      requests: row.all,
      requestsPerSecond: previous && elapsedSeconds && elapsedSeconds > 0 ? row.all / elapsedSeconds : undefined,
      hitRate: row.lookups > 0 ? row.hits / row.lookups : undefined,
      missP50: histogramQuantile(0.5, buckets),
      missP99: histogramQuantile(0.99, buckets),
      weightedMissCost: row.gauge ?? (row.lookups > 0 ? row.missSum / row.lookups : 0),
      originErrors: row.errors,
    };
  });
  return summaries.sort((a, b) => b.weightedMissCost - a.weightedMissCost || b.requests - a.requests || (a.endpoint < b.endpoint ? -1 : 1));
}

/** A duration in seconds as `850µs`, `12.3ms` or `1.20s`; `-` when unknown. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)}µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(1)}ms`;
  return `${seconds.toFixed(2)}s`;
}

/** The table `cachegen top` prints: a header line, then one aligned line per endpoint. */
export function renderTopTable(rows: EndpointSummary[], title: string): string {
  const header = ['ENDPOINT', 'REQ/S', 'REQUESTS', 'HIT %', 'MISS p50', 'MISS p99', 'MISS COST/REQ', 'ORIGIN ERR'];
  const cells = rows.map((r) => [
    r.endpoint,
    r.requestsPerSecond === undefined ? '-' : r.requestsPerSecond.toFixed(1),
    String(Math.round(r.requests)),
    r.hitRate === undefined ? '-' : `${(r.hitRate * 100).toFixed(1)}%`,
    formatSeconds(r.missP50),
    formatSeconds(r.missP99),
    formatSeconds(r.weightedMissCost),
    String(Math.round(r.originErrors)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const body = rows.length ? cells.map(line) : ['(no cachegen endpoints in this scrape yet)'];
  return [title, '', line(header), ...body].join('\n') + '\n';
}
