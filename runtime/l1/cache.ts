import { hashKey, lastKey, processHashSeed, valueBytes } from './hash.js';
import { LruPolicy } from './lru.js';
import { MAX_ENTRIES, resolveL1Options, type ResolvedL1Options } from './options.js';
import type { EvictionPolicy } from './policy.js';
import { FRESH_UNTIL, MAX_CHAIN, MAX_SIZE, NIL, SlotTable, TIMED, TIME_STRIDE } from './slots.js';
import { TinyLfuPolicy, type TinyLfuSettings } from './tinylfu.js';
import type { EvictionReason, L1Lookup, L1Options, L1SetOptions, L1Stats } from './types.js';

/** Slots checked for expiry on every set(), so dead entries are reclaimed even when never read again. */
const SWEEP_PER_SET = 2;

/**
 * Stored times are 32-bit ms since the table's origin (slots.ts). When a set() finds the clock
 * past REBASE_AT ms from the origin (37 days), the origin moves up to 2^30 ms (12 days) before now:
 * every ttl then still has at least 12 days of range (a longer one is shortened, never lengthened),
 * and entries set before the new origin are dropped as expired, their age no longer representable.
 */
const REBASE_AT = 3 * 2 ** 30;
const REBASE_KEEP = 2 ** 30;

/**
 * In-process cache with a W-TinyLFU (default) or LRU eviction policy, byte and entry
 * bounds, and per-entry fresh / stale / expired times. See docs/l1.md.
 *
 * Invariants, after every public call returns:
 * - size <= maxEntries (and <= MAX_ENTRIES) and bytes <= maxBytes (set() evicts before it returns);
 * - no stored entry is bigger than maxEntryBytes or maxBytes;
 * - the table's index maps exactly the live keys to their slots, and `bytes` is the sum of their sizes;
 * - an expired entry is never returned; it is removed when touched, or by the sweep.
 */
export class L1Cache<V = unknown> {
  private readonly options: ResolvedL1Options<V>;
  private readonly table: SlotTable<V>;
  private readonly policy: EvictionPolicy;
  private readonly seed: number;
  private readonly clock: () => number;
  private readonly weighByBytes: boolean;
  /** maxEntries, or MAX_ENTRIES when only maxBytes bounds the cache. */
  private readonly entryLimit: number;
  private totalBytes = 0;
  private expiring = 0;
  private sweepHand = 0;
  private readonly found: L1Lookup<V> = { value: undefined as V, stale: false, freshFor: 0, age: 0, now: 0 };
  private listenerFailed = false;
  // Counters as plain fields: the hit path increments one number, nothing else.
  private hitCount = 0;
  private missCount = 0;
  private staleHitCount = 0;
  private setCount = 0;
  private rejectedCount = 0;
  private evictedSize = 0;
  private evictedExpired = 0;
  private evictedDeleted = 0;
  private evictedReplaced = 0;
  private evictedCleared = 0;

  /**
   * Creates a cache; throws a RangeError/TypeError naming the option when an option is invalid.
   * The other parameters are for tests and benchmarks: policy tuning, and a fixed hash seed
   * (default: this process's random seed) so that a run replays exactly.
   */
  constructor(options: L1Options<V>, tinyLfuSettings?: TinyLfuSettings, hashSeed: number = processHashSeed) {
    this.options = resolveL1Options(options);
    this.seed = hashSeed | 0;
    const { maxEntries, maxBytes } = this.options;
    this.clock = this.options.clock;
    this.weighByBytes = maxBytes !== Infinity;
    // One spare slot: an entry is stored before the policy picks what to evict.
    // A cache bounded by bytes alone still holds at most MAX_ENTRIES entries (many tiny ones).
    this.entryLimit = Math.min(maxEntries, MAX_ENTRIES);
    this.table = new SlotTable<V>(Math.min(this.entryLimit + 1, 1024), this.entryLimit + 1, this.weighByBytes);
    // Times count from the first clock reading (0 if the clock is not running yet, e.g. -Infinity).
    const start = this.clock();
    this.table.origin = Number.isFinite(start) ? start : 0;
    const maximum = this.weighByBytes ? maxBytes : maxEntries;
    this.policy = this.options.policy === 'lru'
      ? new LruPolicy(this.table as SlotTable<unknown>)
      : new TinyLfuPolicy(this.table as SlotTable<unknown>, maximum, this.entryLimit, tinyLfuSettings);
  }

  /** Number of entries held (expired entries not yet reclaimed included). */
  get size(): number {
    return this.table.size;
  }

  /** Sum of the sizes of the entries held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Returns the value if present and fresh, recording the access; a stale entry reads as a miss but is kept. */
  get(key: string): V | undefined {
    const t = this.table;
    const slot = t.find(key, hashKey(key, this.seed));
    if (slot !== NIL) {
      if ((t.meta[slot]! & TIMED) === 0 || this.clock() - t.origin < t.times![slot * TIME_STRIDE + FRESH_UNTIL]!) {
        this.hitCount++;
        this.policy.onHit(slot);
        return t.values[slot];
      }
      this.expireIfDead(slot);
    }
    this.missCount++;
    this.policy.onMiss();
    return undefined;
  }

  /**
   * Returns the entry if fresh or stale (not expired), recording the access. The returned
   * object is reused by the next lookup() on this cache: read it before calling again.
   */
  lookup(key: string): L1Lookup<V> | undefined {
    const t = this.table;
    const slot = t.find(key, hashKey(key, this.seed));
    if (slot !== NIL) {
      const now = this.clock();
      if (now < t.expireAt(slot)) {
        const found = this.found;
        const freshUntil = t.freshUntil(slot);
        found.value = t.values[slot]!;
        found.stale = now >= freshUntil;
        found.freshFor = freshUntil === Infinity ? Infinity : (freshUntil - now) / 1000;
        found.age = Math.max(0, (now - t.setTime(slot)) / 1000);
        found.now = now;
        if (found.stale) this.staleHitCount++;
        else this.hitCount++;
        this.policy.onHit(slot);
        return found;
      }
      this.remove(slot, 'expired');
    }
    this.missCount++;
    this.policy.onMiss();
    return undefined;
  }

  /** Returns the value if present and fresh, without touching recency, frequency or stats. */
  peek(key: string): V | undefined {
    const slot = this.table.find(key, hashKey(key, this.seed));
    if (slot === NIL || !this.isFresh(slot)) return undefined;
    return this.table.values[slot];
  }

  /** True when a fresh entry is present; no recency, frequency or stats update. */
  has(key: string): boolean {
    const slot = this.table.find(key, hashKey(key, this.seed));
    return slot !== NIL && this.isFresh(slot);
  }

  /**
   * Stores value under key, then evicts until the bounds hold. Returns false, storing nothing
   * (and dropping any previous value of key), when the entry is bigger than maxEntryBytes or
   * maxBytes, or when its key collides with too many others (see MAX_CHAIN in slots.ts).
   */
  set(key: string, value: V, options?: L1SetOptions): boolean {
    const t = this.table;
    const hash = hashKey(key, this.seed);
    const keyBytes = lastKey.bytes;
    let slot = t.find(key, hash);
    const size = this.measure(key, keyBytes, value, options?.size);
    const now = this.clock();
    // Refused: too big, too many colliding keys, or no time to date it by (a clock that is not running).
    if (size > this.options.maxEntryBytes || size > this.options.maxBytes || size > MAX_SIZE || (slot === NIL && t.probes >= MAX_CHAIN) || !Number.isFinite(now)) {
      this.rejectedCount++;
      if (slot !== NIL) this.remove(slot, 'replaced');
      return false;
    }
    if (now - t.origin > REBASE_AT) this.rebase(now);
    let freshUntil = Infinity;
    let expireAt = Infinity;
    if (options !== undefined && options.ttl !== undefined && options.ttl !== Infinity) {
      const ttl = options.ttl;
      const stale = options.stale ?? 0;
      if (!(ttl >= 0)) throw new RangeError(`L1Cache.set: ttl must be a number of seconds >= 0, got ${String(ttl)} (key ${key})`);
      if (!(stale >= 0)) throw new RangeError(`L1Cache.set: stale must be a number of seconds >= 0, got ${String(stale)} (key ${key})`);
      freshUntil = now + ttl * 1000;
      expireAt = freshUntil + stale * 1000;
    }
    const weight = this.weighByBytes ? size : 1;
    let replaced: V | undefined;
    let hadOld = false;
    if (slot !== NIL) {
      replaced = t.values[slot];
      hadOld = true;
      if (t.expireAt(slot) !== Infinity) this.expiring--;
      t.values[slot] = value;
      this.totalBytes += size - t.sizes[slot]!;
      const delta = weight - t.weight(slot);
      t.sizes[slot] = size;
      this.setTimes(slot, now, freshUntil, expireAt);
      this.policy.onUpdate(slot, delta);
    } else {
      slot = t.allocate();
      t.keys[slot] = key;
      t.values[slot] = value;
      t.hashes[slot] = hash;
      t.sizes[slot] = size;
      this.setTimes(slot, now, freshUntil, expireAt);
      t.link(slot);
      this.totalBytes += size;
      this.policy.onInsert(slot);
    }
    this.setCount++;
    if (this.expiring > 0) this.sweep(now);
    this.evictForBounds();
    if (hadOld && replaced !== value) {
      this.evictedReplaced++;
      this.notify(key, replaced as V, 'replaced');
    }
    return true;
  }

  /** Removes key; true when it held a live (fresh or stale) entry. An expired one is removed as 'expired'. */
  delete(key: string): boolean {
    const slot = this.table.find(key, hashKey(key, this.seed));
    if (slot === NIL) return false;
    if (this.clock() >= this.table.expireAt(slot)) {
      this.remove(slot, 'expired');
      return false;
    }
    this.remove(slot, 'deleted');
    return true;
  }

  /** Removes every entry (onEvict sees each with reason 'cleared') and forgets frequency history. */
  clear(): void {
    const t = this.table;
    const keys: string[] = [];
    const values: V[] = [];
    if (this.options.onEvict) {
      for (let slot = 0; slot < t.used; slot++) {
        if (t.keys[slot] === undefined) continue;
        keys.push(t.keys[slot]!);
        values.push(t.values[slot] as V);
      }
    }
    this.evictedCleared += t.size;
    this.policy.clear();
    t.reset();
    this.totalBytes = 0;
    this.expiring = 0;
    this.sweepHand = 0;
    keys.forEach((key, i) => this.notify(key, values[i]!, 'cleared'));
  }

  /** Iterates the keys of entries that are not expired (in slot order, no particular order). */
  *keys(): IterableIterator<string> {
    const now = this.clock();
    const t = this.table;
    for (let slot = 0; slot < t.used; slot++) {
      const key = t.keys[slot];
      if (key !== undefined && now < t.expireAt(slot)) yield key;
    }
  }

  /** Returns a snapshot of the counters and bounds. */
  stats(): L1Stats {
    const { maxEntries, maxBytes, policy } = this.options;
    const stats: L1Stats = {
      hits: this.hitCount,
      misses: this.missCount,
      staleHits: this.staleHitCount,
      sets: this.setCount,
      rejected: this.rejectedCount,
      evictions: {
        size: this.evictedSize,
        expired: this.evictedExpired,
        deleted: this.evictedDeleted,
        replaced: this.evictedReplaced,
        cleared: this.evictedCleared,
      },
      entries: this.table.size,
      bytes: this.totalBytes,
      maxBytes: maxBytes === Infinity ? undefined : maxBytes,
      maxEntries: maxEntries === Infinity ? undefined : maxEntries,
      policy,
    };
    const window = this.policy.window();
    if (window) stats.window = window;
    return stats;
  }

  private isFresh(slot: number): boolean {
    const freshUntil = this.table.freshUntil(slot);
    return freshUntil === Infinity || this.clock() < freshUntil;
  }

  private setTimes(slot: number, now: number, freshUntil: number, expireAt: number): void {
    this.table.writeTimes(slot, now, freshUntil, expireAt);
    if (expireAt !== Infinity) this.expiring++;
  }

  /** Moves the table's time origin forward (see REBASE_AT), dropping entries set before the new origin. */
  private rebase(now: number): void {
    const t = this.table;
    const shift = Math.floor(now - t.origin) - REBASE_KEEP;
    const tooOld: number[] = [];
    const keys: string[] = [];
    for (let slot = 0; slot < t.used; slot++) {
      const key = t.keys[slot];
      if (key !== undefined && t.setAt[slot]! < shift) {
        tooOld.push(slot);
        keys.push(key);
      }
    }
    // The origin moves before any listener runs: an onEvict that calls set() must not rebase again.
    t.rebase(shift);
    tooOld.forEach((slot, i) => {
      // Skip a slot a listener has meanwhile emptied or given to another key.
      if (t.keys[slot] === keys[i]) this.remove(slot, 'expired');
    });
  }

  private measure(key: string, keyBytes: number, value: V, explicit: number | undefined): number {
    let size: number;
    if (explicit !== undefined) {
      size = explicit;
      if (!(typeof size === 'number' && size >= 0 && Number.isFinite(size))) {
        throw new RangeError(`L1Cache.set: size must be a finite number of bytes >= 0, got ${String(size)} (key ${key})`);
      }
    } else if (this.options.sizeOf !== undefined) {
      size = this.options.sizeOf(value, key);
      if (!(typeof size === 'number' && size >= 0 && Number.isFinite(size))) {
        throw new RangeError(`L1Cache: option sizeOf returned ${String(size)} for key ${key}; it must return a finite number of bytes >= 0`);
      }
    } else {
      const bytes = valueBytes(value);
      if (bytes < 0 && this.weighByBytes) {
        throw new TypeError(
          `L1Cache.set: cannot measure the value of key ${key} (not a Buffer, Uint8Array or string); pass { size } to set() or the sizeOf option`,
        );
      }
      size = keyBytes + Math.max(0, bytes);
    }
    // Slots record whole bytes.
    return Math.ceil(size);
  }

  /** Removes expired entries among the next few slots of a round-robin hand (bounded work per set). */
  private sweep(now: number): void {
    const t = this.table;
    for (let i = 0; i < SWEEP_PER_SET; i++) {
      if (this.sweepHand >= t.used) this.sweepHand = 0;
      const slot = this.sweepHand++;
      if (t.keys[slot] !== undefined && now >= t.expireAt(slot)) this.remove(slot, 'expired');
    }
  }

  private evictForBounds(): void {
    const { maxBytes } = this.options;
    while (this.table.size > this.entryLimit || this.totalBytes > maxBytes) {
      const victim = this.policy.evict();
      if (victim === NIL) break;
      this.forget(victim, 'size');
    }
  }

  private expireIfDead(slot: number): void {
    if (this.clock() >= this.table.expireAt(slot)) this.remove(slot, 'expired');
  }

  private remove(slot: number, reason: EvictionReason): void {
    this.policy.onRemove(slot);
    this.forget(slot, reason);
  }

  /** Drops an entry the policy no longer links, counts it and tells the listener. */
  private forget(slot: number, reason: EvictionReason): void {
    const t = this.table;
    const key = t.keys[slot]!;
    const value = t.values[slot] as V;
    this.totalBytes -= t.sizes[slot]!;
    if (t.expireAt(slot) !== Infinity) this.expiring--;
    t.release(slot);
    switch (reason) {
      case 'size': this.evictedSize++; break;
      case 'expired': this.evictedExpired++; break;
      case 'deleted': this.evictedDeleted++; break;
      case 'replaced': this.evictedReplaced++; break;
      default: this.evictedCleared++;
    }
    this.notify(key, value, reason);
  }

  private notify(key: string, value: V, reason: EvictionReason): void {
    const listener = this.options.onEvict;
    if (listener === undefined) return;
    try {
      listener(key, value, reason);
    } catch (error) {
      // The cache sits on the request path: a broken listener must not break reads or bounds.
      if (!this.listenerFailed) {
        this.listenerFailed = true;
        process.emitWarning(`L1Cache: onEvict threw (further errors are not reported): ${String(error)}`);
      }
    }
  }
}
