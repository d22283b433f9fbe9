import type { L1PolicyName, L1WindowStats } from './types.js';

/**
 * What the cache asks of an eviction policy. The cache owns the slots, the key index and
 * the bounds; the policy owns the order of slots and picks victims. All calls are O(1)
 * amortized. A slot passed in is always live and (except to onInsert) linked by the policy.
 */
export interface EvictionPolicy {
  readonly name: L1PolicyName;
  /** A new entry was stored in slot (its hash and weight are already set). */
  onInsert(slot: number): void;
  /** The entry in slot was read: update recency / frequency. */
  onHit(slot: number): void;
  /** The entry in slot was overwritten by set(): an access, and its weight changed by delta. */
  onUpdate(slot: number, weightDelta: number): void;
  /** A read found nothing usable (feeds adaptive sizing). */
  onMiss(): void;
  /** Unlinks slot, which leaves for a reason other than eviction by the policy. */
  onRemove(slot: number): void;
  /** Picks the next entry to evict for size and unlinks it; NIL when no entry is left. */
  evict(): number;
  /** Forgets every entry (and, for TinyLFU, the frequency history). */
  clear(): void;
  /** Window state, for stats(); undefined for policies without one. */
  window(): L1WindowStats | undefined;
}
