import { HillClimber, type ClimberSettings, defaultClimberSettings } from './climber.js';
import type { EvictionPolicy } from './policy.js';
import { FrequencySketch } from './sketch.js';
import { NIL, REGION_MASK, SlotList, type SlotTable } from './slots.js';
import type { L1WindowStats } from './types.js';

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;

/** Estimated frequency at which a losing candidate may still be admitted at random (hash-flooding defence). */
const FLOOD_GUARD_FREQUENCY = 6;

/** Share of the maximum weight held from which the shadow counts its periods (the cache is full). */
const FULL = 0.95;

export interface TinyLfuSettings {
  /** Initial window share of the maximum weight (adapted afterwards by hill climbing). */
  initialWindowFraction: number;
  /** Share of the main region reserved for the protected segment. */
  protectedFraction: number;
  /** Reads per hill-climbing sample, as a multiple of the sketch's expected entries. */
  sampleMultiplier: number;
  /** Sketch counters per expected entry (a power of two >= 8). */
  countersPerEntry: number;
  /** Hits buffered before they are applied (1 = at once); any size gives the same decisions. */
  readBuffer: number;
  /**
   * Shadow LRU: after a period it wins by `lead` (0..1) on the sampled keys, the window grows by
   * shadowGain x lead of the maximum weight, at least shadowBoost and at most shadowBoostMaximum
   * (shadowBoost 0: no shadow).
   */
  shadowBoost: number;
  shadowGain: number;
  shadowBoostMaximum: number;
  /** Hit-rate lead (0..1) the shadow LRU needs over the cache, on the sampled keys, to count as a loss. */
  shadowMargin: number;
  /** A lead this large boosts at once; a smaller loss boosts only at the end of shadowStreak losses in a row. */
  shadowSurge: number;
  shadowStreak: number;
  /** Sampled keys the shadow LRU holds at most (keys are sampled 1 in 2^k so that the capacity fits). */
  shadowEntries: number;
  /** Sampled reads per comparison, as a multiple of the shadow's capacity, and at least shadowPeriodMinimum. */
  shadowPeriod: number;
  shadowPeriodMinimum: number;
  /** Shadow periods ignored once the cache is first full (the sketch has little history yet). */
  shadowWarmup: number;
  climber: ClimberSettings;
}

export const defaultTinyLfuSettings: TinyLfuSettings = {
  initialWindowFraction: 0.01,
  protectedFraction: 0.8,
  // Tuned on the shared traces (docs/l1.md): 12x samples after a short warm-up, 32 counters per entry.
  sampleMultiplier: 12,
  countersPerEntry: 32,
  readBuffer: 64,
  // Tuned on the traces and the recency-biased synthetic workloads of bench/l1.bench.ts.
  // A lead of 10 points grows the window by 40% of the cache at once (#15: a moving working set
  // lost 4 points to LRU while the window grew by 15% per period).
  shadowBoost: 0.05,
  shadowGain: 4,
  shadowBoostMaximum: 0.5,
  shadowMargin: 0.01,
  shadowSurge: 0.1,
  shadowStreak: 3,
  shadowEntries: 1024,
  shadowPeriod: 1,
  shadowPeriodMinimum: 512,
  shadowWarmup: 1,
  climber: defaultClimberSettings,
};

/**
 * W-TinyLFU (Einziger, Friedman, Manes) with an adaptive window, as in Caffeine.
 *
 * New entries enter a small LRU admission window. Entries pushed out of the window become
 * candidates for the main region, an SLRU of probation (20%) and protected (80%). When
 * the cache is over its bound, a candidate competes with the probation LRU victim: the one
 * the frequency sketch estimates as more frequent stays. A hit in probation promotes to
 * protected; protected overflow is demoted back to probation. The window size is tuned by
 * hill climbing on the hit rate, so recency-heavy workloads get a large window and
 * frequency-heavy ones a small one.
 *
 * Invariants (weights in the policy's unit: 1 per entry, or bytes):
 * - window.weight <= windowMaximum after every onInsert / onUpdate / climb;
 * - 1 <= windowMaximum and windowMaximum + protectedMaximum <= maximum;
 * - every live slot is on exactly one of the three lists, and `region` says which.
 */
export class TinyLfuPolicy implements EvictionPolicy {
  readonly name = 'tinylfu' as const;
  private readonly windowList: SlotList;
  private readonly probation: SlotList;
  private readonly protectedList: SlotList;
  private windowMaximum: number;
  private protectedMaximum: number;
  /** Window and protected maxima together, fixed: the window grows into protected's share first. */
  private readonly windowAndProtected: number;
  private sketch: FrequencySketch;
  private readonly climber: HillClimber;
  /** First window-evicted entry of the current insertion round, NIL when none is pending. */
  private candidate = NIL;
  private random = 0x2545f491;
  /**
   * Read buffer: slots of the hits not yet applied to the sketch and the lists, in order.
   * Drained when full and before anything else reaches the policy, so the outcome is exactly
   * that of applying each hit at once; batching keeps the hit path short and lets the CPU
   * overlap the memory reads of many hits.
   */
  private readonly reads: Int32Array;
  /**
   * Shadow LRU over a hash sample of the keys (as in SHARDS: keys sampled 1 in 2^k, capacity
   * scaled by the same factor, so its hit rate estimates a full LRU's). W-TinyLFU loses to LRU
   * when reuse is recent but rare (a moving working set, bursts of new keys read again soon),
   * and there hill climbing sees a flat hit rate: one step wider catches nothing more until the
   * window holds the whole reuse distance. When the shadow beats the cache on the same sampled
   * keys over a sample period (by a lot once, or by a little three periods in a row), the window
   * grows at once in proportion to the lead, and keeps growing while it does. Keys only: no
   * values, a few bytes per sampled key.
   */
  private readonly shadow = new Map<number, true>();
  private shadowCapacity = 1;
  private sampleMask = 0;
  private shadowHits = 0;
  private sampledHits = 0;
  private sampledReads = 0;
  /** Shadow periods since the cache was first full, and how many of the last ones in a row the shadow won. */
  private shadowPeriods = 0;
  private lossStreak = 0;
  /** Sampled reads per comparison with the shadow. */
  private shadowPeriod = 1;
  private pending = 0;

  constructor(
    private readonly table: SlotTable<unknown>,
    /** Bound on total weight (entries, or bytes). */
    private readonly maximum: number,
    /** Bound on entries, if any: the sketch never needs to grow past it. */
    private readonly maxEntries: number,
    private readonly settings: TinyLfuSettings = defaultTinyLfuSettings,
  ) {
    this.reads = new Int32Array(Math.max(1, settings.readBuffer));
    this.windowList = new SlotList(table, WINDOW);
    this.probation = new SlotList(table, PROBATION);
    this.protectedList = new SlotList(table, PROTECTED);
    this.windowMaximum = Math.max(1, Math.floor(maximum * settings.initialWindowFraction));
    this.protectedMaximum = Math.floor((maximum - this.windowMaximum) * settings.protectedFraction);
    this.windowAndProtected = this.windowMaximum + this.protectedMaximum;
    // Sized lazily: a cache allowed 10M entries should not pay for 10M counters up front.
    this.sketch = new FrequencySketch(Math.min(maxEntries, 4096), settings.countersPerEntry);
    this.sizeShadow();
    this.climber = new HillClimber(maximum, settings.sampleMultiplier * this.sketch.expectedEntries, settings.climber);
  }

  onInsert(slot: number): void {
    if (this.pending > 0) this.drain();
    const entries = this.windowList.count + this.probation.count + this.protectedList.count + 1;
    if (entries > this.sketch.expectedEntries && this.sketch.expectedEntries < this.maxEntries) this.growSketch();
    const hash = this.table.hash(slot);
    this.sketch.increment(hash);
    if ((hash & this.sampleMask) === 0) this.sample(hash, false);
    this.windowList.push(slot);
    this.candidate = NIL;
    this.drainWindow(true);
  }

  onHit(slot: number): void {
    this.reads[this.pending++] = slot;
    if (this.pending === this.reads.length) this.drain();
  }

  onUpdate(slot: number, weightDelta: number): void {
    if (this.pending > 0) this.drain();
    this.listOf(slot).weight += weightDelta;
    this.sketch.increment(this.table.hash(slot));
    this.reorder(slot);
    this.candidate = NIL;
    this.drainWindow(true);
    this.demoteProtected();
  }

  onMiss(): void {
    if (this.pending > 0) this.drain();
    if (this.climber.recordMiss()) this.climb();
  }

  onRemove(slot: number): void {
    if (this.pending > 0) this.drain();
    if (slot === this.candidate) this.candidate = this.table.next(slot);
    this.listOf(slot).remove(slot);
  }

  evict(): number {
    if (this.pending > 0) this.drain();
    const t = this.table;
    let candidate = this.candidate;
    if (candidate !== NIL && t.region(candidate) !== PROBATION) candidate = NIL;
    if (candidate === NIL) {
      // No pending candidate: the cache shrank or grew an entry; take the coldest entry.
      const victim = this.probation.head !== NIL ? this.probation.head
        : this.protectedList.head !== NIL ? this.protectedList.head : this.windowList.head;
      if (victim !== NIL) this.listOf(victim).remove(victim);
      return victim;
    }
    const victim = this.probation.head;
    if (victim === candidate || t.weight(candidate) > this.maximum || !this.admit(t.hash(candidate), t.hash(victim))) {
      this.candidate = t.next(candidate);
      this.probation.remove(candidate);
      return candidate;
    }
    this.probation.remove(victim);
    return victim;
  }

  clear(): void {
    this.pending = 0;
    this.windowList.clear();
    this.probation.clear();
    this.protectedList.clear();
    this.candidate = NIL;
    this.sketch.clear();
    this.shadow.clear();
    this.shadowPeriods = 0;
    this.lossStreak = 0;
    this.shadowHits = 0;
    this.sampledHits = 0;
    this.sampledReads = 0;
    this.climber.reset();
  }

  window(): L1WindowStats {
    if (this.pending > 0) this.drain();
    return { maximum: this.windowMaximum, weight: this.windowList.weight };
  }

  /** Applies the buffered hits in order: frequency, list order, hill-climbing sample. */
  private drain(): void {
    const n = this.pending;
    this.pending = 0;
    const reads = this.reads;
    const { hashes, meta } = this.table;
    for (let i = 0; i < n; i++) {
      const slot = reads[i]!;
      const hash = hashes[slot]!;
      this.sketch.increment(hash);
      if ((hash & this.sampleMask) === 0) this.sample(hash, true);
      this.reorderIn(slot, meta[slot]! & REGION_MASK);
      if (this.climber.recordHit()) this.climb();
    }
  }

  /** True when the candidate is estimated more frequent than the victim (or wins the flooding lottery). */
  private admit(candidateHash: number, victimHash: number): boolean {
    const candidateFrequency = this.sketch.frequency(candidateHash);
    if (candidateFrequency > this.sketch.frequency(victimHash)) return true;
    if (candidateFrequency < FLOOD_GUARD_FREQUENCY) return false;
    // An attacker can make a victim look hot via hash collisions and lock the main region;
    // admitting warm candidates 1 time in 128 breaks that without hurting normal hit rates.
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return (x & 127) === 0;
  }

  private reorder(slot: number): void {
    this.reorderIn(slot, this.table.region(slot));
  }

  private reorderIn(slot: number, region: number): void {
    switch (region) {
      case WINDOW:
        this.windowList.moveToTail(slot);
        break;
      case PROBATION:
        this.probation.remove(slot);
        this.protectedList.push(slot);
        if (this.protectedList.weight > this.protectedMaximum) this.demoteProtected();
        break;
      default:
        this.protectedList.moveToTail(slot);
    }
  }

  /** Moves window LRU entries to probation until the window fits; they become candidates when asked. */
  private drainWindow(asCandidates: boolean): void {
    const w = this.windowList;
    while (w.weight > this.windowMaximum && w.head !== NIL) {
      const slot = w.head;
      w.remove(slot);
      this.probation.push(slot);
      if (asCandidates && this.candidate === NIL) this.candidate = slot;
    }
  }

  private demoteProtected(): void {
    const p = this.protectedList;
    while (p.weight > this.protectedMaximum && p.head !== NIL) {
      const slot = p.head;
      p.remove(slot);
      this.probation.push(slot);
    }
  }

  /** Feeds a sampled read (a hit, or a miss followed by its insertion) to the shadow LRU. */
  private sample(hash: number, hit: boolean): void {
    if (this.settings.shadowBoost <= 0) return;
    this.sampledReads++;
    if (hit) this.sampledHits++;
    const s = this.shadow;
    if (s.delete(hash)) this.shadowHits++;
    else if (s.size >= this.shadowCapacity) s.delete(s.keys().next().value as number);
    s.set(hash, true);
    if (this.sampledReads >= this.shadowPeriod) this.compareWithShadow();
  }

  /** Keys sampled 1 in 2^k, shadow capacity scaled by the same 2^k (at least one entry). */
  private sizeShadow(): void {
    let mask = 0;
    while (this.sketch.expectedEntries / (mask + 1) > this.settings.shadowEntries) mask = mask * 2 + 1;
    this.sampleMask = mask;
    this.shadowCapacity = Math.max(1, Math.round(this.sketch.expectedEntries / (mask + 1)));
    this.shadowPeriod = Math.max(this.settings.shadowPeriodMinimum, this.settings.shadowPeriod * this.shadowCapacity);
    this.shadow.clear();
  }

  /**
   * Ends a shadow period. When the shadow LRU hit more of the sampled keys, the window grows in
   * proportion to the lead, at once: between a small window and an LRU-sized one, a recency-biased
   * workload hits less than at either end, so the window must cross that range in few periods.
   */
  private compareWithShadow(): void {
    const lead = (this.shadowHits - this.sampledHits) / this.sampledReads;
    this.shadowHits = 0;
    this.sampledHits = 0;
    this.sampledReads = 0;
    this.lossStreak = lead > this.settings.shadowMargin ? this.lossStreak + 1 : 0;
    // Periods count from the first one that ends with the cache (nearly) full: before, nothing was evicted.
    if (this.shadowPeriods === 0 && this.windowList.weight + this.probation.weight + this.protectedList.weight < this.maximum * FULL) return;
    if (++this.shadowPeriods <= this.settings.shadowWarmup) return;
    // A large lead acts at once; a small one only after a streak (one small loss can be noise).
    const { shadowBoost, shadowGain, shadowBoostMaximum, shadowSurge, shadowStreak } = this.settings;
    if (lead < shadowSurge && this.lossStreak < shadowStreak) return;
    // The climber's sample in progress straddles the jump: drop it, or it would undo the growth.
    this.climber.headUp();
    this.growWindow(Math.max(1, Math.floor(Math.max(shadowBoost, Math.min(shadowBoostMaximum, shadowGain * lead)) * this.maximum)), true);
  }

  private climb(): void {
    const amount = this.climber.adjust();
    if (amount > 0) this.growWindow(amount, false);
    else if (amount < 0) this.shrinkWindow(-amount);
  }

  /**
   * Widens the window, taking the protected segment's share first and then probation's: the
   * window may grow to the whole cache but one unit (W-TinyLFU then behaves as an LRU).
   * `lazily`: the window fills with new entries while the main region's coldest are evicted
   * without an admission contest (evict() with no candidate), instead of moving main entries
   * into the window at once, where the stale ones (a shadow boost follows a recency shift)
   * would sit at its most recent end for a whole window's worth of insertions.
   */
  private growWindow(requested: number, lazily: boolean): void {
    let quota = Math.min(requested, this.maximum - 1 - this.windowMaximum);
    if (quota <= 0) return;
    this.setWindowMaximum(this.windowMaximum + quota);
    this.demoteProtected();
    if (lazily) return;
    // Fill the larger window with the coldest main entries, so the bound on the total still holds.
    const t = this.table;
    while (quota > 0) {
      let slot = this.probation.head;
      let from = this.probation;
      if (slot === NIL || t.weight(slot) > quota) {
        slot = this.protectedList.head;
        from = this.protectedList;
      }
      if (slot === NIL || t.weight(slot) > quota) break;
      quota -= t.weight(slot);
      from.remove(slot);
      this.windowList.push(slot);
    }
    // Give back what could not be filled (the cache is not full yet).
    this.setWindowMaximum(this.windowMaximum - quota);
  }

  /** The protected segment gets what the window leaves of their joint share (never below 0). */
  private setWindowMaximum(windowMaximum: number): void {
    this.windowMaximum = windowMaximum;
    this.protectedMaximum = Math.max(0, this.windowAndProtected - windowMaximum);
  }

  private shrinkWindow(requested: number): void {
    const quota = Math.min(requested, Math.max(0, this.windowMaximum - 1));
    if (quota <= 0) return;
    this.setWindowMaximum(this.windowMaximum - quota);
    this.candidate = NIL;
    this.drainWindow(false);
  }

  private growSketch(): void {
    this.sketch = new FrequencySketch(Math.min(this.maxEntries, this.sketch.expectedEntries * 2), this.settings.countersPerEntry);
    this.climber.samplePeriod = this.settings.sampleMultiplier * this.sketch.expectedEntries;
    this.sizeShadow();
  }

  private listOf(slot: number): SlotList {
    const region = this.table.region(slot);
    return region === WINDOW ? this.windowList : region === PROBATION ? this.probation : this.protectedList;
  }
}
