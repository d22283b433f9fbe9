/**
 * Replays the log's reads through the runtime's own L1 (`L1Cache`, W-TinyLFU or LRU) on the
 * log's clock, several configurations side by side in one pass: a read looks its key up, a
 * miss answered 2xx stores an entry of the size the runtime would store once the origin has
 * answered (reads of the key meanwhile wait for that load: misses, as the cache's single flight
 * makes them), a stale entry inside `swr` is served and refreshed, and a successful write drops
 * every entry carrying a tag it invalidates (as the cache's tag index does; a load in flight
 * across the write is dropped too, as the cache refuses it).
 *
 * Beyond a few tens of thousands of keys the replay samples keys by hash (`sampleRate`), and
 * each L1 gets the same share of its bytes: the hit ratio of the sample estimates the whole
 * one (spatial sampling, as in SHARDS; docs/advise.md, "Memory").
 */
import { L1Cache, type L1PolicyName } from '@cachegen/runtime';
import type { AccessVisitor } from './log/accesses.js';
import { hash32, TimeTable } from './sketches.js';
import type { Access, ReadAccess, WriteAccess } from './traffic.js';

/** How one operation is cached in a configuration. */
export interface SimPolicy {
  ttl: number;
  swr: number;
}

/** One L1 configuration to replay. */
export interface SimConfig {
  /** L1 bytes, before sampling (Infinity: large enough to hold every entry). */
  maxBytes: number;
  policy: L1PolicyName;
  /** Per read plan index: its ttl and swr, or undefined when it is not cached in this configuration. */
  policies: ReadonlyArray<SimPolicy | undefined>;
  /** false: writes drop nothing, and hits a write's tags would have dropped are counted as stale. */
  invalidate: boolean;
}

/** What one configuration did for one operation (counts over the sampled keys). */
export interface OpOutcome {
  lookups: number;
  hits: number;
  /** Hits on an entry whose path a write changed after it was stored (a change no tag covered). */
  staleByPath: number;
  /** In a configuration without invalidation: hits on an entry a write's tags would have dropped. */
  staleByTags: number;
}

export interface SimResult {
  config: SimConfig;
  ops: OpOutcome[];
}

interface Entry {
  /** When the origin read the data (the miss's arrival), ms. */
  at: number;
  /** When the origin's answer was stored: reads before it wait for the load (misses). */
  readyAt: number;
  labels: readonly string[];
  labelHashes: readonly number[];
  resources: readonly number[];
}

const UNBOUNDED_BYTES = 2 ** 50;
const NONE: readonly number[] = Object.freeze([]);

/** One L1 being replayed, with the labels of what it holds. */
class SimCache {
  readonly l1: L1Cache<Entry>;
  private readonly byLabel = new Map<string, Map<string, Entry>>();
  readonly ops: OpOutcome[];

  constructor(readonly config: SimConfig, sampleRate: number, clock: () => number, opCount: number) {
    const maxBytes = config.maxBytes === Infinity ? UNBOUNDED_BYTES : Math.max(1, Math.round(config.maxBytes * sampleRate));
    this.l1 = new L1Cache<Entry>({
      maxBytes,
      policy: config.policy,
      clock,
      onEvict: (key, entry) => this.forget(key, entry),
    });
    this.ops = Array.from({ length: opCount }, () => ({ lookups: 0, hits: 0, staleByPath: 0, staleByTags: 0 }));
  }

  read(access: ReadAccess, now: number, policy: SimPolicy, writes: WriteTimes): void {
    const key = access.key!;
    const outcome = this.ops[access.plan.index]!;
    outcome.lookups++;
    const found = this.l1.lookup(key);
    const ok = access.record.status >= 200 && access.record.status < 300;
    if (found !== undefined && now >= found.value.readyAt) {
      outcome.hits++;
      const entry = found.value;
      if (writes.changedSince(entry.resources, writes.byResource, entry.at)) outcome.staleByPath++;
      if (!this.config.invalidate && writes.changedSince(entry.labelHashes, writes.byLabel, entry.at)) outcome.staleByTags++;
      // A stale entry is served and refreshed in the background: the refresh stores it again, now.
      if (found.stale && ok) this.store(key, access, now, policy, entry.labelHashes, now);
      return;
    }
    // Joins the load in flight, if any; else this read is the load.
    if (found === undefined && ok) this.store(key, access, now, policy, undefined, now + access.loadSeconds * 1000);
  }

  /** Stores the answer to a load that started now; `readyAt`: when reads may use it (a refresh keeps serving the stale entry, so at once). */
  private store(key: string, access: ReadAccess, now: number, policy: SimPolicy, labelHashes: readonly number[] | undefined, readyAt: number): void {
    const entry: Entry = { at: now, readyAt, labels: access.labels, labelHashes: labelHashes ?? (this.config.invalidate ? NONE : access.labels.map(hash32)), resources: access.resources };
    // Fresh for ttl from when the answer arrives, as the cache stores it then.
    const ttl = policy.ttl + access.loadSeconds;
    if (!this.l1.set(key, entry, { ttl, stale: policy.swr, size: access.size })) return;
    // The policy may turn a newcomer away (W-TinyLFU admission): only a kept entry is indexed.
    if (this.l1.peek(key) !== entry) return;
    for (const label of entry.labels) {
      let keys = this.byLabel.get(label);
      if (!keys) this.byLabel.set(label, (keys = new Map()));
      keys.set(key, entry);
    }
  }

  /** Drops every entry carrying one of the labels. */
  invalidate(labels: readonly string[]): void {
    for (const label of labels) {
      const keys = this.byLabel.get(label);
      if (!keys) continue;
      for (const key of [...keys.keys()]) this.l1.delete(key);
    }
  }

  private forget(key: string, entry: Entry): void {
    for (const label of entry.labels) {
      const keys = this.byLabel.get(label);
      if (keys?.get(key) !== entry) continue;
      keys.delete(key);
      if (keys.size === 0) this.byLabel.delete(label);
    }
  }
}

/** When each resource and label was last written (fixed tables; see TimeTable). */
class WriteTimes {
  readonly byResource = new TimeTable(20);
  readonly byLabel = new TimeTable(20);

  record(access: WriteAccess, labelHashes: readonly number[]): void {
    const at = access.record.time;
    for (const r of access.resources) this.byResource.set(r, at);
    for (const l of labelHashes) this.byLabel.set(l, at);
  }

  /** True when any of the hashes was written after `at`. */
  changedSince(hashes: readonly number[], table: TimeTable, at: number): boolean {
    for (const h of hashes) if (table.get(h) > at) return true;
    return false;
  }
}

/** Replays accesses through every configuration at once; read `results()` after the pass. */
export class Replay implements AccessVisitor {
  private readonly caches: SimCache[];
  private readonly writes = new WriteTimes();
  private readonly threshold: number;
  private readonly hashLabels: boolean;
  private now = -Infinity;

  /** `sampleRate` in (0, 1]: the share of keys replayed. */
  constructor(configs: SimConfig[], readonly sampleRate: number, opCount: number) {
    const clock = () => this.now;
    this.caches = configs.map((config) => new SimCache(config, sampleRate, clock, opCount));
    this.threshold = sampleRate >= 1 ? Infinity : sampleRate * 2 ** 32;
    this.hashLabels = configs.some((c) => !c.invalidate);
  }

  access(access: Access): void {
    if (access.kind === 'unmatched') return;
    const time = access.record.time;
    if (time > this.now) this.now = time;
    if (access.kind === 'write') {
      if (!access.succeeded) return;
      this.writes.record(access, this.hashLabels ? access.labels.map(hash32) : []);
      for (const cache of this.caches) if (cache.config.invalidate) cache.invalidate(access.labels);
      return;
    }
    if (access.key === undefined || access.keyHash >= this.threshold) return;
    for (const cache of this.caches) {
      const policy = cache.config.policies[access.plan.index];
      if (policy) cache.read(access, this.now, policy, this.writes);
    }
  }

  /** What every configuration did, in the order given. */
  results(): SimResult[] {
    return this.caches.map((c) => ({ config: c.config, ops: c.ops }));
  }
}
