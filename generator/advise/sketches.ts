/**
 * Fixed-size summaries of a stream: whatever the log's length, each holds the same memory.
 * They are why `advise` reads a 10 GB log in a few megabytes per operation (docs/advise.md,
 * "Memory").
 */

/** FNV-1a over the UTF-16 code units of `text`, mixed so the high bits are usable: a 32-bit unsigned hash. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** HyperLogLog with 2^12 registers: distinct values to about 1.6% (exact-ish below a few thousand). */
export class DistinctCounter {
  private static readonly BITS = 12;
  private readonly registers = new Uint8Array(1 << DistinctCounter.BITS);

  /** Records a value by its hash32. */
  add(hash: number): void {
    const index = hash >>> (32 - DistinctCounter.BITS);
    const rest = (hash << DistinctCounter.BITS) >>> 0;
    const rank = rest === 0 ? 32 - DistinctCounter.BITS + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** The estimated number of distinct values added. */
  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    // Few values: linear counting over empty registers is the accurate estimate.
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

/**
 * Counts and sums positive values in logarithmic buckets (8 per doubling): the mean is exact,
 * a quantile is within about 9%.
 */
export class LogHistogram {
  private static readonly PER_DOUBLING = 8;
  private readonly buckets: Float64Array;
  count = 0;
  sum = 0;

  /** `unit`: the smallest value told apart (values below it share the first bucket); `doublings`: range above it. */
  constructor(private readonly unit: number, doublings: number) {
    this.buckets = new Float64Array(doublings * LogHistogram.PER_DOUBLING + 1);
  }

  /** Records one value (negative or non-finite values are ignored). */
  add(value: number): void {
    if (!(value >= 0) || value === Infinity) return;
    this.count++;
    this.sum += value;
    const scaled = value / this.unit;
    const index = scaled <= 1 ? 0 : Math.min(this.buckets.length - 1, 1 + Math.floor(Math.log2(scaled) * LogHistogram.PER_DOUBLING));
    this.buckets[index]!++;
  }

  /** The mean of the values added, NaN when none. */
  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The value at quantile q (0..1): the upper bound of the bucket holding it; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i === 0 ? this.unit : this.unit * 2 ** (i / LogHistogram.PER_DOUBLING);
    }
    return this.unit * 2 ** ((this.buckets.length - 1) / LogHistogram.PER_DOUBLING);
  }
}

/**
 * The most frequent items of a stream (Space-Saving, Metwally et al.): `capacity` counters; an
 * unseen item takes over the smallest one. The top counts are close to exact on skewed streams.
 */
export class TopItems {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** Records one occurrence of item. */
  add(item: string): void {
    const count = this.counts.get(item);
    if (count !== undefined) {
      this.counts.set(item, count + 1);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(item, 1);
      return;
    }
    let victim = '';
    let least = Infinity;
    for (const [key, n] of this.counts) {
      if (n < least) {
        least = n;
        victim = key;
      }
    }
    this.counts.delete(victim);
    this.counts.set(item, least + 1);
  }

  /** Items with their (over)estimated counts, most frequent first. */
  top(): Array<{ item: string; count: number }> {
    return [...this.counts].map(([item, count]) => ({ item, count })).sort((a, b) => b.count - a.count || a.item.localeCompare(b.item));
  }
}

/**
 * A time per resource hash in a fixed table: a slot remembers the last hash written to it, so
 * another resource sharing the slot reads as "never written" rather than borrowing a time.
 * A slot taken over by another resource forgets the first one's time; with 2^20 slots that is
 * rare, and memory never grows.
 */
export class TimeTable {
  private readonly times: Float64Array;
  private readonly owners: Uint32Array;
  private readonly mask: number;

  constructor(bits: number) {
    this.times = new Float64Array(1 << bits);
    this.owners = new Uint32Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** The time recorded for hash, or 0. */
  get(hash: number): number {
    const slot = hash & this.mask;
    return this.owners[slot] === hash ? this.times[slot]! : 0;
  }

  set(hash: number, time: number): void {
    const slot = hash & this.mask;
    this.owners[slot] = hash;
    this.times[slot] = time;
  }
}
