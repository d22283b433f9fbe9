/**
 * Invalidations Redis has not confirmed: tags, deleted keys, or a clear. They are retried
 * until Redis confirms them, and meanwhile this instance refuses what they cover in L2
 * (docs/two-tier.md, "When Redis cannot confirm"). Bounded: past MAX_PENDING tags and keys
 * they collapse into one pending clear, which covers them all.
 */
import type { InvalidationSource } from '../metrics/observer.js';
import type { InvalidatedEvent } from './types.js';

/** Tags, keys and calls remembered before collapsing into a clear. */
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


export class PendingInvalidations {
  /** Each item with the generation it was last added at: a confirmation covers only what it sent. */
  private readonly tags = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  /** One per invalidateTags call waiting, so `onInvalidated` hears each call once. */
  private readonly events: Array<{ event: InvalidatedEvent; generation: number }> = [];
  /** The generation of the last clear added (0: none pending), and the invalidations it swallowed. */
  private clearAt = 0;
  private swallowed: { source: InvalidationSource; startedAt: number } | undefined;
  private generation = 0;

  get size(): number { return this.tags.size + this.keys.size + (this.clearAt ? 1 : 0); }

  /** Remembers an invalidateTags call whose invalidation Redis did not confirm. */
  addTags(event: InvalidatedEvent): void {
    const generation = this.bump();
    if (this.clearAt) { this.swallow(event); return; }
    for (const tag of event.tags) this.tags.set(tag, generation);
    this.events.push({ event, generation });
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
    for (const { event } of this.events) this.swallow(event);
    this.events.length = 0;
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
    return {
      clear: false,
      tags: [...this.tags.keys()],
      keys: [...this.keys.keys()],
      events: this.events.map(({ event }) => event),
      generation: this.generation,
    };
  }

  /** Forgets what `batch` covered, unless it was added again after the batch was taken. */
  confirmed(batch: PendingBatch): void {
    const covered = (at: number) => at <= batch.generation;
    if (batch.clear) {
      if (covered(this.clearAt)) { this.clearAt = 0; this.swallowed = undefined; }
      for (const [tag, generation] of this.tags) if (covered(generation)) this.tags.delete(tag);
      for (const [key, generation] of this.keys) if (covered(generation)) this.keys.delete(key);
    } else {
      for (const tag of batch.tags) if (covered(this.tags.get(tag) ?? Infinity)) this.tags.delete(tag);
      for (const key of batch.keys) if (covered(this.keys.get(key) ?? Infinity)) this.keys.delete(key);
    }
    // Every call added up to the batch's generation had all its tags in the batch.
    while (this.events.length > 0 && covered(this.events[0]!.generation)) this.events.shift();
  }

  /** A new generation; a pending clear must now cover it too, so it is not yet sent (one on its way may not). */
  private bump(): number {
    const generation = ++this.generation;
    if (this.clearAt) this.clearAt = generation;
    return generation;
  }

  private collapseWhenFull(): void {
    if (this.tags.size + this.keys.size + this.events.length > MAX_PENDING) this.addClear();
  }

  /** A tag invalidation the pending clear now stands for: `onInvalidated` hears `all` instead. */
  private swallow({ source, startedAt }: InvalidatedEvent): void {
    this.swallowed = { source, startedAt: Math.min(startedAt, this.swallowed?.startedAt ?? startedAt) };
  }
}
