/**
 * Prometheus alerting rules for a cachegen service. They alert on what costs users time
 * (weighted miss cost), on a cache too small for its working set (evictions before
 * expiry) and on a sudden hit-rate drop: never on a low hit rate alone, which is normal
 * for endpoints whose misses are cheap.
 */
import { stringify } from 'yaml';
import { promql } from './promql.js';

export interface AlertThresholds {
  /** Seconds of miss latency per request above which an endpoint alerts (default 0.05 = 50 ms per request). */
  missCostSeconds: number;
  /** Cacheable requests per second below which an endpoint is too quiet to judge (default 1). */
  minRequestsPerSecond: number;
  /** Absolute drop of the 5-minute hit rate below the 1-hour one that alerts (default 0.25 = 25 points). */
  hitRateDrop: number;
  /** Share of evictions with reason size (entries pushed out before expiry) that alerts (default 0.5). */
  sizeEvictionShare: number;
  /** Size evictions per second below which the share is not judged (default 1). */
  minSizeEvictionsPerSecond: number;
  /** CDC lag in seconds that alerts (default 30). */
  cdcLagSeconds: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  missCostSeconds: 0.05,
  minRequestsPerSecond: 1,
  hitRateDrop: 0.25,
  sizeEvictionShare: 0.5,
  minSizeEvictionsPerSecond: 1,
  cdcLagSeconds: 30,
};

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertRulesOptions {
  prefix?: string;
  /** Name of the rule group (default `cachegen`). */
  group?: string;
  thresholds?: Partial<AlertThresholds>;
}

/** The alerting rules, as objects (one rule per signal; each fires per endpoint or tier through its labels). */
export function alertRules(options: AlertRulesOptions = {}): AlertRule[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...options.thresholds };
  for (const [name, value] of Object.entries(t)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`alert threshold ${name} is ${String(value)}; it must be a number >= 0`);
  }
  const q = promql(options.prefix);
  const busy = (range: string) => `on (endpoint) (${q.lookupRate(undefined, range)}) > ${t.minRequestsPerSecond}`;
  return [
    {
      alert: 'CachegenWeightedMissCostHigh',
      expr: `(${q.weightedMissCost(undefined, '10m')}) > ${t.missCostSeconds}\nand ${busy('10m')}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Misses on {{ $labels.endpoint }} cost {{ $value | humanizeDuration }} per request',
        description: `Miss rate × mean miss latency on {{ $labels.endpoint }} has been above ${t.missCostSeconds}s per request for 10 minutes. Raise the ttl or swr, add L1 capacity, or speed up the origin.`,
      },
    },
    {
      alert: 'CachegenEvictionsBeforeExpiry',
      expr: `(${q.sizeEvictionShare('15m')}) > ${t.sizeEvictionShare}\nand on (tier) (${q.sizeEvictionRate('15m')}) > ${t.minSizeEvictionsPerSecond}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The {{ $labels.tier }} cache evicts entries before they expire',
        description: `{{ $value | humanizePercentage }} of {{ $labels.tier }} evictions are for size (entries pushed out while still fresh): the tier is undersized for its working set. Raise l1.maxBytes / maxEntries (or Redis maxmemory).`,
      },
    },
    {
      alert: 'CachegenHitRateDrop',
      expr: `(${q.hitRate(undefined, '5m')})\n< (${q.hitRate(undefined, '1h')}) - ${t.hitRateDrop}\nand ${busy('5m')}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Hit rate of {{ $labels.endpoint }} dropped suddenly',
        description: `The 5-minute hit rate of {{ $labels.endpoint }} ({{ $value | humanizePercentage }}) is more than ${Math.round(t.hitRateDrop * 100)} points below its 1-hour rate: look for a mass invalidation, a deploy that changed keys, or an L2 outage.`,
      },
    },
    {
      alert: 'CachegenL2CircuitOpen',
      expr: `${q.circuitState()} >= 2`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Redis (L2) has been bypassed for 5 minutes',
        description: 'The circuit breaker to Redis is open: requests are served from L1 and the origin only. Check Redis and cachegen_l2_errors_total.',
      },
    },
    {
      alert: 'CachegenCdcLagHigh',
      expr: `${q.cdcLag()} > ${t.cdcLagSeconds}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'CDC feed {{ $labels.feed }} is {{ $value | humanizeDuration }} behind',
        description: 'Change events arrive late, so cached entries stay stale that long after a write. Check the feed consumer and the database replication slot.',
      },
    },
  ];
}

/** The rules as a Prometheus rules file (YAML), ready for `rule_files:` and `promtool check rules`. */
export function alertRulesYaml(options: AlertRulesOptions = {}): string {
  const header = '# Generated by `cachegen dashboard`: Prometheus alerting rules for cachegen. Regenerate rather than edit.\n';
  return header + stringify({ groups: [{ name: options.group ?? 'cachegen', rules: alertRules(options) }] }, { lineWidth: 0 });
}
