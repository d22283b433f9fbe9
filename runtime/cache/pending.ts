/**
 * Invalidations Redis has not confirmed: tags, deleted keys, or a clear. They are retried
 * until Redis confirms them, and meanwhile this instance refuses what they cover in L2
 * (docs/two-tier.md, "When Redis cannot confirm"). Bounded: past MAX_PENDING tags and keys
 * they collapse into one pending clear, which covers them all.
 */
import type { InvalidationSource } from '../metrics/observer.js';
import type { InvalidatedEvent } from './types.js';

/** Tags and keys remembered before collapsing into a clear. */
export const MAX_PENDING = 10_000;

/** One attempt's worth: a clear, or tags and keys; `events` are what `onInvalidated` hears once it is confirmed. */
export interface PendingBatch {
  clear: boolean;
  tags: string[];
  keys: string[];
  events: InvalidatedEvent[];
  /** Everything added up to this generation is covered once the batch is confirmed. */
  generation: number;
}

interface PendingTag { generation: number; source: InvalidationSource; startedAt: number }

export class PendingInvalidations {
  /** Each item with the generation it was last added at: a confirmation covers only what it sent. */
  private readonly tags = new Map<string, PendingTag>();
  private readonly keys = new Map<string, number>();
  /** The generation of the last clear added (0: none pending), and the invalidations it swallowed. */
  private clearAt = 0;
  private swallowed: { source: InvalidationSource; startedAt: number } | undefined;
  private generation = 0;

  get size(): number { return this.tags.size + this.keys.size + (this.clearAt ? 1 : 0); }

  /** Remembers tags whose invalidation Redis did not confirm. */
  addTags(tags: readonly string[], source: InvalidationSource, startedAt: number): void {
    const generation = this.bump();
    if (this.clearAt) { this.swallow(source, startedAt); return; }
    for (const tag of tags) this.tags.set(tag, { generation, source, startedAt: Math.min(startedAt, this.tags.get(tag)?.startedAt ?? startedAt) });
    this.collapseWhenFull();
  }

  /** Remembers keys whose delete Redis did not confirm. */
  addKeys(keys: readonly string[]): void {
    const generation = this.bump();
    if (this.clearAt) return;
    for (const key of keys) this.keys.set(key, generation);
    this.collapseWhenFull();
  }

  /** Remembers a clear Redis did not confirm; it covers every tag and key pending before it. */
  addClear(): void {
    for (const { source, startedAt } of this.tags.values()) this.swallow(source, startedAt);
    this.clearAt = this.bump();
    this.tags.clear();
    this.keys.clear();
  }

  /** Whether an L2 entry of `key` carrying `tags` may be outdated by something not yet confirmed. */
  covers(key: string, tags: readonly string[]): boolean {
    if (this.clearAt) return true;
    if (this.keys.size > 0 && this.keys.has(key)) return true;
    if (this.tags.size > 0) for (const tag of tags) if (this.tags.has(tag)) return true;
    return false;
  }

  /** What to send next; undefined when nothing is pending. */
  next(): PendingBatch | undefined {
    if (this.size === 0) return undefined;
    if (this.clearAt) {
      const events = this.swallowed ? [{ tags: [], all: true, ...this.swallowed }] : [];
      return { clear: true, tags: [], keys: [], events, generation: this.generation };
    }
    const bySource = new Map<InvalidationSource, { tags: string[]; startedAt: number }>();
    for (const [tag, { source, startedAt }] of this.tags) {
      const group = bySource.get(source) ?? { tags: [], startedAt };
      group.tags.push(tag);
      group.startedAt = Math.min(group.startedAt, startedAt);
      bySource.set(source, group);
    }
    return {
      clear: false,
      tags: [...this.tags.keys()],
      keys: [...this.keys.keys()],
      events: [...bySource].map(([source, group]) => ({ source, ...group })),
      generation: this.generation,
    };
  }

  /** Forgets what `batch` covered, unless it was added again after the batch was taken. */
  confirmed(batch: PendingBatch): void {
    const covered = (at: number) => at <= batch.generation;
    if (batch.clear) {
      if (covered(this.clearAt)) { this.clearAt = 0; this.swallowed = undefined; }
      for (const [tag, { generation }] of this.tags) if (covered(generation)) this.tags.delete(tag);
      for (const [key, generation] of this.keys) if (covered(generation)) this.keys.delete(key);
      return;
    }
    for (const tag of batch.tags) if (covered(this.tags.get(tag)?.generation ?? Infinity)) this.tags.delete(tag);
    for (const key of batch.keys) if (covered(this.keys.get(key) ?? Infinity)) this.keys.delete(key);
  }

  /** A new generation; a pending clear must now cover it too, so it is not yet sent (one on its way may not). */
  private bump(): number {
    const generation = ++this.generation;
    if (this.clearAt) this.clearAt = generation;
    return generation;
  }

  private collapseWhenFull(): void {
    if (this.tags.size + this.keys.size > MAX_PENDING) this.addClear();
  }

  /** A tag invalidation the pending clear now stands for: `onInvalidated` hears `all` instead. */
  private swallow(source: InvalidationSource, startedAt: number): void {
    this.swallowed = { source, startedAt: Math.min(startedAt, this.swallowed?.startedAt ?? startedAt) };
  }
}
