/**
 * Entry storage indexed by slot number, plus intrusive doubly linked lists over those slots.
 * No object per entry, so a hit allocates nothing and a move in a list is four typed-array writes.
 *
 * Layout, chosen for bytes per entry (docs/l1.md, "Memory"): one typed array per field, each
 * as narrow as its values allow, and nothing stored that can be derived:
 * - `links` (Int32Array, 2 per slot): next, prev. A free slot's next links the free list, so
 *   free slots need no stack of their own;
 * - `hashes` (Int32Array): the key's 32-bit hash, computed once at insertion for the sketch;
 * - `meta` (Uint8Array): the policy region (low 2 bits) and the TIMED bit;
 * - `sizes` (Uint32Array): the entry's size in whole bytes;
 * - `setAt` (Float64Array): clock time of the set(), for lookup()'s age;
 * - `times` (Float64Array, 2 per slot: freshUntil, expireAt), allocated only once an entry
 *   with a ttl is stored: a cache without ttls pays nothing for expiry.
 * An entry's weight is derived (its size when the cache is bounded by bytes, else 1), and so
 * is its key's UTF-8 length (measured again on the rare overwrite).
 *
 * Invariants:
 * - A slot is either free (on the free list) or holds exactly one live entry.
 * - A live slot is on exactly one list (its region), or on none while it is being removed.
 * - `NIL` (-1) ends a list in both directions.
 */
export const NIL = -1;

/** Offsets in a slot's `links` words. */
export const NEXT = 0;
export const PREV = 1;
/** Flag bit in `meta`: the entry has a ttl, so a hit must read freshUntil. */
export const TIMED = 0x4;
export const REGION_MASK = 0x3;

/** Float64 words per slot in `times`. */
export const TIME_STRIDE = 2;
/** Clock time (ms) the entry stops being fresh; Infinity without ttl. */
export const FRESH_UNTIL = 0;
/** Clock time (ms) the entry expires (freshUntil + stale window). */
export const EXPIRE_AT = 1;

/** Largest entry size a slot can record (sizes are whole bytes in a Uint32Array). */
export const MAX_SIZE = 2 ** 32 - 1;

export class SlotTable<V> {
  keys: (string | undefined)[] = [];
  values: (V | undefined)[] = [];
  /** next, prev per slot. */
  links: Int32Array;
  hashes: Int32Array;
  /** region | TIMED per slot. */
  meta: Uint8Array;
  sizes: Uint32Array;
  setAt: Float64Array;
  /** freshUntil, expireAt per slot; undefined until the first entry with a ttl. */
  times: Float64Array | undefined;
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
    this.links = new Int32Array(n * 2);
    this.hashes = new Int32Array(n);
    this.meta = new Uint8Array(n);
    this.sizes = new Uint32Array(n);
    this.setAt = new Float64Array(n);
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
  timesForWrite(): Float64Array {
    // Entries stored before have no TIMED bit, so their (zero) times are never read.
    if (this.times === undefined) this.times = new Float64Array(this.capacity * TIME_STRIDE);
    return this.times;
  }

  /** Clock time the entry in slot expires (Infinity without ttl). */
  expireAt(slot: number): number {
    return (this.meta[slot]! & TIMED) === 0 ? Infinity : this.times![slot * TIME_STRIDE + EXPIRE_AT]!;
  }

  /** Clock time the entry in slot stops being fresh (Infinity without ttl). */
  freshUntil(slot: number): number {
    return (this.meta[slot]! & TIMED) === 0 ? Infinity : this.times![slot * TIME_STRIDE + FRESH_UNTIL]!;
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

  /** Returns a slot to the free list and drops its key and value for the GC. */
  release(slot: number): void {
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
    this.meta[slot] = 0;
    this.links[slot * 2 + NEXT] = this.freeHead;
    this.freeHead = slot;
  }

  /** Forgets every entry (the typed arrays keep their capacity). */
  reset(): void {
    this.keys = [];
    this.values = [];
    this.meta.fill(0);
    this.freeHead = NIL;
    this.used = 0;
  }

  private grow(): void {
    const n = Math.min(this.maxCapacity, this.capacity * 2);
    if (n <= this.capacity) throw new Error('L1Cache: slot table is full (internal error: bound not enforced)');
    this.links = grown(this.links, new Int32Array(n * 2));
    this.hashes = grown(this.hashes, new Int32Array(n));
    this.meta = grown(this.meta, new Uint8Array(n));
    this.sizes = grown(this.sizes, new Uint32Array(n));
    this.setAt = grown(this.setAt, new Float64Array(n));
    if (this.times !== undefined) this.times = grown(this.times, new Float64Array(n * TIME_STRIDE));
    this.capacity = n;
  }
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
