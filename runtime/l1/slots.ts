/**
 * Entry storage indexed by slot number, plus intrusive doubly linked lists over those slots.
 * No object per entry, so a hit allocates nothing and a move in a list is four typed-array writes.
 *
 * Layout: the fields a hit reads are interleaved per slot, so a hit touches one cache line
 * for the slot's integers and (for an entry with a ttl) one for its times, instead of one
 * line per field in separate arrays:
 * - `ints` (Int32Array, INT_STRIDE per slot): next, prev, hash, flags (region | TIMED);
 * - `floats` (Float64Array, FLOAT_STRIDE per slot): freshUntil, expireAt, setAt, size.
 * Cold fields (keyBytes, read only on overwrite) stay in their own array. An entry's weight
 * is not stored: it is its size when the cache is bounded by bytes, else 1.
 *
 * Invariants:
 * - A slot is either free (on the free stack) or holds exactly one live entry.
 * - A live slot is on exactly one list (its region), or on none while it is being removed.
 * - `NIL` (-1) ends a list in both directions.
 */
export const NIL = -1;

/** Int32 words per slot in `ints`. */
export const INT_STRIDE = 4;
/** Offsets in a slot's `ints` words. */
export const NEXT = 0;
export const PREV = 1;
/** Key hash, computed once at insertion, feeds the frequency sketch on every hit. */
export const HASH = 2;
/** Region (policy list, low 8 bits) and the TIMED bit. */
export const FLAGS = 3;
/** Flag bit: the entry has a ttl, so a hit must read freshUntil. */
export const TIMED = 0x100;
export const REGION_MASK = 0xff;

/** Float64 words per slot in `floats`. */
export const FLOAT_STRIDE = 4;
/** Clock time (ms) the entry stops being fresh; Infinity without ttl. */
export const FRESH_UNTIL = 0;
/** Clock time (ms) the entry expires (freshUntil + stale window). */
export const EXPIRE_AT = 1;
/** Clock time (ms) of the set(). */
export const SET_AT = 2;
/** Size in bytes, as measured at set(). */
export const SIZE = 3;

export class SlotTable<V> {
  keys: (string | undefined)[] = [];
  values: (V | undefined)[] = [];
  /** next, prev, hash, flags per slot (see INT_STRIDE). */
  ints: Int32Array;
  /** freshUntil, expireAt, setAt, size per slot (see FLOAT_STRIDE). */
  floats: Float64Array;
  /** UTF-8 bytes of the key, so an overwrite does not measure the key again. */
  keyBytes: Int32Array;
  private free: Int32Array;
  private freeCount = 0;
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
    this.ints = new Int32Array(n * INT_STRIDE);
    this.floats = new Float64Array(n * FLOAT_STRIDE);
    this.keyBytes = new Int32Array(n);
    this.free = new Int32Array(n);
  }

  /** Weight the policy counts against its bound: 1 per entry, or the size with maxBytes. */
  weight(slot: number): number {
    return this.weighByBytes ? this.floats[slot * FLOAT_STRIDE + SIZE]! : 1;
  }

  /** Which policy list the slot is on (policy-defined small integer). */
  region(slot: number): number {
    return this.ints[slot * INT_STRIDE + FLAGS]! & REGION_MASK;
  }

  setRegion(slot: number, region: number): void {
    const i = slot * INT_STRIDE + FLAGS;
    this.ints[i] = (this.ints[i]! & ~REGION_MASK) | region;
  }

  next(slot: number): number {
    return this.ints[slot * INT_STRIDE + NEXT]!;
  }

  hash(slot: number): number {
    return this.ints[slot * INT_STRIDE + HASH]!;
  }

  /** Returns a free slot, growing the arrays (doubling, amortized O(1)) when all are taken. */
  allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount]!;
    if (this.used === this.capacity) this.grow();
    return this.used++;
  }

  /** Returns a slot to the free stack and drops its key and value for the GC. */
  release(slot: number): void {
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
    this.free[this.freeCount++] = slot;
  }

  /** Forgets every entry (the arrays keep their capacity). */
  reset(): void {
    this.keys = [];
    this.values = [];
    this.freeCount = 0;
    this.used = 0;
  }

  private grow(): void {
    const n = Math.min(this.maxCapacity, this.capacity * 2);
    if (n <= this.capacity) throw new Error('L1Cache: slot table is full (internal error: bound not enforced)');
    const ints = new Int32Array(n * INT_STRIDE);
    ints.set(this.ints);
    this.ints = ints;
    const floats = new Float64Array(n * FLOAT_STRIDE);
    floats.set(this.floats);
    this.floats = floats;
    const keyBytes = new Int32Array(n);
    keyBytes.set(this.keyBytes);
    this.keyBytes = keyBytes;
    const free = new Int32Array(n);
    free.set(this.free);
    this.free = free;
    this.capacity = n;
  }
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
    const a = t.ints;
    const i = slot * INT_STRIDE;
    const tail = this.tail;
    a[i + PREV] = tail;
    a[i + NEXT] = NIL;
    if (tail === NIL) this.head = slot;
    else a[tail * INT_STRIDE + NEXT] = slot;
    this.tail = slot;
    a[i + FLAGS] = (a[i + FLAGS]! & ~REGION_MASK) | this.region;
    this.weight += t.weighByBytes ? t.floats[slot * FLOAT_STRIDE + SIZE]! : 1;
    this.count++;
  }

  /** Unlinks slot (which must be a member). */
  remove(slot: number): void {
    const t = this.table;
    const a = t.ints;
    const i = slot * INT_STRIDE;
    const p = a[i + PREV]!;
    const n = a[i + NEXT]!;
    if (p === NIL) this.head = n;
    else a[p * INT_STRIDE + NEXT] = n;
    if (n === NIL) this.tail = p;
    else a[n * INT_STRIDE + PREV] = p;
    this.weight -= t.weighByBytes ? t.floats[slot * FLOAT_STRIDE + SIZE]! : 1;
    this.count--;
  }

  /** Makes slot (a member) the most recently used; no weight change. */
  moveToTail(slot: number): void {
    const tail = this.tail;
    if (slot === tail) return;
    const a = this.table.ints;
    const i = slot * INT_STRIDE;
    const p = a[i + PREV]!;
    const n = a[i + NEXT]!;
    if (p === NIL) this.head = n;
    else a[p * INT_STRIDE + NEXT] = n;
    a[n * INT_STRIDE + PREV] = p; // n !== NIL: slot is not the tail
    a[i + PREV] = tail;
    a[i + NEXT] = NIL;
    a[tail * INT_STRIDE + NEXT] = slot;
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
