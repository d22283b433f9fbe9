/**
 * The edge purger: takes each invalidation from the cache's `onInvalidated` hook, queues its
 * tags per adapter (in Redis when given, shared by every instance), and drains each queue in
 * batches, retrying with backoff until the edge confirms. Nothing here runs on the request
 * path: the hook only starts an enqueue, and no failure reaches the caller. docs/edge.md.
 */
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { InvalidatedEvent } from '../cache/types.js';
import { noopObserver, type CacheObserver } from '../metrics/observer.js';
import { requirePeer } from '../peer.js';
import { assertAdapterName, type EdgeAdapter } from './adapter.js';
import { MemoryQueue, RedisQueue, type Batch, type PurgeQueue } from './queue.js';

export interface EdgePurgerOptions {
  /** The edges to keep in step; each gets its own queue, so one that is down does not hold the others. */
  adapters: readonly EdgeAdapter[];
  /** Redis for the queue every instance shares (URL, options, or a client you own). Omitted: a queue in this process. */
  redis?: string | Redis | Cluster | RedisOptions;
  /** Key prefix in Redis; use the cache's namespace (default 'cachegen'). */
  namespace?: string;
  observer?: CacheObserver;
  logger?: { warn(msg: string): void };
  /** Tags a queue holds before it gives them up for one "purge everything" (default 100,000). */
  maxPending?: number;
  /** Bound on one purge call, ms (default 5000). */
  timeoutMs?: number;
  /** Backoff after a failed purge: first and longest pause, ms (default 100 and 30,000; doubled each time, with jitter). */
  retry?: { minMs?: number; maxMs?: number };
  /** How often an idle instance looks for work another instance left (a crashed one's lease), ms (default 1000). */
  pollMs?: number;
}

export interface EdgePurger {
  /** Pass to `createCache({ onInvalidated })`; never throws, never waits. */
  readonly onInvalidated: (event: InvalidatedEvent) => void;
  /** Queues tags for every adapter (what onInvalidated does); resolves once they are queued (never rejects). */
  purge(tags: readonly string[], since?: number): Promise<void>;
  /** Resolves once every queue is empty and nothing is in flight (tests, a graceful shutdown); rejects after timeoutMs. */
  drained(timeoutMs?: number): Promise<void>;
  /** Stops the workers (a purge in flight is given back to the queue) and closes the Redis connection it opened. */
  close(): Promise<void>;
}

/** Creates the purger; wire it with `createCache({ onInvalidated: purger.onInvalidated })`. */
export function createEdgePurger(options: EdgePurgerOptions): EdgePurger {
  return new Purger(options);
}

const DEFAULT_MAX_PENDING = 100_000;

class Purger implements EdgePurger {
  readonly onInvalidated = (event: InvalidatedEvent): void => { void this.purge(event.tags, event.startedAt); };
  private readonly workers: Worker[];
  private readonly client?: Redis | Cluster;
  private readonly ownsClient: boolean = false;

  constructor(options: EdgePurgerOptions) {
    if (!options || !Array.isArray(options.adapters) || options.adapters.length === 0) {
      throw new TypeError('createEdgePurger: adapters must list at least one edge adapter (varnish, nginx, fastly, cloudflare, webhook or your own)');
    }
    const names = new Set<string>();
    for (const [i, adapter] of options.adapters.entries()) {
      if (!adapter || typeof adapter.purge !== 'function') throw new TypeError(`createEdgePurger: adapters[${i}] needs a purge(tags, signal) function`);
      assertAdapterName(adapter.name, `createEdgePurger: adapters[${i}].name`);
      if (names.has(adapter.name)) throw new TypeError(`createEdgePurger: two adapters are named "${adapter.name}"; give each its own name`);
      names.add(adapter.name);
    }
    const maxPending = positiveInteger(options.maxPending ?? DEFAULT_MAX_PENDING, 'maxPending');
    const settings: WorkerSettings = {
      observer: options.observer ?? noopObserver,
      logger: options.logger ?? console,
      timeoutMs: positiveInteger(options.timeoutMs ?? 5000, 'timeoutMs'),
      minBackoffMs: positiveInteger(options.retry?.minMs ?? 100, 'retry.minMs'),
      maxBackoffMs: positiveInteger(options.retry?.maxMs ?? 30_000, 'retry.maxMs'),
      pollMs: positiveInteger(options.pollMs ?? 1000, 'pollMs'),
      maxPending,
    };
    if (options.redis !== undefined) {
      const { Redis: RedisClass, Cluster } = requirePeer<typeof import('ioredis')>('ioredis');
      const spec = options.redis;
      if (spec instanceof RedisClass || spec instanceof Cluster) this.client = spec;
      else {
        const ours: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: 2000, retryStrategy: (n) => Math.min(50 * 2 ** n, 1000) };
        this.client = typeof spec === 'string' ? new RedisClass(spec, ours) : new RedisClass({ ...spec, ...ours });
        this.ownsClient = true;
        this.client.on('error', () => { /* each failed command is retried by the worker that sent it */ });
      }
    }
    const namespace = options.namespace ?? 'cachegen';
    this.workers = options.adapters.map((adapter) => new Worker(adapter,
      this.client ? new RedisQueue(this.client, namespace, adapter.name, maxPending) : new MemoryQueue(maxPending), settings));
    for (const worker of this.workers) worker.start();
  }

  async purge(tags: readonly string[], since = Date.now()): Promise<void> {
    if (!Array.isArray(tags)) return;
    const clean = tags.filter((t): t is string => typeof t === 'string' && t !== '');
    if (clean.length === 0) return;
    await Promise.all(this.workers.map((worker) => worker.enqueue(clean, since)));
  }

  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sizes = await Promise.all(this.workers.map((w) => w.size()));
      if (sizes.every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`edge purger: still ${sizes.reduce((a, b) => a + b, 0)} tags or batches waiting after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    if (this.ownsClient) this.client?.disconnect();
  }
}

interface WorkerSettings {
  observer: CacheObserver;
  logger: { warn(msg: string): void };
  timeoutMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  pollMs: number;
  maxPending: number;
}

/** One adapter's loop: take a batch, purge, confirm or give back and back off. */
class Worker {
  /** Tags the queue could not take (Redis down), handed over before the next batch; bounded by maxPending. */
  private readonly unsent = new Map<string, number>();
  /** Set when more than maxPending tags were unsent: hand over one "purge everything" instead. */
  private unsentAllSince: number | undefined;
  private stopped = false;
  private failures = 0;
  /** Work arrived since the loop last looked: idle() must not wait. */
  private kicked = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly adds = new Set<Promise<void>>();

  constructor(private readonly adapter: EdgeAdapter, private readonly queue: PurgeQueue, private readonly s: WorkerSettings) {}

  start(): void {
    this.running = this.loop();
  }

  /** Queues tags; resolves once the queue (or, with Redis down, this worker's unsent set) holds them. */
  enqueue(tags: readonly string[], since: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const add = this.queue.add(tags, since).then(
      () => this.kick(),
      () => { this.keepUnsent(tags, since); this.kick(); },
    );
    this.adds.add(add);
    void add.finally(() => this.adds.delete(add));
    return add;
  }

  async size(): Promise<number> {
    await Promise.allSettled([...this.adds]);
    const queued = await this.queue.size().catch(() => 1);
    return queued + this.unsent.size + (this.unsentAllSince === undefined ? 0 : 1);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.kick();
    await Promise.allSettled([...this.adds]);
    await this.running;
  }

  private keepUnsent(tags: readonly string[], since: number): void {
    if (this.unsentAllSince !== undefined) { this.unsentAllSince = Math.min(this.unsentAllSince, since); return; }
    for (const tag of tags) this.unsent.set(tag, Math.min(this.unsent.get(tag) ?? since, since));
    if (this.unsent.size > this.s.maxPending) {
      this.unsentAllSince = Math.min(since, ...this.unsent.values());
      this.unsent.clear();
    }
  }

  private kick(): void {
    this.kicked = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.kicked = false;
      let batch: Batch | undefined;
      try {
        await this.handOverUnsent();
        batch = await this.queue.take(this.adapter.maxBatch ?? 256, this.s.timeoutMs * 2 + 1000);
      } catch {
        await this.pause(this.backoff(++this.failures));
        continue;
      }
      if (batch) await this.send(batch);
      else if (!this.kicked) await this.pause(this.s.pollMs, true);
    }
  }

  private async send(batch: Batch): Promise<void> {
    const count = batch.all ? 0 : batch.tags.length;
    if (this.failures > 0) this.s.observer.edgePurge(this.adapter.name, 'retried', count);
    try {
      await this.purgeWithTimeout(batch);
    } catch (err) {
      this.s.observer.edgePurge(this.adapter.name, 'failed', count);
      if (this.failures === 0 && !this.stopped) this.s.logger.warn(`cachegen edge: ${(err as Error)?.message ?? String(err)}; retrying with backoff`);
      await this.queue.fail(batch).catch(() => { /* its lease runs out and a later take returns it */ });
      if (!this.stopped) await this.pause(this.backoff(++this.failures));
      return;
    }
    if (this.failures > 0) this.s.logger.warn(`cachegen edge: ${this.adapter.name} confirms purges again after ${this.failures} failed attempt(s)`);
    this.failures = 0;
    this.s.observer.edgePurge(this.adapter.name, 'sent', count, Math.max(0, Date.now() - batch.since) / 1000);
    await this.queue.done(batch).catch(() => { /* the lease runs out: the tags are purged once more, which is harmless */ });
  }

  private async purgeWithTimeout(batch: Batch): Promise<void> {
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.s.timeoutMs)]);
    if (!batch.all) return this.bounded(() => this.adapter.purge(batch.tags, signal), signal);
    if (this.adapter.purgeAll) return this.bounded(() => this.adapter.purgeAll!(signal), signal);
    // No way to purge everything: the dropped tags' entries live until their s-maxage. Said loudly, once per overflow.
    this.s.logger.warn(`cachegen edge: more than ${this.s.maxPending} tags waited for ${this.adapter.name}, which cannot purge everything; their entries expire with their s-maxage`);
  }

  /** The adapter's call, given up when the signal fires even if the adapter ignores it (a worker never hangs). */
  private bounded(call: () => Promise<void>, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new Error(`${this.adapter.name}: no confirmation within ${this.s.timeoutMs} ms`));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve().then(call).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async handOverUnsent(): Promise<void> {
    if (this.unsentAllSince !== undefined) {
      await this.queue.addAll(this.unsentAllSince);
      this.unsentAllSince = undefined;
    }
    if (this.unsent.size === 0) return;
    // Oldest time of the lot: the latency metric may read a little high for these, never low.
    const since = Math.min(...this.unsent.values());
    const tags = [...this.unsent.keys()];
    await this.queue.add(tags, since);
    for (const tag of tags) this.unsent.delete(tag);
  }

  private backoff(failures: number): number {
    const ceiling = Math.min(this.s.maxBackoffMs, this.s.minBackoffMs * 2 ** Math.min(failures - 1, 30));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** Waits ms, or less when the purger stops (or, when wakeable, when work arrives). */
  private pause(ms: number, wakeable = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); if (this.wake === done) this.wake = undefined; resolve(); };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.wake = done;
    });
  }
}

function positiveInteger(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`createEdgePurger: ${option} must be a positive whole number, got ${String(value)}`);
  return value;
}
