/**
 * Entry storage indexed by slot number, the key index over those slots, and intrusive doubly
 * linked lists over them. No object per entry, so a hit allocates nothing and a move in a list
 * is four typed-array writes.
 *
 * Layout, chosen for bytes per entry (docs/l1.md, "Memory"): one typed array per field, each
 * as narrow as its values allow, and nothing stored that can be derived:
 * - `links` (Int32Array, 2 per slot): next, prev. A free slot's next links the free list, so
 *   free slots need no stack of their own;
 * - `hashes` (Int32Array): the key's 32-bit hash, computed once at insertion, for the key index
 *   and the sketch;
 * - `chain` (Int32Array): the next slot in the same bucket of the key index. The index is a
 *   chained hash table over `buckets` (Int32Array, a power of two >= the slot capacity, so
 *   chains stay about one slot long), replacing a `Map<string, number>`: a Map entry costs
 *   about 33 bytes and its delete + set is most of an eviction, a bucket about 4 and 8 bytes
 *   with its chain word. A chain never grows past MAX_CHAIN (the cache refuses the entry), so
 *   crafted colliding keys cannot make a lookup slow;
 * - `meta` (Uint8Array): the policy region (low 2 bits) and the TIMED bit;
 * - `sizes` (Uint32Array): the entry's size in whole bytes;
 * - `setAt` (Uint32Array): clock time of the set(), for lookup()'s age;
 * - `times` (Uint32Array, 2 per slot: freshUntil, expireAt), allocated only once an entry
 *   with a ttl is stored: a cache without ttls pays nothing for expiry.
 * Times are whole milliseconds since `origin` in 32 bits (49.7 days), rounded towards expiry:
 * setAt down (an age is never understated), freshUntil and expireAt down (an entry is never
 * fresh or served for longer than asked). The cache moves `origin` forward before the range
 * runs out (rebase()), dropping entries too old to date.
 * An entry's weight is derived (its size when the cache is bounded by bytes, else 1), and so
 * is its key's UTF-8 length (measured again on the rare overwrite).
 *
 * Invariants:
 * - A slot is either free (on the free list) or holds exactly one live entry.
 * - A live slot is on exactly one list (its region), or on none while it is being removed.
 * - A slot is on the chain of bucket `hashes[slot] & mask` exactly when it is live, and `size`
 *   counts the live slots.
 * - `NIL` (-1) ends a list in both directions.
 */
import { ceilPowerOfTwo } from './sketch.js';

export const NIL = -1;

/** Offsets in a slot's `links` words. */
export const NEXT = 0;
export const PREV = 1;
/** Flag bit in `meta`: the entry has a ttl, so a hit must read freshUntil. */
export const TIMED = 0x4;
export const REGION_MASK = 0x3;

/** Words per slot in `times`. */
export const TIME_STRIDE = 2;
/** Time the entry stops being fresh. */
export const FRESH_UNTIL = 0;
/** Time the entry expires (freshUntil + stale window); NEVER without an end. */
export const EXPIRE_AT = 1;
/** A stored time that never comes (Infinity); finite times are clamped below it, to LAST_TIME. */
export const NEVER = 0xffffffff;
export const LAST_TIME = NEVER - 1;

/** Largest entry size a slot can record (sizes are whole bytes in a Uint32Array). */
export const MAX_SIZE = 2 ** 32 - 1;

/**
 * Most slots on one bucket's chain. With at least one bucket per slot and a seeded hash, a chain
 * of 16 has odds below 1e-13 per bucket; only keys crafted to collide get there.
 */
export const MAX_CHAIN = 16;

export class SlotTable<V> {
  /** Key and value per slot, in arrays sized like the typed arrays (no growth slack). */
  keys: (string | undefined)[];
  values: (V | undefined)[];
  /** next, prev per slot. */
  links: Int32Array;
  hashes: Int32Array;
  /** Next slot in the same bucket, NIL at a chain's end. */
  chain: Int32Array;
  /** First slot of each bucket's chain, NIL when empty; length mask + 1. */
  buckets: Int32Array;
  mask: number;
  /** Live slots (entries). */
  size = 0;
  /** Length of the chain the last find() walked (when it found nothing: the whole chain). */
  probes = 0;
  /** region | TIMED per slot. */
  meta: Uint8Array;
  sizes: Uint32Array;
  setAt: Uint32Array;
  /** freshUntil, expireAt per slot; undefined until the first entry with a ttl. */
  times: Uint32Array | undefined;
  /** Clock time (ms) that stored times count from. */
  origin = 0;
  /** Head of the list of released slots, linked through NEXT. */
  private freeHead = NIL;
  /** Slots handed out so far (high-water mark); slots >= used have never held an entry. */
  used = 0;
  capacity: number;

  constructor(
    initialCapacity: number,
    private readonly maxCapacity: number,
    /** True when weights are sizes (a maxBytes bound), false when every entry weighs 1. */
    readonly weighByBytes = false,
  ) {
    this.capacity = Math.max(1, Math.min(initialCapacity, maxCapacity));
    const n = this.capacity;
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.links = new Int32Array(n * 2);
    this.hashes = new Int32Array(n);
    this.chain = new Int32Array(n);
    this.meta = new Uint8Array(n);
    this.sizes = new Uint32Array(n);
    this.setAt = new Uint32Array(n);
    this.buckets = new Int32Array(ceilPowerOfTwo(n)).fill(NIL);
    this.mask = this.buckets.length - 1;
  }

  /** Returns the live slot holding key (whose hash is given), or NIL. */
  find(key: string, hash: number): number {
    const { hashes, chain, keys } = this;
    let probes = 0;
    let slot = this.buckets[hash & this.mask]!;
    while (slot !== NIL) {
      if (hashes[slot] === hash && keys[slot] === key) break;
      slot = chain[slot]!;
      probes++;
    }
    this.probes = probes;
    return slot;
  }

  /** Adds a slot whose key and hash are set to the index (its key must not be there yet). */
  link(slot: number): void {
    const bucket = this.hashes[slot]! & this.mask;
    this.chain[slot] = this.buckets[bucket]!;
    this.buckets[bucket] = slot;
    this.size++;
  }

  /** Takes a live slot out of the index. */
  private unlink(slot: number): void {
    const bucket = this.hashes[slot]! & this.mask;
    const chain = this.chain;
    let at = this.buckets[bucket]!;
    if (at === slot) {
      this.buckets[bucket] = chain[slot]!;
    } else {
      while (at !== NIL && chain[at] !== slot) at = chain[at]!;
      if (at === NIL) throw new Error('L1Cache: slot not in the key index (internal error)');
      chain[at] = chain[slot]!;
    }
    this.size--;
  }

  /** Weight the policy counts against its bound: 1 per entry, or the size with maxBytes. */
  weight(slot: number): number {
    return this.weighByBytes ? this.sizes[slot]! : 1;
  }

  /** Which policy list the slot is on (policy-defined small integer). */
  region(slot: number): number {
    return this.meta[slot]! & REGION_MASK;
  }

  next(slot: number): number {
    return this.links[slot * 2 + NEXT]!;
  }

  hash(slot: number): number {
    return this.hashes[slot]!;
  }

  /** The times array, allocated (every slot: no ttl) on first use. */
  timesForWrite(): Uint32Array {
    // Entries stored before have no TIMED bit, so their (zero) times are never read.
    if (this.times === undefined) this.times = new Uint32Array(this.capacity * TIME_STRIDE);
    return this.times;
  }

  /** A clock time as stored: whole ms since origin, rounded down, clamped to 0..LAST_TIME; NEVER for Infinity. */
  toStored(time: number): number {
    if (time === Infinity) return NEVER;
    const ms = Math.floor(time - this.origin);
    return ms <= 0 ? 0 : ms >= LAST_TIME ? LAST_TIME : ms;
  }

  /** Records the times of the entry in slot (clock ms); freshUntil Infinity means no ttl. */
  writeTimes(slot: number, now: number, freshUntil: number, expireAt: number): void {
    this.setAt[slot] = this.toStored(now);
    if (freshUntil === Infinity) {
      this.meta[slot] = this.meta[slot]! & ~TIMED;
      return;
    }
    const times = this.timesForWrite();
    const f = slot * TIME_STRIDE;
    times[f + FRESH_UNTIL] = this.toStored(freshUntil);
    times[f + EXPIRE_AT] = this.toStored(expireAt);
    this.meta[slot] = this.meta[slot]! | TIMED;
  }

  /** Clock time of the set() of the entry in slot. */
  setTime(slot: number): number {
    return this.origin + this.setAt[slot]!;
  }

  /** Clock time the entry in slot expires (Infinity without ttl or stale end). */
  expireAt(slot: number): number {
    if ((this.meta[slot]! & TIMED) === 0) return Infinity;
    const stored = this.times![slot * TIME_STRIDE + EXPIRE_AT]!;
    return stored === NEVER ? Infinity : this.origin + stored;
  }

  /** Clock time the entry in slot stops being fresh (Infinity without ttl). */
  freshUntil(slot: number): number {
    return (this.meta[slot]! & TIMED) === 0 ? Infinity : this.origin + this.times![slot * TIME_STRIDE + FRESH_UNTIL]!;
  }

  /**
   * Moves origin forward by `shift` ms. Times already past become the new origin; an entry set
   * before it reads as set at it, so the cache drops those entries right after.
   */
  rebase(shift: number): void {
    this.origin += shift;
    const { setAt, times, keys, meta } = this;
    for (let slot = 0; slot < this.used; slot++) {
      if (keys[slot] === undefined) continue;
      setAt[slot] = setAt[slot]! > shift ? setAt[slot]! - shift : 0;
      if ((meta[slot]! & TIMED) === 0) continue;
      for (let f = slot * TIME_STRIDE; f < slot * TIME_STRIDE + TIME_STRIDE; f++) {
        const stored = times![f]!;
        if (stored !== NEVER) times![f] = stored > shift ? stored - shift : 0;
      }
    }
  }

  /** Returns a free slot, growing the arrays (doubling, amortized O(1)) when all are taken. */
  allocate(): number {
    const free = this.freeHead;
    if (free !== NIL) {
      this.freeHead = this.links[free * 2 + NEXT]!;
      return free;
    }
    if (this.used === this.capacity) this.grow();
    return this.used++;
  }

  /** Takes a live slot out of the index, returns it to the free list and drops its key and value for the GC. */
  release(slot: number): void {
    this.unlink(slot);
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
    this.meta[slot] = 0;
    this.links[slot * 2 + NEXT] = this.freeHead;
    this.freeHead = slot;
  }

  /** Forgets every entry (the typed arrays keep their capacity). */
  reset(): void {
    this.keys.fill(undefined);
    this.values.fill(undefined);
    this.meta.fill(0);
    this.buckets.fill(NIL);
    this.freeHead = NIL;
    this.used = 0;
    this.size = 0;
  }

  private grow(): void {
    const n = Math.min(this.maxCapacity, this.capacity * 2);
    if (n <= this.capacity) throw new Error('L1Cache: slot table is full (internal error: bound not enforced)');
    this.keys = grownArray(this.keys, n);
    this.values = grownArray(this.values, n);
    this.links = grown(this.links, new Int32Array(n * 2));
    this.hashes = grown(this.hashes, new Int32Array(n));
    this.chain = grown(this.chain, new Int32Array(n));
    this.meta = grown(this.meta, new Uint8Array(n));
    this.sizes = grown(this.sizes, new Uint32Array(n));
    this.setAt = grown(this.setAt, new Uint32Array(n));
    if (this.times !== undefined) this.times = grown(this.times, new Uint32Array(n * TIME_STRIDE));
    this.capacity = n;
    if (n > this.buckets.length) this.rehash(ceilPowerOfTwo(n));
  }

  /** Rebuilds the index over a new number of buckets (grow() keeps one or more per slot). */
  private rehash(bucketCount: number): void {
    this.buckets = new Int32Array(bucketCount).fill(NIL);
    this.mask = bucketCount - 1;
    const { keys, hashes, chain, buckets } = this;
    for (let slot = 0; slot < this.used; slot++) {
      if (keys[slot] === undefined) continue;
      const bucket = hashes[slot]! & this.mask;
      chain[slot] = buckets[bucket]!;
      buckets[bucket] = slot;
    }
  }
}

/** A copy of `from` with room for n elements, allocated at once (element-wise growth leaves up to 50% slack). */
function grownArray<T>(from: (T | undefined)[], n: number): (T | undefined)[] {
  const to = new Array<T | undefined>(n).fill(undefined);
  for (let i = 0; i < from.length; i++) to[i] = from[i];
  return to;
}

function grown<T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/**
 * One access-ordered list over slots of a SlotTable: head is least recently used, tail most.
 * Tracks the total weight of its members so the policy can bound each region.
 */
export class SlotList {
  head = NIL;
  tail = NIL;
  weight = 0;
  count = 0;

  constructor(private readonly table: SlotTable<unknown>, readonly region: number) {}

  /** Appends slot as the most recently used member. */
  push(slot: number): void {
    const t = this.table;
    const a = t.links;
    const i = slot * 2;
    const tail = this.tail;
    a[i + PREV] = tail;
    a[i + NEXT] = NIL;
    if (tail === NIL) this.head = slot;
    else a[tail * 2 + NEXT] = slot;
    this.tail = slot;
    t.meta[slot] = (t.meta[slot]! & ~REGION_MASK) | this.region;
    this.weight += t.weighByBytes ? t.sizes[slot]! : 1;
    this.count++;
  }

  /** Unlinks slot (which must be a member). */
  remove(slot: number): void {
    const t = this.table;
    const a = t.links;
    const i = slot * 2;
    const p = a[i + PREV]!;
    const n = a[i + NEXT]!;
    if (p === NIL) this.head = n;
    else a[p * 2 + NEXT] = n;
    if (n === NIL) this.tail = p;
    else a[n * 2 + PREV] = p;
    this.weight -= t.weighByBytes ? t.sizes[slot]! : 1;
    this.count--;
  }

  /** Makes slot (a member) the most recently used; no weight change. */
  moveToTail(slot: number): void {
    const tail = this.tail;
    if (slot === tail) return;
    const a = this.table.links;
    const i = slot * 2;
    const p = a[i + PREV]!;
    const n = a[i + NEXT]!;
    if (p === NIL) this.head = n;
    else a[p * 2 + NEXT] = n;
    a[n * 2 + PREV] = p; // n !== NIL: slot is not the tail
    a[i + PREV] = tail;
    a[i + NEXT] = NIL;
    a[tail * 2 + NEXT] = slot;
    this.tail = slot;
  }

  /** Empties the list (members must be forgotten by the caller). */
  clear(): void {
    this.head = NIL;
    this.tail = NIL;
    this.weight = 0;
    this.count = 0;
  }
}
