/**
 * Where a namespace's data lives in Redis.
 *
 * Every key starts with `<ns>:{<ns>#<shard>}:`. Redis Cluster hashes only the part in the
 * first braces, so an entry, its lease, the shard's epoch, clear floor and tag versions
 * all share one slot: every script touches one slot, which is legal in a cluster.
 * Tag versions are kept once per shard; invalidating a tag writes it in every shard
 * (O(shards), never O(entries)). Standalone Redis uses one shard.
 */
export class KeyLayout {
  readonly prefixes: readonly string[];
  readonly channel: string;

  constructor(readonly namespace: string, readonly shards: number) {
    if (!/^[^{}\s]+$/.test(namespace)) {
      throw new TypeError(`createCache: namespace "${namespace}" must be non-empty and contain no braces or spaces`);
    }
    if (!Number.isInteger(shards) || shards < 1 || shards > 1024) {
      throw new TypeError(`createCache: l2.shards must be an integer from 1 to 1024, got ${shards}`);
    }
    this.prefixes = Array.from({ length: shards }, (_, s) => `${namespace}:{${namespace}#${s}}:`);
    this.channel = `${namespace}:bus`;
  }

  /** The shard of a key: FNV-1a of its UTF-16 units, modulo the shard count. */
  shardOf(key: string): number {
    if (this.shards === 1) return 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return (h >>> 0) % this.shards;
  }

  /** The key prefix of a shard. */
  prefix(shard: number): string { return this.prefixes[shard]!; }
  entry(prefix: string, key: string): string { return `${prefix}e:${key}`; }
  lease(prefix: string, key: string): string { return `${prefix}l:${key}`; }
  epoch(prefix: string): string { return `${prefix}epoch`; }
  clearFloor(prefix: string): string { return `${prefix}clear`; }
  /** The longest lifetime (ms) among the shard's entries that may still be alive: how long a tag stamp is needed. */
  life(prefix: string): string { return `${prefix}life`; }
  /** Prefix of tag version keys; the scripts append the tag. */
  tagPrefix(prefix: string): string { return `${prefix}t:`; }
  /** SCAN pattern matching every entry of the namespace. */
  entryPattern(): string { return `${this.namespace}:{${this.namespace}#*}:e:*`; }
}
