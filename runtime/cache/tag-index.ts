/**
 * What the local L1 knows about tags: which keys carry a tag (so invalidating it drops
 * exactly those keys), and when each tag was last invalidated, on a local counter, so a
 * value loaded before an invalidation is never put into L1 after it.
 */
export interface TaggedSlot { readonly tags: readonly string[] }

/** Tags invalidated are remembered this long (in count) before falling back to "refuse anything older". */
const REMEMBERED_TAGS = 50_000;

export class TagIndex {
  /** Local invalidation counter; read it before a loader or an L2 read. */
  seq = 0;
  private readonly keysByTag = new Map<string, Map<string, TaggedSlot>>();
  private readonly invalidatedAt = new Map<string, number>();
  /** Anything read before this counter value is refused: a clear, a bus gap, or forgotten tag history. */
  private floor = 0;
  /** Tag history before this counter value was forgotten (REMEMBERED_TAGS). */
  private forgotten = 0;

  /** Records that key (holding slot) carries slot.tags. */
  add(key: string, slot: TaggedSlot): void {
    for (const tag of slot.tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Map()));
      keys.set(key, slot);
    }
  }

  /** Forgets key's tags, if slot is still what the index holds for it. */
  remove(key: string, slot: TaggedSlot): void {
    for (const tag of slot.tags) {
      const keys = this.keysByTag.get(tag);
      if (keys?.get(key) !== slot) continue;
      keys.delete(key);
      if (keys.size === 0) this.keysByTag.delete(tag);
    }
  }

  /** Marks the tags invalidated now; returns the keys that carry any of them. */
  invalidate(tags: readonly string[]): string[] {
    const seq = ++this.seq;
    if (this.invalidatedAt.size + tags.length > REMEMBERED_TAGS) {
      this.invalidatedAt.clear();
      this.floor = seq;
      this.forgotten = seq;
    }
    const keys: string[] = [];
    for (const tag of tags) {
      this.invalidatedAt.set(tag, seq);
      const tagged = this.keysByTag.get(tag);
      if (tagged) for (const key of tagged.keys()) keys.push(key);
    }
    return keys;
  }

  /** Everything read before now is outdated (clear, or a missed bus message). */
  invalidateAll(): void {
    this.floor = ++this.seq;
    this.keysByTag.clear();
  }

  /** Whether something read at counter seq0 with these tags has been invalidated since (a flush counts). */
  invalidatedSince(tags: readonly string[], seq0: number): boolean {
    return seq0 < this.floor || this.tagInvalidatedSince(tags, seq0);
  }

  /** Whether one of these tags was invalidated since seq0 (a flush does not count: it outdates L1, not the value). */
  tagInvalidatedSince(tags: readonly string[], seq0: number): boolean {
    if (seq0 < this.forgotten) return true;
    for (const tag of tags) if ((this.invalidatedAt.get(tag) ?? 0) > seq0) return true;
    return false;
  }
}
