/**
 * The Redis L2: entries as binary envelopes, per-shard tag versions, leases, and the
 * circuit breaker that keeps a broken Redis from failing or slowing requests.
 *
 * Every method answers `undefined` (or false) instead of throwing when Redis fails, times
 * out, or the circuit is open: the caller falls back to L1 and the loader. What Redis holds is
 * not trusted to be well-formed: a malformed entry is a miss (counted and deleted), and a
 * counter that is not a number refuses the entries it guards.
 */
import type { Redis, Cluster, RedisOptions } from 'ioredis';
import { requirePeer } from '../peer.js';
import type { CacheObserver, CircuitState } from '../metrics/observer.js';
import { CircuitBreaker } from './circuit.js';
import { ENVELOPE_VERSION, EPOCH_OFFSET, FRESH_OFFSET, HEADER_LENGTH, TAG_COUNT_OFFSET } from './envelope.js';
import { KeyLayout } from './layout.js';
import { CLEAR_SCRIPT, DISCARD_SCRIPT, INVALIDATE_SCRIPT, RELEASE_SCRIPT, WRITE_SCRIPT } from './scripts.js';

export type RedisClient = Redis | Cluster;

export interface L2Options {
  /** A URL, an ioredis client (Redis or Cluster; not closed by the cache) or ioredis options. */
  redis: string | Redis | Cluster | RedisOptions;
  /** Bound on every Redis command, ms (default 250): a slow Redis costs at most this per request. */
  commandTimeoutMs?: number;
  /** Deflate values of at least this many bytes in L2 (default: never; see docs/benchmarks/two-tier.md). */
  compressAbove?: number;
  /** Slots the namespace is spread over (default 1 standalone, 16 for a Cluster). */
  shards?: number;
  /** Consecutive failures that open the circuit (default 3). */
  circuitFailures?: number;
  /** How long the circuit stays open before one probe, ms (default 1000, on the cache's clock). */
  circuitOpenMs?: number;
  /** Lifetime of the cross-instance loader lease, ms (default 5000): waiters call the loader themselves after it. */
  leaseMs?: number;
  /** Longest pause between polls of a waiter for the lease owner's value, ms (default 50). */
  leasePollMs?: number;
}

export interface L2Read {
  /** The envelope, when present and not outdated by a tag invalidation or a clear. */
  entry: Buffer | null;
  /** The shard's epoch at the time of the read: to be recorded by an entry loaded after it. */
  epoch: number;
  leaseAcquired: boolean;
}

interface ScriptCommands {
  cachegenWrite(entry: string, floor: string, life: string, epochKey: string, tagPrefix: string, envelope: Buffer, px: number, epoch: number, ageMs: number, ...tags: string[]): Promise<number>;
  cachegenInvalidate(epoch: string, life: string, tagPrefix: string, ...tags: string[]): Promise<number>;
  cachegenDiscard(entry: string, bytes: Buffer): Promise<number>;
  cachegenClear(epoch: string, floor: string): Promise<number>;
  cachegenRelease(lease: string, token: string): Promise<number>;
}

interface Logger { warn(msg: string): void; info?(msg: string): void }

export interface RedisL2Deps {
  namespace: string;
  observer: CacheObserver;
  logger: Logger;
  clock: () => number;
  /** Called after the circuit changed state (after it was logged and counted). */
  onCircuit?: (state: CircuitState) => void;
}

/** What became of a write: stored, refused because a tag or clear moved past its epoch, or failed (Redis unavailable). */
export type L2WriteOutcome = 'stored' | 'refused' | 'failed';

/** Connects to Redis (or adopts the given client) and exposes the cache's L2 operations. */
export class RedisL2 {
  readonly client: RedisClient;
  readonly layout: KeyLayout;
  readonly leaseMs: number;
  readonly leasePollMs: number;
  readonly compressAbove: number;
  private readonly owned: boolean;
  private readonly isCluster: boolean;
  private readonly circuit: CircuitBreaker;
  private readonly scripts: ScriptCommands;
  private readonly deps: RedisL2Deps;
  /** The last state logged: the log says "down" and "up" once each, not every failed probe. */
  private reported: CircuitState = 'closed';
  /** The background deletion of a clear's entries, while it runs. */
  private unlinking: Promise<unknown> | undefined;
  private closing = false;

  constructor(options: L2Options, deps: RedisL2Deps) {
    this.deps = deps;
    const timeout = positive(options.commandTimeoutMs ?? 250, 'l2.commandTimeoutMs');
    this.leaseMs = positive(options.leaseMs ?? 5000, 'l2.leaseMs');
    this.leasePollMs = positive(options.leasePollMs ?? 50, 'l2.leasePollMs');
    this.compressAbove = options.compressAbove ?? Infinity;
    const spec = options.redis;
    const ours: RedisOptions = {
      commandTimeout: timeout,
      maxRetriesPerRequest: 1,
      connectTimeout: Math.max(1000, timeout * 4),
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
    };
    const { Redis, Cluster } = requirePeer<typeof import('ioredis')>('ioredis');
    if (spec instanceof Redis || spec instanceof Cluster) {
      this.client = spec;
      this.owned = false;
    } else if (typeof spec === 'string') {
      this.client = new Redis(spec, ours);
      this.owned = true;
    } else if (spec && typeof spec === 'object') {
      this.client = new Redis({ ...spec, ...ours });
      this.owned = true;
    } else {
      throw new TypeError('createCache: l2.redis must be a URL, ioredis options, or an ioredis Redis/Cluster client');
    }
    this.isCluster = this.client instanceof Cluster;
    this.layout = new KeyLayout(deps.namespace, options.shards ?? (this.isCluster ? 16 : 1));
    this.client.on('error', () => { /* reported through command failures and the circuit, once per state change */ });
    const define = (name: string, numberOfKeys: number, lua: string) => this.client.defineCommand(name, { numberOfKeys, lua });
    define('cachegenWrite', 4, WRITE_SCRIPT);
    define('cachegenInvalidate', 2, INVALIDATE_SCRIPT);
    define('cachegenDiscard', 1, DISCARD_SCRIPT);
    define('cachegenClear', 2, CLEAR_SCRIPT);
    define('cachegenRelease', 1, RELEASE_SCRIPT);
    this.scripts = this.client as unknown as ScriptCommands;
    this.circuit = new CircuitBreaker({
      failureThreshold: options.circuitFailures ?? 3,
      openMs: options.circuitOpenMs ?? 1000,
      clock: deps.clock,
      onChange: (state) => this.onCircuit(state),
    });
    void this.checkEvictionPolicy();
  }

  /** The circuit's state: 'open' means Redis is being skipped. */
  get circuitState(): CircuitState { return this.circuit.current; }

  /**
   * Reads an entry with its tag check, and the shard epoch; with a token, also takes the key's
   * lease when the entry is missing or not fresh at `now`.
   *
   * One MGET (one round trip, one slot, atomic): the entry, the shard's epoch, its clear floor
   * and the stamps of `tags` — the tags the caller knows before reading (the request's), which
   * are usually all the entry carries. Only an entry with other tags (response-derived ones)
   * costs a second MGET for their stamps, and only a miss or a stale entry a `SET NX PX` for
   * the lease. Stamps and floor only grow, so reading them after the entry never serves an
   * entry invalidated before the read.
   */
  read(key: string, leaseToken = '', now = 0, tags: readonly string[] = NO_TAGS): Promise<L2Read | undefined> {
    if (!this.circuit.allow()) return Promise.resolve(undefined);
    const l = this.layout;
    const p = l.prefix(l.shardOf(key));
    const tagPrefix = l.tagPrefix(p);
    const keys = [l.entry(p, key), l.epoch(p), l.clearFloor(p)];
    for (let i = 0; i < tags.length; i++) keys.push(tagPrefix + tags[i]);
    // The common case (a fresh entry whose tags were all known) settles in this one callback.
    return this.client.mgetBuffer(keys).then((reply: (Buffer | null)[]) => {
      const entry = reply[0] ?? null;
      const epoch = counter(reply[1]);
      if (!Number.isFinite(epoch)) return this.failed('get'); // a shard epoch that is not a number guards nothing
      const verdict = entry ? this.verdict(keys[0]!, entry, tags, reply) : false;
      if (verdict === true && !(leaseToken && entry!.readDoubleBE(FRESH_OFFSET) <= now)) {
        this.circuit.success();
        return { entry, epoch, leaseAcquired: false };
      }
      return this.finishRead(l.lease(p, key), keys, tags, reply, verdict, leaseToken, now, tagPrefix);
    }, () => this.failed('get'));
  }

  /**
   * The rest of a read: stamps of tags the caller did not know; then, for a missing or stale
   * entry, the lease (`SET NX PX`) and — in the same round trip, after it — the entry again:
   * an owner that stored its value and released the lease between our two round trips must
   * not make us load a second time, so a fresh entry found then is served and the lease given back.
   */
  private async finishRead(lease: string, keys: string[], tags: readonly string[], reply: (Buffer | null)[],
    verdict: boolean | string[], leaseToken: string, now: number, tagPrefix: string): Promise<L2Read | undefined> {
    try {
      let entry = await this.verified(reply, verdict, tagPrefix);
      let epoch = counter(reply[1]);
      let leaseAcquired = false;
      if (leaseToken && (!entry || entry.readDoubleBE(FRESH_OFFSET) <= now)) {
        let results: [Error | null, unknown][];
        try {
          results = (await this.client.pipeline().set(lease, leaseToken, 'PX', this.leaseMs, 'NX').mgetBuffer(keys).exec()) ?? [];
        } catch (err) {
          // A timed-out SET may still run once Redis answers, taking a lease nobody will use:
          // queue its release behind it (past the circuit) so waiters are not held for leaseMs.
          this.scripts.cachegenRelease(lease, leaseToken).catch(() => {});
          throw err;
        }
        const [[setError, set] = [null, null], [readError, again] = [null, null]] = results;
        if (setError) throw setError;
        if (set === 'OK') {
          if (readError || !Array.isArray(again)) {
            this.scripts.cachegenRelease(lease, leaseToken).catch(() => {});
            throw readError ?? new Error('cachegen: no reply to the read after the lease');
          }
          const second = again as (Buffer | null)[];
          const found = second[0] ?? null;
          entry = await this.verified(second, found ? this.verdict(keys[0]!, found, tags, second) : false, tagPrefix);
          epoch = counter(second[1]);
          if (!Number.isFinite(epoch)) throw new Error('cachegen: the shard epoch is not a number');
          leaseAcquired = true;
          if (entry && entry.readDoubleBE(FRESH_OFFSET) > now) {
            leaseAcquired = false;
            this.scripts.cachegenRelease(lease, leaseToken).catch(() => {});
          }
        }
      }
      this.circuit.success();
      return { entry, epoch, leaseAcquired };
    } catch {
      return this.failed('get');
    }
  }

  /** The entry of `reply` when `verdict` (from check) and, if needed, the stamps of its other tags allow serving it; else null. */
  private async verified(reply: (Buffer | null)[], verdict: boolean | string[], tagPrefix: string): Promise<Buffer | null> {
    const entry = reply[0] ?? null;
    if (!entry || verdict === false) return null;
    if (verdict === true) return entry;
    const e = entry.readDoubleBE(EPOCH_OFFSET);
    const stamps = (await this.client.mgetBuffer(verdict.map((t) => tagPrefix + t))) as (Buffer | null)[];
    for (const stamp of stamps) if (!(counter(stamp) <= e)) return null;
    return entry;
  }

  /** check(), after deleting an entry that is not a well-formed envelope (it answers false then). */
  private verdict(entryKey: string, entry: Buffer, known: readonly string[], reply: readonly (Buffer | null)[]): boolean | string[] {
    const verdict = this.check(entry, known, reply);
    if (verdict !== CORRUPT) return verdict;
    this.discardKey(entryKey, entry);
    return false;
  }

  /**
   * Whether an envelope may be served, as far as `stamps` tell (the MGET reply: the shard's
   * epoch at index 1, its clear floor at 2, the stamps of `known` from 3 on): CORRUPT for bytes
   * that are not a well-formed version-1 envelope; false for one whose epoch is below the
   * clear floor or a known tag's stamp (or when one of them is not a number); true when it
   * carries no other tag; otherwise the tags whose stamps are still to be read (none when the
   * shard's epoch has not moved past the entry's).
   */
  private check(entry: Buffer, known: readonly string[], stamps: readonly (Buffer | null)[]): boolean | string[] | typeof CORRUPT {
    if (entry.byteLength < HEADER_LENGTH || entry[0] !== ENVELOPE_VERSION) return CORRUPT;
    const e = entry.readDoubleBE(EPOCH_OFFSET);
    if (!Number.isFinite(e)) return CORRUPT;
    if (!(counter(stamps[2]) <= e)) return false;
    // An epoch above the shard's comes from before Redis lost its data: no new stamp could refuse it.
    if (!(e <= counter(stamps[1]))) return false;
    // A stamp is the shard epoch of its invalidation, so no stamp exceeds the current epoch: when
    // the shard has seen no invalidation since the entry's epoch, its unread tags need no look-up.
    const invalidatedSince = !(counter(stamps[1]) <= e);
    const count = entry.readUInt16BE(TAG_COUNT_OFFSET);
    let pos = HEADER_LENGTH;
    let unknown: string[] | undefined;
    for (let i = 0; i < count; i++) {
      if (pos + 2 > entry.byteLength) return CORRUPT;
      const end = pos + 2 + entry.readUInt16BE(pos);
      if (end > entry.byteLength) return CORRUPT;
      const tag = entry.toString('utf8', pos + 2, end);
      pos = end;
      const at = known.indexOf(tag);
      if (at < 0) { if (invalidatedSince) (unknown ??= []).push(tag); }
      else if (!(counter(stamps[3 + at]) <= e)) return false;
    }
    return unknown ?? true;
  }

  /**
   * Stores an envelope unless one of its tags was invalidated after `epoch`, or `epoch` was
   * read more than MAX_WRITE_AGE_MS ago (`epochReadAt`: performance.now() just before that read).
   */
  async write(key: string, envelope: Buffer, ttlMs: number, epoch: number, epochReadAt: number, tags: readonly string[]): Promise<L2WriteOutcome> {
    const p = this.layout.prefix(this.layout.shardOf(key));
    const l = this.layout;
    // PX only frees memory (freshness is in the envelope); capped where Lua still prints it as an integer.
    const px = Math.min(Math.max(1, Math.ceil(ttlMs)), MAX_PX);
    const stored = await this.run('set', () => this.scripts.cachegenWrite(
      l.entry(p, key), l.clearFloor(p), l.life(p), l.epoch(p), l.tagPrefix(p), envelope, px, epoch, Math.ceil(performance.now() - epochReadAt), ...tags));
    if (stored === undefined) return 'failed';
    return Number(stored) === 1 ? 'stored' : 'refused';
  }

  /** Stamps the tags with a new epoch in every shard; returns the new epochs, or undefined when Redis failed. */
  async invalidate(tags: readonly string[]): Promise<number[] | undefined> {
    const l = this.layout;
    const epochs = await this.run('invalidate', () =>
      Promise.all(l.prefixes.map((p) => this.scripts.cachegenInvalidate(l.epoch(p), l.life(p), l.tagPrefix(p), ...tags))));
    return epochs?.map(Number);
  }

  /**
   * Makes every stored entry of the namespace unservable at once (true once Redis confirmed it),
   * then deletes them in the background: the SCAN of a large keyspace must not delay the answer.
   */
  async clear(): Promise<boolean> {
    const l = this.layout;
    const ok = await this.run('clear', () => Promise.all(l.prefixes.map((p) => this.scripts.cachegenClear(l.epoch(p), l.clearFloor(p)))));
    if (ok !== undefined) this.unlinking ??= this.run('clear', () => this.unlinkEntries()).finally(() => { this.unlinking = undefined; });
    return ok !== undefined;
  }

  /** Deletes entries (one command per key: keys of different shards may live in different cluster slots); false when Redis failed. */
  async delete(keys: readonly string[]): Promise<boolean> {
    const l = this.layout;
    return (await this.run('delete', () => Promise.all(keys.map((key) => this.client.del(l.entry(l.prefix(l.shardOf(key)), key)))))) !== undefined;
  }

  /** Deletes an entry that could not be decoded (unless it was rewritten since it was read) and counts it; never waits, never throws. */
  discard(key: string, bytes: Buffer): void {
    this.discardKey(this.layout.entry(this.layout.prefix(this.layout.shardOf(key)), key), bytes);
  }

  private discardKey(entryKey: string, bytes: Buffer): void {
    this.deps.observer.eviction('l2', 'corrupt');
    this.scripts.cachegenDiscard(entryKey, bytes).catch(() => { /* it stays a miss; its PX removes it */ });
  }

  /** Gives the lease back, only if this token still owns it. */
  async release(key: string, token: string): Promise<void> {
    const p = this.layout.prefix(this.layout.shardOf(key));
    await this.run('release', () => this.scripts.cachegenRelease(this.layout.lease(p, key), token));
  }

  /** Publishes on the bus channel; false when Redis failed. */
  async publish(channel: string, message: string): Promise<boolean> {
    return (await this.run('publish', () => this.client.publish(channel, message))) !== undefined;
  }

  /** A second connection for subscribing (a subscribed connection can do nothing else). */
  duplicate(): RedisClient {
    // Named, so operators (and the tests) can tell the bus connection apart in CLIENT LIST.
    const connectionName = `${this.deps.namespace}:bus`;
    return this.isCluster
      ? (this.client as Cluster).duplicate(undefined, { redisOptions: { ...(this.client as Cluster).options.redisOptions, connectionName } })
      // No command timeout and no retry limit: SUBSCRIBE waits for Redis however long it is away.
      // No autoResubscribe: the bus subscribes on every 'ready' itself and handles the answer;
      // ioredis's own re-SUBSCRIBE has no handler, so a connection closed before its answer
      // ("Connection is closed.") was an unhandled rejection, which ends a Node process.
      : (this.client as Redis).duplicate({ connectionName, commandTimeout: undefined, maxRetriesPerRequest: null, autoResubscribe: false });
  }

  /** Stops a clear's background deletion, and closes the connection if the cache opened it. */
  async close(): Promise<void> {
    this.closing = true;
    await this.unlinking;
    if (this.owned) await closeClient(this.client);
  }

  /** Counts a failed command toward the circuit; answers undefined. */
  private failed(operation: string): undefined {
    this.deps.observer.l2Error(operation);
    this.circuit.failure();
    return undefined;
  }

  private async run<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    if (!this.circuit.allow()) return undefined;
    try {
      const result = await call();
      this.circuit.success();
      return result;
    } catch {
      this.deps.observer.l2Error(operation);
      this.circuit.failure();
      return undefined;
    }
  }

  private onCircuit(state: CircuitState): void {
    this.deps.observer.circuit(state);
    queueMicrotask(() => this.deps.onCircuit?.(state));
    const ns = this.deps.namespace;
    const previous = this.reported;
    if (state === 'half-open') return; // a probe is not news; its outcome is
    this.reported = state;
    if (state === previous) return; // a failed probe: still down, already said so
    if (state === 'open') this.deps.logger.warn(`cachegen[${ns}]: Redis L2 unavailable; serving from L1 and the origin until it recovers`);
    else if (state === 'closed') (this.deps.logger.info ?? this.deps.logger.warn)(`cachegen[${ns}]: Redis L2 recovered`);
  }

  private async unlinkEntries(): Promise<void> {
    const nodes = this.isCluster ? (this.client as Cluster).nodes('master') : [this.client as Redis];
    await Promise.all(nodes.map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', this.layout.entryPattern(), 'COUNT', 1000);
        cursor = next;
        // One key per command: keys on one cluster node may still be in different slots.
        if (keys.length) await Promise.all(keys.map((k) => node.unlink(k)));
      } while (cursor !== '0' && !this.closing);
    }));
  }

  /**
   * Tag stamps must never be evicted before the entries they refuse; warns once when the
   * server's policy could: anything but noeviction, or volatile-ttl (which evicts the
   * soonest-expiring keys, and a stamp outlives every entry it guards).
   */
  private async checkEvictionPolicy(): Promise<void> {
    const ns = this.deps.namespace;
    try {
      const reply = (await this.client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
      const policy = reply[1] ?? '';
      if (policy !== 'noeviction' && policy !== 'volatile-ttl') {
        this.deps.logger.warn(`cachegen[${ns}]: Redis maxmemory-policy is ${policy}, which may evict tag stamps and serve invalidated entries; set noeviction or volatile-ttl (docs/two-tier.md)`);
      }
    } catch {
      (this.deps.logger.info ?? this.deps.logger.warn)(`cachegen[${ns}]: could not read Redis maxmemory-policy (CONFIG GET refused or Redis unavailable); it must be noeviction or volatile-ttl (docs/two-tier.md)`);
    }
  }
}

/** A Redis counter (epoch, clear floor, tag stamp); 0 when absent, NaN when it is not a number (callers refuse on NaN). */
function counter(value: Buffer | null | undefined): number {
  if (!value) return 0;
  return value.byteLength === 0 ? NaN : Number(value.toString('latin1'));
}

/** check()'s answer for bytes that are not a well-formed envelope. */
const CORRUPT = 'corrupt';

const NO_TAGS: readonly string[] = [];
/** The longest PX written (about 31 years): Lua turns larger numbers into 1e+13 notation, which SET refuses. */
const MAX_PX = 1e12;

/** QUITs a connected client; disconnects one that is not (a QUIT would wait for a reconnect that may never come). */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status !== 'ready') { client.disconnect(); return; }
  try { await client.quit(); } catch { client.disconnect(); }
}

function positive(value: number, name: string): number {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new TypeError(`createCache: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
