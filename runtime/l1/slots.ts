/**
 * Entry storage as parallel arrays indexed by slot number, plus intrusive doubly linked
 * lists over those slots. No object per entry, so a hit allocates nothing and a move in a
 * list is four typed-array writes.
 *
 * Invariants:
 * - A slot is either free (on the free stack) or holds exactly one live entry.
 * - A live slot is on exactly one list (its `region`), or on none while it is being removed.
 * - `NIL` (-1) ends a list in both directions.
 */
export const NIL = -1;

export class SlotTable<V> {
  keys: (string | undefined)[] = [];
  values: (V | undefined)[] = [];
  next: Int32Array;
  prev: Int32Array;
  /** Key hash, computed once at insertion, feeds the frequency sketch on every hit. */
  hash: Int32Array;
  /** Size in bytes, as measured at set(). */
  size: Float64Array;
  /** UTF-8 bytes of the key, so an overwrite does not measure the key again. */
  keyBytes: Int32Array;
  /** Weight the policy counts against its bound: 1 per entry, or the size with maxBytes. */
  weight: Float64Array;
  /** Clock time (ms) the entry stops being fresh; Infinity without ttl. */
  freshUntil: Float64Array;
  /** 1 when the entry has a ttl: a hit on an entry without one reads this byte, not freshUntil. */
  timed: Uint8Array;
  /** Clock time (ms) the entry expires (freshUntil + stale window). */
  expireAt: Float64Array;
  /** Clock time (ms) of the set(). */
  setAt: Float64Array;
  /** Which policy list the slot is on (policy-defined small integer). */
  region: Uint8Array;
  private free: Int32Array;
  private freeCount = 0;
  /** Slots handed out so far (high-water mark); slots >= used have never held an entry. */
  used = 0;
  capacity: number;

  constructor(initialCapacity: number, private readonly maxCapacity: number) {
    this.capacity = Math.max(1, Math.min(initialCapacity, maxCapacity));
    const n = this.capacity;
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.hash = new Int32Array(n);
    this.size = new Float64Array(n);
    this.keyBytes = new Int32Array(n);
    this.weight = new Float64Array(n);
    this.freshUntil = new Float64Array(n);
    this.timed = new Uint8Array(n);
    this.expireAt = new Float64Array(n);
    this.setAt = new Float64Array(n);
    this.region = new Uint8Array(n);
    this.free = new Int32Array(n);
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
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.next = widen(this.next, (k) => new Int32Array(k));
    this.prev = widen(this.prev, (k) => new Int32Array(k));
    this.hash = widen(this.hash, (k) => new Int32Array(k));
    this.size = widen(this.size, (k) => new Float64Array(k));
    this.keyBytes = widen(this.keyBytes, (k) => new Int32Array(k));
    this.weight = widen(this.weight, (k) => new Float64Array(k));
    this.freshUntil = widen(this.freshUntil, (k) => new Float64Array(k));
    this.timed = widen(this.timed, (k) => new Uint8Array(k));
    this.expireAt = widen(this.expireAt, (k) => new Float64Array(k));
    this.setAt = widen(this.setAt, (k) => new Float64Array(k));
    this.region = widen(this.region, (k) => new Uint8Array(k));
    this.free = widen(this.free, (k) => new Int32Array(k));
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
    t.prev[slot] = this.tail;
    t.next[slot] = NIL;
    if (this.tail === NIL) this.head = slot;
    else t.next[this.tail] = slot;
    this.tail = slot;
    t.region[slot] = this.region;
    this.weight += t.weight[slot]!;
    this.count++;
  }

  /** Unlinks slot (which must be a member). */
  remove(slot: number): void {
    const t = this.table;
    const p = t.prev[slot]!;
    const n = t.next[slot]!;
    if (p === NIL) this.head = n;
    else t.next[p] = n;
    if (n === NIL) this.tail = p;
    else t.prev[n] = p;
    this.weight -= t.weight[slot]!;
    this.count--;
  }

  /** Makes slot (a member) the most recently used; no weight change. */
  moveToTail(slot: number): void {
    if (slot === this.tail) return;
    const t = this.table;
    const p = t.prev[slot]!;
    const n = t.next[slot]!;
    if (p === NIL) this.head = n;
    else t.next[p] = n;
    t.prev[n] = p; // n !== NIL: slot is not the tail
    t.prev[slot] = this.tail;
    t.next[slot] = NIL;
    t.next[this.tail] = slot;
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
