/**
 * The PromQL behind every dashboard panel and alert rule, written once. Each function
 * returns an expression over the series runtime/metrics exports; `range` is a PromQL
 * duration (`5m`) or a Grafana variable (`$__rate_interval`).
 */
import { metricNames, type MetricNames } from '@cachegen/runtime';

/** A PromQL string literal (double-quoted, escaped). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** Label matchers for one endpoint (`endpoint="getProduct"`), or none for every endpoint. */
function endpointMatcher(endpoint: string | undefined): string {
  return endpoint === undefined ? '' : `endpoint=${promString(endpoint)}`;
}

function selector(...matchers: string[]): string {
  const kept = matchers.filter(Boolean);
  return kept.length ? `{${kept.join(',')}}` : '';
}

/** Builds the PromQL of cachegen's signals for metrics under `prefix`. */
export function promql(prefix?: string) {
  const n: MetricNames = metricNames(prefix);
  /** `sum by (endpoint)` when aggregating over all endpoints, a plain `sum` for one. */
  const by = (endpoint: string | undefined) => (endpoint === undefined ? 'sum by (endpoint) ' : 'sum ');
  const lookups = (endpoint: string | undefined, range: string) =>
    `${by(endpoint)}(rate(${n.requests}${selector(endpointMatcher(endpoint), 'result!="bypass"')}[${range}]))`;

  return {
    names: n,
    /** Share of cacheable requests answered from cache (hit or stale), 0..1. */
    hitRate: (endpoint: string | undefined, range: string) =>
      `${by(endpoint)}(rate(${n.requests}${selector(endpointMatcher(endpoint), 'result=~"hit|stale"')}[${range}])) / ${lookups(endpoint, range)}`,
    /** Requests per second by result and tier. */
    requestRate: (endpoint: string | undefined, range: string) =>
      `sum by (result, tier) (rate(${n.requests}${selector(endpointMatcher(endpoint))}[${range}]))`,
    /** The q-quantile (0.5, 0.99) of the time to answer a miss, origin call included. */
    missLatencyQuantile: (q: number, endpoint: string | undefined, range: string) =>
      `histogram_quantile(${q}, sum by (${endpoint === undefined ? 'endpoint, ' : ''}le) (rate(${n.missDuration}_bucket${selector(endpointMatcher(endpoint))}[${range}])))`,
    /**
     * Weighted miss cost: miss rate × mean miss latency = seconds spent answering misses per
     * cacheable request. The same quantity the `weighted_miss_cost_seconds` gauge computes in-process.
     */
    weightedMissCost: (endpoint: string | undefined, range: string) =>
      `${by(endpoint)}(rate(${n.missDuration}_sum${selector(endpointMatcher(endpoint))}[${range}])) / ${lookups(endpoint, range)}`,
    /** Evictions per second by tier and reason (they are per tier: every endpoint shares the L1). */
    evictionRate: (range: string) => `sum by (tier, reason) (rate(${n.evictions}[${range}]))`,
    /** Share of evictions that pushed out an entry before it expired (reason="size"), by tier. */
    sizeEvictionShare: (range: string) =>
      `sum by (tier) (rate(${n.evictions}{reason="size"}[${range}])) / sum by (tier) (rate(${n.evictions}[${range}]))`,
    /** Size evictions per second, by tier. */
    sizeEvictionRate: (range: string) => `sum by (tier) (rate(${n.evictions}{reason="size"}[${range}]))`,
    /** Cacheable requests per second. */
    lookupRate: (endpoint: string | undefined, range: string) => lookups(endpoint, range),
    /** L1 bytes over its byte budget, 0..1, per cache. */
    l1Utilization: () => `${n.l1Bytes} / ${n.l1MaxBytes}`,
    l1Entries: () => `${n.l1Entries}`,
    l2ErrorRate: (range: string) => `sum by (operation) (rate(${n.l2Errors}[${range}]))`,
    circuitState: () => `max(${n.l2CircuitState})`,
    busRate: (range: string) => `sum by (event) (rate(${n.busMessages}[${range}]))`,
    cdcLag: () => `max by (feed) (${n.cdcLag})`,
    cdcRate: (range: string) => `sum by (feed) (rate(${n.cdcEvents}[${range}]))`,
    invalidationRate: (range: string) => `sum by (source) (rate(${n.invalidations}[${range}]))`,
  };
}

export type PromQl = ReturnType<typeof promql>;
