/**
 * Count-min sketch of access frequency with 4-bit saturating counters (TinyLFU).
 *
 * Eight counters are packed in each 32-bit word of a Uint32Array. An item maps to four
 * counters, all inside one 64-byte block (16 words) picked by its hash, so an increment or
 * an estimate touches one cache line (as in Caffeine); the estimate is the minimum of the
 * four. After `sampleSize` increments every counter is halved, so old popularity fades and
 * the sketch follows a changing workload. Memory: 4 bits per counter, counters per expected
 * entry set by the policy (32 = 16 bytes per entry) up to 65,536 entries, 16 (8 bytes) beyond.
 *
 * Invariants: every counter is in 0..15; `additions` < `sampleSize` between calls.
 */
const RESET_MASK = 0x77777777;
const ONE_MASK = 0x11111111;
const WORDS_PER_BLOCK = 16;
/** Entries up to which the policy's countersPerEntry is used as given; beyond, at most LARGE_COUNTERS_PER_ENTRY. */
const DENSE_UP_TO = 65_536;
const LARGE_COUNTERS_PER_ENTRY = 16;

export class FrequencySketch {
  private table: Uint32Array;
  /** 32 - log2(blocks): the top bits of the item hash pick the block. */
  private blockShift: number;
  private additions = 0;
  /** Increments between two halvings (10 x the expected entries, as in TinyLFU). */
  sampleSize: number;
  /** Entries the sketch was sized for. */
  expectedEntries: number;

  constructor(expectedEntries: number, countersPerEntry = 32) {
    this.expectedEntries = Math.max(1, expectedEntries);
    // Past DENSE_UP_TO entries the sketch is most of the cache's metadata: 16 counters per entry
    // (Caffeine's density) save 8 bytes per entry there, for a fraction of a point of hit ratio.
    const counters = this.expectedEntries > DENSE_UP_TO ? Math.min(countersPerEntry, LARGE_COUNTERS_PER_ENTRY) : countersPerEntry;
    const words = Math.min(2 ** 26, ceilPowerOfTwo(Math.max(WORDS_PER_BLOCK, (this.expectedEntries * counters) / 8)));
    this.table = new Uint32Array(words);
    this.blockShift = 32 - Math.log2(words / WORDS_PER_BLOCK);
    this.sampleSize = 10 * this.expectedEntries;
  }

  /** Records one access of the item with this hash; halves all counters when a sample period ends. */
  increment(hash: number): void {
    // blockShift is 32 for a one-block table, and x >>> 32 === x in JS: mask that case.
    const block = this.blockShift === 32 ? 0 : (hash >>> this.blockShift) << 4;
    // A second hash picks, for counter i, one of 4 words of quarter i of the block and one of 8 nibbles.
    const h = Math.imul(hash, 0x9e3779b1);
    const added =
      this.incrementAt(block + (h & 3), (h >>> 2) & 7) |
      this.incrementAt(block + 4 + ((h >>> 8) & 3), (h >>> 10) & 7) |
      this.incrementAt(block + 8 + ((h >>> 16) & 3), (h >>> 18) & 7) |
      this.incrementAt(block + 12 + ((h >>> 24) & 3), (h >>> 26) & 7);
    if (added !== 0 && ++this.additions >= this.sampleSize) this.halve();
  }

  /** Returns the estimated access count (0..15) of the item with this hash. */
  frequency(hash: number): number {
    const block = this.blockShift === 32 ? 0 : (hash >>> this.blockShift) << 4;
    const h = Math.imul(hash, 0x9e3779b1);
    const t = this.table;
    let f = (t[block + (h & 3)]! >>> (((h >>> 2) & 7) << 2)) & 15;
    f = Math.min(f, (t[block + 4 + ((h >>> 8) & 3)]! >>> (((h >>> 10) & 7) << 2)) & 15);
    f = Math.min(f, (t[block + 8 + ((h >>> 16) & 3)]! >>> (((h >>> 18) & 7) << 2)) & 15);
    return Math.min(f, (t[block + 12 + ((h >>> 24) & 3)]! >>> (((h >>> 26) & 7) << 2)) & 15);
  }

  /** Forgets all counts. */
  clear(): void {
    this.table.fill(0);
    this.additions = 0;
  }

  private incrementAt(word: number, nibble: number): number {
    const shift = nibble << 2;
    const w = this.table[word]!;
    if (((w >>> shift) & 15) === 15) return 0;
    this.table[word] = w + (1 << shift);
    return 1;
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
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Returns the smallest power of two >= n (n <= 2^30). */
export function ceilPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
