/**
 * A metric whose values are computed when the registry is scraped. prom-client's own
 * Counter and Histogram hash their label set on every call; the hit path instead bumps
 * plain numbers, and this object turns them into Prometheus series only at scrape time.
 * It has the shape prom-client's Registry reads (`name`, `help`, `type`, `get()`, `reset()`).
 */
import type { Metric, Registry } from 'prom-client';

export interface ScrapedValue {
  value: number;
  labels: Record<string, string | number>;
  /** For histograms: `<name>_bucket`, `<name>_sum` or `<name>_count`. */
  metricName?: string;
}

export class ScrapedMetric {
  readonly aggregator = 'sum' as const;

  constructor(
    public name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly read: () => ScrapedValue[],
  ) {}

  /** The current values, in the object shape prom-client's Registry formats. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: ScrapedValue[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.read() };
  }

  /** Counters here are owned by the observer; `registry.resetMetrics()` leaves them be. */
  reset(): void {}

  /** Adds this metric to `registry` (prom-client accepts any object with this shape). */
  registerIn(registry: Registry): void {
    registry.registerMetric(this as unknown as Metric);
  }
}

/** The `_bucket`, `_sum` and `_count` series of one labelled histogram. */
export function histogramValues(
  name: string,
  labels: Record<string, string>,
  bounds: readonly number[],
  cumulative: readonly number[],
  sum: number,
): ScrapedValue[] {
  const out: ScrapedValue[] = [];
  for (let i = 0; i < bounds.length; i++) {
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bounds[i]! }, value: cumulative[i]! });
  }
  const count = cumulative[bounds.length]!;
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
  out.push({ metricName: `${name}_sum`, labels, value: sum });
  out.push({ metricName: `${name}_count`, labels, value: count });
  return out;
}
