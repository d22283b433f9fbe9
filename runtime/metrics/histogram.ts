/**
 * A histogram accumulator for the hit path: a few numbers in a typed array, no labels,
 * no strings. The exporter turns it into Prometheus buckets only when scraped.
 */

/** Hit buckets, in seconds: an L1 hit takes microseconds, an L2 hit milliseconds. */
export const DEFAULT_HIT_BUCKETS: readonly number[] = [
  0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5,
  0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/** Miss (origin) buckets, in seconds: from half a millisecond to ten seconds. */
export const DEFAULT_MISS_BUCKETS: readonly number[] = [
  0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Throws an error naming `option` unless the bounds are finite, positive and strictly increasing. */
export function assertBuckets(bounds: readonly number[], option: string): void {
  if (!Array.isArray(bounds) || bounds.length === 0) throw new Error(`${option} must be a non-empty array of upper bounds in seconds`);
  let previous = 0;
  for (const [i, bound] of bounds.entries()) {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw new Error(`${option}[${i}] is ${String(bound)}: bucket bounds must be finite seconds > 0, in increasing order`);
    }
    previous = bound;
  }
}

/** Counts per bucket (not cumulative; the last slot is +Inf), their sum and count. */
export class HistogramCounts {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Adds one observation; a value that is not a finite number >= 0 is ignored (the hit path must not throw). */
  observe(seconds: number): void {
    if (!(seconds >= 0) || seconds === Infinity) return;
    // Linear from the low end: hits land in the first buckets, so this beats a binary search.
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  /** The cumulative count at each bound, +Inf last, as Prometheus exposes it. */
  cumulative(): number[] {
    const out: number[] = [];
    let running = 0;
    for (const c of this.counts) out.push((running += c));
    return out;
  }
}
