/**
 * The Redis L2: entries as binary envelopes, per-shard tag versions, leases, and the
 * circuit breaker that keeps a broken Redis from failing or slowing requests.
 *
 * Every method answers `undefined` (or false) instead of throwing when Redis fails, times
 * out, or the circuit is open: the caller falls back to L1 and the loader.
 */
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { CacheObserver, CircuitState } from '../metrics/observer.js';
import { CircuitBreaker } from './circuit.js';
import { envelopeHeaderLength } from './envelope.js';
import { KeyLayout } from './layout.js';
import { CLEAR_SCRIPT, INVALIDATE_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT, WRITE_SCRIPT } from './scripts.js';

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
  /** Entries longer than this are read with a plain GET after the Lua check of their prefix (default 16 KiB). */
  inlineLimit?: number;
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
  cachegenReadBuffer(entry: string, epoch: string, floor: string, lease: string, tagPrefix: string, token: string, leaseMs: number, now: number, inlineLimit: number): Promise<[Buffer | null, number, number, number]>;
  cachegenWrite(entry: string, floor: string, tagPrefix: string, envelope: Buffer, px: number, epoch: number, ...tags: string[]): Promise<number>;
  cachegenInvalidate(epoch: string, tagPrefix: string, ...tags: string[]): Promise<number>;
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
  readonly inlineLimit: number;
  private readonly owned: boolean;
  private readonly circuit: CircuitBreaker;
  private readonly scripts: ScriptCommands;
  private readonly deps: RedisL2Deps;
  /** The last state logged: the log says "down" and "up" once each, not every failed probe. */
  private reported: CircuitState = 'closed';

  constructor(options: L2Options, deps: RedisL2Deps) {
    this.deps = deps;
    const timeout = positive(options.commandTimeoutMs ?? 250, 'l2.commandTimeoutMs');
    this.leaseMs = positive(options.leaseMs ?? 5000, 'l2.leaseMs');
    this.leasePollMs = positive(options.leasePollMs ?? 50, 'l2.leasePollMs');
    this.compressAbove = options.compressAbove ?? Infinity;
    this.inlineLimit = positive(options.inlineLimit ?? 16 * 1024, 'l2.inlineLimit');
    const spec = options.redis;
    const ours: RedisOptions = {
      commandTimeout: timeout,
      maxRetriesPerRequest: 1,
      connectTimeout: Math.max(1000, timeout * 4),
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
    };
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
    const isCluster = this.client instanceof Cluster;
    this.layout = new KeyLayout(deps.namespace, options.shards ?? (isCluster ? 16 : 1));
    this.client.on('error', () => { /* reported through command failures and the circuit, once per state change */ });
    const define = (name: string, numberOfKeys: number, lua: string) => this.client.defineCommand(name, { numberOfKeys, lua });
    define('cachegenRead', 4, READ_SCRIPT);
    define('cachegenWrite', 2, WRITE_SCRIPT);
    define('cachegenInvalidate', 1, INVALIDATE_SCRIPT);
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
   * lease when the entry is missing or not fresh at `now`. `expectLarge` (the caller's guess,
   * e.g. from the last read of the same endpoint) sends the GET of a large value in the same
   * round trip as the check, instead of after it.
   */
  read(key: string, leaseToken = '', now = 0, expectLarge = false): Promise<L2Read | undefined> {
    const p = this.layout.prefix(this.layout.shardOf(key));
    const l = this.layout;
    const entryKey = l.entry(p, key);
    return this.run('get', async () => {
      try {
        const args = [entryKey, l.epoch(p), l.clearFloor(p), l.lease(p, key), l.tagPrefix(p), leaseToken, this.leaseMs, now] as const;
        let reply: [Buffer | null, number, number, number];
        let whole: Buffer | null | undefined;
        if (expectLarge) {
          const pipeline = this.client.pipeline() as unknown as ScriptCommands & { getBuffer(k: string): unknown; exec(): Promise<[Error | null, unknown][] | null> };
          pipeline.cachegenReadBuffer(...args, 0);
          pipeline.getBuffer(entryKey);
          const results = (await pipeline.exec()) ?? [];
          for (const [err] of results) if (err) throw err;
          reply = results[0]![1] as [Buffer | null, number, number, number];
          whole = results[1]![1] as Buffer | null;
        } else {
          reply = await this.scripts.cachegenReadBuffer(...args, this.inlineLimit);
        }
        const [entry, epoch, lease, partial] = reply;
        const read: L2Read = { entry, epoch: Number(epoch), leaseAcquired: Number(lease) === 1 };
        if (entry && Number(partial) === 1) read.entry = whole !== undefined ? sameEntry(entry, whole) : await this.fetchLarge(entryKey, entry);
        return read;
      } catch (err) {
        // A timed-out read may still run once Redis answers, taking a lease nobody will use:
        // queue its release behind it (past the circuit) so waiters are not held for leaseMs.
        if (leaseToken) this.scripts.cachegenRelease(l.lease(p, key), leaseToken).catch(() => {});
        throw err;
      }
    });
  }

  /**
   * The whole of a large entry the read script checked by its prefix. It is served only if
   * its header and tags are still the ones checked (a write in between would differ: it is
   * then treated as a miss, never served unchecked).
   */
  private async fetchLarge(key: string, prefix: Buffer): Promise<Buffer | null> {
    return sameEntry(prefix, await this.client.getBuffer(key));
  }

  /** Stores an envelope unless one of its tags was invalidated after `epoch`. */
  async write(key: string, envelope: Buffer, ttlMs: number, epoch: number, tags: readonly string[]): Promise<L2WriteOutcome> {
    const p = this.layout.prefix(this.layout.shardOf(key));
    const l = this.layout;
    const px = Math.max(1, Math.ceil(ttlMs));
    const stored = await this.run('set', () =>
      this.scripts.cachegenWrite(l.entry(p, key), l.clearFloor(p), l.tagPrefix(p), envelope, px, epoch, ...tags));
    if (stored === undefined) return 'failed';
    return Number(stored) === 1 ? 'stored' : 'refused';
  }

  /** Stamps the tags with a new epoch in every shard; returns the new epochs, or undefined when Redis failed. */
  async invalidate(tags: readonly string[]): Promise<number[] | undefined> {
    const l = this.layout;
    const epochs = await this.run('invalidate', () =>
      Promise.all(l.prefixes.map((p) => this.scripts.cachegenInvalidate(l.epoch(p), l.tagPrefix(p), ...tags))));
    return epochs?.map(Number);
  }

  /** Makes every stored entry of the namespace unservable at once, then deletes them in the background. */
  async clear(): Promise<boolean> {
    const l = this.layout;
    const ok = await this.run('clear', () => Promise.all(l.prefixes.map((p) => this.scripts.cachegenClear(l.epoch(p), l.clearFloor(p)))));
    if (ok) await this.run('clear', () => this.unlinkEntries());
    return ok !== undefined;
  }

  /** Deletes one entry. */
  async delete(key: string): Promise<boolean> {
    const p = this.layout.prefix(this.layout.shardOf(key));
    return (await this.run('delete', () => this.client.del(this.layout.entry(p, key)))) !== undefined;
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
    return this.client instanceof Cluster
      ? this.client.duplicate(undefined, { redisOptions: { ...this.client.options.redisOptions, connectionName } })
      // No command timeout and no retry limit: SUBSCRIBE waits for Redis however long it is away.
      : this.client.duplicate({ connectionName, commandTimeout: undefined, maxRetriesPerRequest: null });
  }

  /** Closes the connection if the cache opened it. */
  async close(): Promise<void> {
    if (this.owned) await closeClient(this.client);
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
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    await Promise.all(nodes.map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', this.layout.entryPattern(), 'COUNT', 1000);
        cursor = next;
        // One key per command: keys on one cluster node may still be in different slots.
        if (keys.length) await Promise.all(keys.map((k) => node.unlink(k)));
      } while (cursor !== '0');
    }));
  }

  /** Tag versions must never be evicted; warns once when the server's policy could evict them. */
  private async checkEvictionPolicy(): Promise<void> {
    const ns = this.deps.namespace;
    try {
      const reply = (await this.client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
      const policy = reply[1] ?? '';
      if (policy.startsWith('allkeys-')) {
        this.deps.logger.warn(`cachegen[${ns}]: Redis maxmemory-policy is ${policy}, which may evict tag versions and serve invalidated entries; set noeviction or a volatile-* policy (docs/two-tier.md)`);
      }
    } catch {
      (this.deps.logger.info ?? this.deps.logger.warn)(`cachegen[${ns}]: could not read Redis maxmemory-policy (CONFIG GET refused or Redis unavailable); it must be noeviction or volatile-* (docs/two-tier.md)`);
    }
  }
}

/** `whole` when its header and tags are the ones the read script checked (`prefix`); null otherwise. */
function sameEntry(prefix: Buffer, whole: Buffer | null): Buffer | null {
  if (!whole) return null;
  const checked = envelopeHeaderLength(prefix);
  if (checked === undefined || whole.length < checked || whole.compare(prefix, 0, checked, 0, checked) !== 0) return null;
  return whole;
}

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
