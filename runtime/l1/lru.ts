import type { EvictionPolicy } from './policy.js';
import { NIL, SlotList, type SlotTable } from './slots.js';
import type { L1WindowStats } from './types.js';

/** Plain least-recently-used order: the baseline our benchmarks compare W-TinyLFU with. */
export class LruPolicy implements EvictionPolicy {
  readonly name = 'lru' as const;
  private readonly order: SlotList;

  constructor(table: SlotTable<unknown>) {
    this.order = new SlotList(table, 0);
  }

  onInsert(slot: number): void {
    this.order.push(slot);
  }

  onHit(slot: number): void {
    this.order.moveToTail(slot);
  }

  onUpdate(slot: number, weightDelta: number): void {
    this.order.weight += weightDelta;
    this.order.moveToTail(slot);
  }

  onMiss(): void {}

  onRemove(slot: number): void {
    this.order.remove(slot);
  }

  evict(): number {
    const victim = this.order.head;
    if (victim !== NIL) this.order.remove(victim);
    return victim;
  }

  clear(): void {
    this.order.clear();
  }

  window(): L1WindowStats | undefined {
    return undefined;
  }
}
