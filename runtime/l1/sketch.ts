/**
 * Count-min sketch of access frequency with 4-bit saturating counters (TinyLFU).
 *
 * Eight counters are packed in each 32-bit word of a Uint32Array; an item maps to four
 * counters (one per derived hash) and its estimate is the minimum of them. After
 * `sampleSize` increments every counter is halved, so old popularity fades and the
 * sketch follows a changing workload. Memory: 4 bits per counter, counters per expected entry set by the policy (32 = 16 bytes).
 *
 * Invariants: every counter is in 0..15; `additions` < `sampleSize` between calls.
 */
const SEED0 = 0x9e3779b1 | 0;
const SEED1 = 0x85ebca77 | 0;
const SEED2 = 0xc2b2ae3d | 0;
const SEED3 = 0x27d4eb2f | 0;
const RESET_MASK = 0x77777777;
const ONE_MASK = 0x11111111;

export class FrequencySketch {
  private table: Uint32Array;
  /** 32 - log2(words): the top bits of a derived hash pick the word. */
  private wordShift: number;
  private additions = 0;
  /** Increments between two halvings (10 x the expected entries, as in TinyLFU). */
  sampleSize: number;
  /** Entries the sketch was sized for. */
  expectedEntries: number;

  constructor(expectedEntries: number, countersPerEntry = 32) {
    this.expectedEntries = Math.max(1, expectedEntries);
    const words = Math.min(2 ** 26, ceilPowerOfTwo(Math.max(8, (this.expectedEntries * countersPerEntry) / 8)));
    this.table = new Uint32Array(words);
    this.wordShift = 32 - Math.log2(words);
    this.sampleSize = 10 * this.expectedEntries;
  }

  /** Records one access of the item with this hash; halves all counters when a sample period ends. */
  increment(hash: number): void {
    const added =
      this.incrementAt(Math.imul(hash, SEED0)) |
      this.incrementAt(Math.imul(hash, SEED1)) |
      this.incrementAt(Math.imul(hash, SEED2)) |
      this.incrementAt(Math.imul(hash, SEED3));
    if (added !== 0 && ++this.additions >= this.sampleSize) this.halve();
  }

  /** Returns the estimated access count (0..15) of the item with this hash. */
  frequency(hash: number): number {
    let f = this.counterAt(Math.imul(hash, SEED0));
    f = Math.min(f, this.counterAt(Math.imul(hash, SEED1)));
    f = Math.min(f, this.counterAt(Math.imul(hash, SEED2)));
    return Math.min(f, this.counterAt(Math.imul(hash, SEED3)));
  }

  /** Forgets all counts. */
  clear(): void {
    this.table.fill(0);
    this.additions = 0;
  }

  // A derived hash (hash x odd constant) picks a word with its top bits and a nibble with the
  // 3 bits below them: the high bits of a product depend on every bit of the key hash.
  private incrementAt(h: number): number {
    const word = h >>> this.wordShift;
    const shift = ((h >>> (this.wordShift - 3)) & 7) << 2;
    const w = this.table[word]!;
    if (((w >>> shift) & 15) === 15) return 0;
    this.table[word] = w + (1 << shift);
    return 1;
  }

  private counterAt(h: number): number {
    return (this.table[h >>> this.wordShift]! >>> (((h >>> (this.wordShift - 3)) & 7) << 2)) & 15;
  }

  private halve(): void {
    let odd = 0;
    const t = this.table;
    for (let i = 0; i < t.length; i++) {
      odd += popcount(t[i]! & ONE_MASK);
      t[i] = (t[i]! >>> 1) & RESET_MASK;
    }
    // Each item touched 4 counters, so dropped halves count a quarter each (as in Caffeine).
    this.additions = (this.additions - (odd >>> 2)) >>> 1;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Returns the smallest power of two >= n (n <= 2^30). */
export function ceilPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
