/**
 * The two-tier cache: L1 in process, Redis as L2, tag invalidation, the bus, SWR,
 * stale-if-error, soft and hard timeouts and stampede protection (in process and across
 * instances). The design and its guarantees are explained in docs/two-tier.md and
 * docs/security.md.
 */
import { randomUUID } from 'node:crypto';
import { L1Cache } from '../l1/index.js';
import { noopObserver, UNTIMED, type CacheObserver, type CircuitState, type InvalidationSource } from '../metrics/observer.js';
import { InvalidationBus, type BusMessage } from '../bus/bus.js';
import { decodeEnvelope, encodeEnvelope } from '../l2/envelope.js';
import { RedisL2, type L2Read } from '../l2/store.js';
import { defaultCodec } from './codec.js';
import { PendingInvalidations, type PendingBatch } from './pending.js';
import { TagIndex } from './tag-index.js';
import type { Cache, CacheMark, CacheResult, Codec, CreateCacheOptions, GetOrSetOptions, SetOptions } from './types.js';

/** Fresh L1 hits timed with performance.now(): one in this many (a power of two). */
const L1_HIT_SAMPLE = 64;
const DEFAULT_L1_BYTES = 64 * 2 ** 20;
const DEFAULT_HARD_TIMEOUT_MS = 30_000;
/** Background refreshes running at once; past it a stale hit is served without starting another. */
const MAX_REFRESHES = 1024;
/** Backoff of the retries of unconfirmed invalidations: first delay, and the longest. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 5_000;

/** Seconds since `started` (a performance.now() reading), or UNTIMED when it was not taken. */
function sinceOrUntimed(started: number): number {
  return started < 0 ? UNTIMED : (performance.now() - started) / 1000;
}

/** One entry as the cache keeps it in L1: the decoded value with its times (ms, cache clock). */
interface Slot {
  readonly value: unknown;
  readonly storedAt: number;
  readonly freshUntil: number;
  readonly staleUntil: number;
  readonly errorUntil: number;
  readonly tags: readonly string[];
}

/** A value the cache may fall back to (stale-if-error, soft timeout), with where it came from. */
interface Fallback { slot: Slot; tier: 'l1' | 'l2' }

type Loader<T> = () => Promise<T>;

/** Where a value is stored, and what guards the store against invalidations that raced it. */
interface StoreTarget<T> {
  readonly key: string;
  readonly options: Omit<GetOrSetOptions<T>, 'timeoutMs'>;
  readonly codec: Codec<T>;
  /** The local invalidation counter before anything was read: L1 refuses the value if a tag was invalidated since. */
  readonly seq0: number;
  /** The shard epoch read from L2 before the loader ran; undefined: unknown, so the value is not stored in L2. */
  epoch: number | undefined;
  /** performance.now() just before that epoch was read (Redis refuses writes of values read too long ago). */
  epochReadAt: number;
}

/** One read that L1 could not answer fresh: what its steps (resolve → readL2 → load → callOrigin → store) share. */
interface Load<T> extends StoreTarget<T> {
  readonly loader: Loader<T>;
  readonly options: GetOrSetOptions<T>;
  readonly mode: 'foreground' | 'refresh';
  /** The lease token, while this load holds the key's lease across instances. */
  token: string | undefined;
  /** What may be served instead when the loader fails or is slow. */
  fallback: Fallback | undefined;
  /** The promise callers of the key share while this load runs (in `flights`). */
  flight?: Promise<CacheResult<T>>;
}

/** Thrown (to the caller, when no stale value can stand in) by a loader that outlived its hard timeout. */
export class LoaderTimeoutError extends Error {
  readonly code = 'CACHEGEN_LOADER_TIMEOUT';
  constructor(key: string, ms: number) {
    super(`cachegen: the loader of "${key.slice(0, 200)}" did not settle within ${ms} ms (hardTimeoutMs)`);
    this.name = 'LoaderTimeoutError';
  }
}

class TwoTierCache implements Cache {
  readonly observer: CacheObserver;
  readonly l1?: L1Cache<unknown>;
  private readonly mem?: L1Cache<Slot>;
  private readonly l2?: RedisL2;
  private readonly bus?: InvalidationBus;
  private readonly clock: () => number;
  private readonly timed: boolean;
  private readonly logger: NonNullable<CreateCacheOptions['logger']>;
  private readonly onInvalidated: CreateCacheOptions['onInvalidated'];
  private readonly namespace: string;
  private readonly hardTimeoutMs: number;
  private readonly index = new TagIndex();
  /** Foreground loads in progress, one per key: the in-process single flight. */
  private readonly flights = new Map<string, Promise<CacheResult<unknown>>>();
  /** Loader calls in progress, one per key (they can outlive their flight after a soft timeout, never the hard one). */
  private readonly origins = new Map<string, Promise<CacheResult<unknown>>>();
  /** Background refreshes in progress, one per key, at most MAX_REFRESHES. */
  private readonly refreshes = new Map<string, Promise<unknown>>();
  /** Redis writes still running; close() waits for them. */
  private readonly writes = new Set<Promise<unknown>>();
  /** Invalidations Redis has not confirmed: retried, and refused in L2 meanwhile. */
  private readonly pending = new PendingInvalidations();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private retrying = false;
  private closed = false;
  private warnedUnstorable = false;
  /** Lease tokens: unique per instance and call, without a random draw per read. */
  private readonly tokenPrefix = `${randomUUID()}:`;
  private tokenSeq = 0;
  /** Counts lookups, to time one fresh L1 hit in L1_HIT_SAMPLE. */
  private hitTick = 0;

  constructor(options: CreateCacheOptions) {
    this.observer = options.observer ?? noopObserver;
    this.timed = this.observer !== noopObserver;
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? console;
    this.onInvalidated = options.onInvalidated;
    this.namespace = options.namespace ?? 'cachegen';
    this.hardTimeoutMs = timeoutMs(options.hardTimeoutMs ?? DEFAULT_HARD_TIMEOUT_MS, 'createCache: hardTimeoutMs');
    if (options.l1 !== false) {
      const l1 = options.l1 ?? {};
      const bounded = l1.maxBytes !== undefined || l1.maxEntries !== undefined;
      this.mem = new L1Cache<Slot>({
        ...l1,
        maxBytes: bounded ? l1.maxBytes : DEFAULT_L1_BYTES,
        clock: this.clock,
        onEvict: (key, slot, reason) => {
          this.index.remove(key, slot);
          if (this.timed) this.observer.eviction('l1', reason);
        },
      });
      this.l1 = this.mem as L1Cache<unknown>;
    }
    if (options.l2) {
      this.l2 = new RedisL2(options.l2, {
        namespace: this.namespace, observer: this.observer, logger: this.logger, clock: this.clock,
        onCircuit: (state) => this.onCircuit(state),
      });
      if (options.bus !== false) {
        this.bus = new InvalidationBus({
          channel: this.l2.layout.channel,
          publish: (channel, message) => this.l2!.publish(channel, message),
          subscriber: this.l2.duplicate(),
          observer: this.observer,
          logger: this.logger,
          onMessage: (message) => this.applyPeerMessage(message),
          onGap: () => this.flushL1(),
        });
        this.bus.start();
      }
    } else if (options.bus === true) {
      throw new TypeError('createCache: bus: true needs l2 (the bus runs over Redis pub/sub)');
    }
  }

  async getOrSet<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>): Promise<T> {
    // The hit path: one L1 lookup, one clock read, no allocation (with an observer: one call
    // more, and two performance.now() reads on one call in L1_HIT_SAMPLE).
    const started = this.timed && (++this.hitTick & (L1_HIT_SAMPLE - 1)) === 0 ? performance.now() : -1;
    const slot = this.mem?.lookup(key)?.value;
    if (slot !== undefined && this.clock() < slot.freshUntil) {
      if (this.timed) this.observer.request(options.endpoint ?? 'default', 'hit', 'l1', sinceOrUntimed(started));
      return slot.value as T;
    }
    return (await this.answer(key, loader, options, slot)).value;
  }

  async fetch<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>): Promise<CacheResult<T>> {
    return this.hitOrFetch(key, loader, options);
  }

  /** fetch's one L1 lookup, a fresh L1 hit answered without a promise (what a generated route's hit calls: runtime/fastify/cached-route.ts). */
  hitOrFetch<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>): CacheResult<T> | Promise<CacheResult<T>> {
    const started = this.timed && (++this.hitTick & (L1_HIT_SAMPLE - 1)) === 0 ? performance.now() : -1;
    const found = this.mem?.lookup(key);
    if (found !== undefined) {
      const slot = found.value;
      // The L1 shares this cache's clock: its reading is this request's now.
      const now = found.now;
      if (now < slot.freshUntil) {
        if (this.timed) this.observer.request(options.endpoint ?? 'default', 'hit', 'l1', sinceOrUntimed(started));
        return result<T>(slot, 'hit', 'l1', now);
      }
    }
    return this.answer(key, loader, options, found?.value);
  }

  /**
   * Everything but a fresh L1 hit, timed when there is an observer. Fresh L1 hits are timed
   * one in L1_HIT_SAMPLE (the clock reads would cost more than the hit); the others are
   * counted with seconds = UNTIMED. docs/two-tier.md, "Metrics".
   */
  private answer<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, slot: Slot | undefined): Promise<CacheResult<T>> {
    if (!this.timed) return this.lookupOrLoad(key, loader, options, slot);
    const started = performance.now();
    return this.lookupOrLoad(key, loader, options, slot).then((r) => {
      this.observer.request(options.endpoint ?? 'default', r.status, r.tier, (performance.now() - started) / 1000);
      return r;
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const slot = this.mem?.lookup(key)?.value;
    if (slot && this.clock() < slot.freshUntil) return slot.value as T;
    if (!this.l2) return undefined;
    const seq0 = this.index.seq;
    const read = await this.l2.read(key);
    // Another codec may have written the entry: one that does not decode here is a miss, not corrupt.
    const found = read?.entry ? this.decodeL2(key, read.entry, defaultCodec, false) : undefined;
    if (!found || this.clock() >= found.freshUntil || this.pending.covers(key, found.tags)) return undefined;
    this.fillL1(key, found, seq0, read!.entry!.byteLength);
    return found.value as T;
  }

  async set<T>(key: string, value: T, options: SetOptions<T>): Promise<void> {
    // An L1-only value needs no L2 epoch: no round trip for it.
    const since = options.since ?? (this.sharesL2(options) ? await this.mark(key) : { seq: this.index.seq, epoch: undefined, epochReadAt: 0 });
    const target: StoreTarget<T> = {
      key, options, codec: (options.codec ?? defaultCodec) as Codec<T>, seq0: since.seq, epoch: since.epoch, epochReadAt: since.epochReadAt,
    };
    await this.store(target, value, this.clock());
  }

  async mark(key: string): Promise<CacheMark> {
    const seq = this.index.seq;
    const epochReadAt = performance.now();
    const epoch = this.l2 && !this.closed ? (await this.l2.read(key))?.epoch : undefined;
    return { seq, epoch, epochReadAt };
  }

  async delete(key: string): Promise<boolean> {
    this.mem?.delete(key);
    return this.invalidate({ clear: false, tags: [], keys: [key], events: [], generation: 0 });
  }

  async invalidateTags(tags: string[], options: { source?: InvalidationSource } = {}): Promise<boolean> {
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) {
      throw new TypeError('invalidateTags: tags must be an array of strings');
    }
    if (tags.length === 0) return true;
    const source = options.source ?? 'api';
    const startedAt = Date.now();
    this.observer.invalidation(source, tags.length);
    for (const key of this.index.invalidate(tags)) this.mem?.delete(key);
    return this.invalidate({ clear: false, tags, keys: [], events: [{ tags: [...tags], source, startedAt }], generation: 0 });
  }

  async clear(): Promise<boolean> {
    this.flushL1();
    return this.invalidate({ clear: true, tags: [], keys: [], events: [], generation: 0 });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    await Promise.allSettled([...this.writes]);
    // One last attempt for what Redis never confirmed; past it, say what is lost.
    const batch = this.pending.next();
    if (batch && (await this.send(batch))) this.confirmed(batch);
    if (this.pending.size) {
      this.logger.warn(`cachegen[${this.namespace}]: closed with ${this.pending.size} invalidation(s) Redis never confirmed; other instances may serve what they covered until those entries expire`);
    }
    await this.bus?.close();
    await this.l2?.close();
  }

  // ---- read path: lookupOrLoad → resolve → readL2 → load → callOrigin → store ----------

  /** The read path after the L1 lookup (`slot`: what L1 held for key, fresh or not). */
  private lookupOrLoad<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, slot: Slot | undefined): Promise<CacheResult<T>> {
    let fallback: Fallback | undefined;
    if (slot !== undefined) {
      const now = this.clock();
      if (now < slot.freshUntil) return Promise.resolve(result<T>(slot, 'hit', 'l1', now));
      if (now < slot.staleUntil) {
        this.refreshInBackground(key, loader, options, { slot, tier: 'l1' });
        return Promise.resolve(result<T>(slot, 'stale', 'l1', now));
      }
      fallback = { slot, tier: 'l1' };
    }
    let flight = this.flights.get(key) as Promise<CacheResult<T>> | undefined;
    if (!flight) {
      const load = this.newLoad(key, loader, options, 'foreground', fallback);
      load.flight = flight = this.resolve(load);
      this.flights.set(key, flight);
    }
    return flight;
  }

  private newLoad<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, mode: Load<T>['mode'], fallback: Fallback | undefined): Load<T> {
    return {
      key, loader, options, mode, fallback, codec: (options.codec ?? defaultCodec) as Codec<T>,
      seq0: this.index.seq, epoch: undefined, epochReadAt: 0, token: undefined,
    };
  }

  /**
   * L1 missed (or held only an error-window value): L2 if it can answer, else the loader. Leaves
   * `flights` once settled (always after an await, so after lookupOrLoad registered it there).
   */
  private async resolve<T>(load: Load<T>): Promise<CacheResult<T>> {
    try {
      if (this.sharesL2(load.options)) {
        const answered = await this.readL2(load);
        if (answered) return answered;
      }
      return await this.load(load);
    } finally {
      if (this.flights.get(load.key) === load.flight) this.flights.delete(load.key);
    }
  }

  /**
   * Asks L2, taking the key's lease when the entry is missing or not fresh; without the lease,
   * polls for its owner's value until the lease could have expired. Answers a result, or
   * undefined when the loader must run (with `load.epoch` and `load.token` set for it).
   */
  private async readL2<T>(load: Load<T>): Promise<CacheResult<T> | undefined> {
    const l2 = this.l2!;
    load.token = `${this.tokenPrefix}${++this.tokenSeq}`;
    let waitUntil = 0;
    let pause = 2;
    for (;;) {
      load.epochReadAt = performance.now();
      // The tags whose stamps come with the entry in one round trip: those of the value L1 still
      // holds (request- and response-derived), else the request's; any other tag costs one more.
      const read = await l2.read(load.key, load.token, this.clock(), load.fallback?.slot.tags ?? load.options.tags);
      if (!read) { load.token = undefined; load.epoch = undefined; return undefined; }
      load.epoch = read.epoch;
      const found = read.entry ? this.decodeL2(load.key, read.entry, load.codec, true) : undefined;
      if (found && this.pending.covers(load.key, found.tags)) {
        // An invalidation of this instance's that Redis has not confirmed may cover it: load instead.
        if (!read.leaseAcquired) load.token = undefined;
        return undefined;
      }
      if (found) {
        const answered = this.answerFromL2(load, found, read);
        if (answered) return answered;
      }
      if (read.leaseAcquired) return undefined;
      if (load.mode === 'refresh') {
        if (load.fallback) return result<T>(load.fallback.slot, 'stale', load.fallback.tier, this.clock());
        load.token = undefined;
        return undefined;
      }
      // Someone else is loading this key: poll for its value until its lease could have expired.
      if (waitUntil === 0) waitUntil = performance.now() + l2.leaseMs;
      if (this.closed || performance.now() > waitUntil) { load.token = undefined; return undefined; }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, l2.leasePollMs);
    }
  }

  /** A decoded L2 entry as an answer: fresh (into L1), stale within swr (refreshing once), or else only a fallback. */
  private answerFromL2<T>(load: Load<T>, found: Slot, read: L2Read): Promise<CacheResult<T>> | CacheResult<T> | undefined {
    const now = this.clock();
    if (now < found.freshUntil) {
      this.fillL1(load.key, found, load.seq0, read.entry!.byteLength);
      return result<T>(found, 'hit', 'l2', now);
    }
    if (now < found.staleUntil) {
      if (!read.leaseAcquired) return result<T>(found, 'stale', 'l2', now);
      if (load.mode === 'refresh') {
        load.fallback = { slot: found, tier: 'l2' };
        return this.load(load);
      }
      const refresh: Load<T> = { ...load, fallback: undefined };
      this.track(this.refreshes, load.key, () => this.load(refresh));
      return result<T>(found, 'stale', 'l2', now);
    }
    if (!load.fallback || found.storedAt > load.fallback.slot.storedAt) load.fallback = { slot: found, tier: 'l2' };
    return undefined;
  }

  /** Calls the loader (joining one already running for the key), with stale-if-error and the soft timeout. */
  private load<T>(load: Load<T>): Promise<CacheResult<T>> {
    // A loader that outlived a soft timeout is still the one load of this key: join it.
    let job = this.origins.get(load.key) as Promise<CacheResult<T>> | undefined;
    if (!job) {
      const started = this.callOrigin(load);
      job = started;
      this.origins.set(load.key, started);
      const done = () => { if (this.origins.get(load.key) === started) this.origins.delete(load.key); };
      started.then(done, done);
    } else if (load.token) {
      this.background(this.l2!.release(load.key, load.token));
    }
    return load.fallback ? this.withFallback(job, load.fallback, load.options.timeoutMs) : job;
  }

  /** The loader's answer, or the fallback when the loader fails (within staleIfError) or is slower than `softTimeoutMs`. */
  private withFallback<T>(job: Promise<CacheResult<T>>, fallback: Fallback, softTimeoutMs: number | undefined): Promise<CacheResult<T>> {
    const { slot, tier } = fallback;
    const guarded = job.catch((err: unknown) => {
      const now = this.clock();
      if (now < slot.errorUntil) return result<T>(slot, 'stale', tier, now);
      throw err;
    });
    if (softTimeoutMs === undefined || !(this.clock() < Math.max(slot.staleUntil, slot.errorUntil))) return guarded;
    // Soft timeout: the stale value now; the loader goes on and stores its value when done.
    guarded.catch(() => {});
    return new Promise<CacheResult<T>>((resolve, reject) => {
      const timer = setTimeout(() => resolve(result<T>(slot, 'stale', tier, this.clock())), softTimeoutMs);
      guarded.then((r) => { clearTimeout(timer); resolve(r); }, (e: unknown) => { clearTimeout(timer); reject(e); });
    });
  }

  /** Runs the loader under the hard timeout, stores what it returns, and gives the lease back. */
  private async callOrigin<T>(load: Load<T>): Promise<CacheResult<T>> {
    try {
      const value = await this.runLoader(load);
      const now = this.clock();
      if (!load.options.cacheable || load.options.cacheable(value)) await this.store(load, value, now);
      return { value, status: 'miss', tier: 'origin', age: 0, ttl: load.options.ttl };
    } finally {
      if (load.token) this.background(this.l2!.release(load.key, load.token));
    }
  }

  /** The loader's value; rejects with LoaderTimeoutError past the hard timeout (a late value is dropped). */
  private async runLoader<T>(load: Load<T>): Promise<T> {
    const endpoint = load.options.endpoint ?? 'default';
    const started = this.timed ? performance.now() : 0;
    const ms = load.options.hardTimeoutMs === undefined ? this.hardTimeoutMs : timeoutMs(load.options.hardTimeoutMs, 'hardTimeoutMs');
    try {
      const value = await withHardTimeout(load.loader(), ms, load.key);
      if (this.timed) this.observer.origin(endpoint, (performance.now() - started) / 1000, true);
      return value;
    } catch (err) {
      if (this.timed) this.observer.origin(endpoint, (performance.now() - started) / 1000, false);
      throw err;
    }
  }

  // ---- write path ------------------------------------------------------------------

  /**
   * Stores in L2 (when shared and its epoch is known) then L1, unless an invalidation raced
   * the value. A value the codec (or tagsFrom) cannot handle is returned uncached, not thrown.
   */
  private async store<T>(target: StoreTarget<T>, value: T, now: number): Promise<void> {
    const { key, options, seq0, epoch } = target;
    const ttl = seconds(options.ttl, 'ttl', true);
    const swr = seconds(options.swr ?? 0, 'swr', false);
    const staleIfError = seconds(options.staleIfError ?? 0, 'staleIfError', false);
    const freshUntil = now + ttl * 1000;
    let slot: Slot;
    let bytes: Uint8Array;
    let envelope: Buffer | undefined;
    try {
      const tags = options.tagsFrom ? [...(options.tags ?? []), ...options.tagsFrom(value)] : (options.tags ?? []);
      bytes = target.codec.encode(value);
      slot = { value, storedAt: now, freshUntil, staleUntil: freshUntil + swr * 1000, errorUntil: freshUntil + staleIfError * 1000, tags };
      if (this.sharesL2(options) && epoch !== undefined) envelope = encodeEnvelope({ ...slot, epoch }, bytes, this.l2!.compressAbove);
    } catch (err) {
      this.warnUnstorable(key, err);
      return;
    }
    // A tag was invalidated while it loaded: stored nowhere (Redis may not have the stamp yet).
    if (this.index.tagInvalidatedSince(slot.tags, seq0)) return;
    if (envelope) {
      const write = this.l2!.write(key, envelope, Math.max(slot.staleUntil, slot.errorUntil) - now, epoch!, target.epochReadAt, slot.tags);
      this.writes.add(write);
      const stored = await write.finally(() => this.writes.delete(write));
      if (stored === 'refused') return; // a tag was invalidated while the loader ran
    }
    this.fillL1(key, slot, seq0, bytes.byteLength);
  }

  /** Puts a slot into L1 unless one of its tags was invalidated locally after seq0. */
  private fillL1(key: string, slot: Slot, seq0: number, size: number): void {
    if (!this.mem || this.index.invalidatedSince(slot.tags, seq0)) return;
    const ttl = (slot.freshUntil - this.clock()) / 1000;
    if (!(ttl > 0)) return;
    const stale = (Math.max(slot.staleUntil, slot.errorUntil) - slot.freshUntil) / 1000;
    if (this.mem.set(key, slot, { ttl, stale, size: size + key.length })) this.index.add(key, slot);
  }

  /**
   * An L2 entry as a slot; undefined (a miss) when it cannot be decoded. An envelope that is
   * not well-formed is deleted and counted; so is one the codec refuses when `codecIsTheWriters`.
   */
  private decodeL2(key: string, bytes: Buffer, codec: Codec<unknown>, codecIsTheWriters: boolean): Slot | undefined {
    const envelope = decodeEnvelope(bytes);
    if (envelope) {
      try {
        return {
          value: codec.decode(envelope.value), storedAt: envelope.storedAt, freshUntil: envelope.freshUntil,
          staleUntil: envelope.staleUntil, errorUntil: envelope.errorUntil, tags: envelope.tags,
        };
      } catch {
        if (!codecIsTheWriters) return undefined;
      }
    }
    this.l2!.discard(key, bytes);
    return undefined;
  }

  private sharesL2(options: { shared?: boolean }): boolean {
    return this.l2 !== undefined && options.shared !== false && !this.closed;
  }

  private warnUnstorable(key: string, err: unknown): void {
    if (this.warnedUnstorable) return;
    this.warnedUnstorable = true;
    this.logger.warn(`cachegen[${this.namespace}]: a value for "${key.slice(0, 200)}" was returned uncached: ${(err as Error)?.message ?? String(err)} (logged once)`);
  }

  // ---- invalidation: confirmed by Redis, or retried until it is ------------------------

  /** Sends an invalidation; when Redis does not confirm it, remembers it for the retries. True when confirmed. */
  private async invalidate(batch: PendingBatch): Promise<boolean> {
    if (!this.l2 || (await this.send(batch))) {
      this.confirmed(batch);
      return true;
    }
    if (batch.clear) this.pending.addClear();
    if (batch.keys.length > 0) this.pending.addKeys(batch.keys);
    for (const event of batch.events) this.pending.addTags(event);
    this.scheduleRetry();
    return false;
  }

  /**
   * Redis confirmed `batch` (or there is no Redis): forget it, and tell `onInvalidated` — only
   * here, so the hook never runs before the stamps are durable (docs/two-tier.md, "After an invalidation").
   */
  private confirmed(batch: PendingBatch): void {
    this.pending.confirmed(batch);
    if (!this.onInvalidated) return;
    for (const event of batch.events) {
      try {
        this.onInvalidated(event);
      } catch (err) {
        this.logger.warn(`cachegen: onInvalidated threw (${(err as Error)?.message ?? String(err)}); the invalidation itself is done`);
      }
    }
  }

  /** One attempt: the Redis side (stamps, deletes, clear floor), then the bus message. True when both succeeded. */
  private async send(batch: PendingBatch): Promise<boolean> {
    const l2 = this.l2!;
    if (batch.clear) return (await l2.clear()) && this.publish({ type: 'clear' });
    if (batch.keys.length > 0 && !((await l2.delete(batch.keys)) && (await this.publish({ type: 'delete', keys: batch.keys })))) return false;
    if (batch.tags.length > 0 && !((await l2.invalidate(batch.tags)) && (await this.publish({ type: 'tags', tags: batch.tags })))) return false;
    return true;
  }

  private publish(message: BusMessage): Promise<boolean> {
    return this.bus ? this.bus.publish(message) : Promise.resolve(true);
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.retrying || this.closed) return;
    const base = Math.min(RETRY_FIRST_MS * 2 ** this.retryAttempt, RETRY_MAX_MS);
    // Jitter, so a fleet that lost Redis together does not retry in step.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryPending();
    }, base * (0.5 + Math.random() / 2));
    this.retryTimer.unref();
  }

  /** Sends everything still unconfirmed as one batch; backs off while Redis keeps failing. */
  private async retryPending(): Promise<void> {
    const batch = this.pending.next();
    if (!batch || this.retrying || this.closed) return;
    this.retrying = true;
    let confirmed = false;
    try {
      confirmed = await this.send(batch);
    } finally {
      this.retrying = false;
    }
    if (confirmed) {
      this.confirmed(batch);
      this.retryAttempt = 0;
    } else {
      this.retryAttempt++;
    }
    if (this.pending.size > 0) this.scheduleRetry();
  }

  /** Redis is back: retry what it missed now rather than at the next backoff step. */
  private onCircuit(state: CircuitState): void {
    if (state !== 'closed' || this.closed || this.pending.size === 0) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryAttempt = 0;
    this.background(this.retryPending());
  }

  // ---- invalidation across instances -------------------------------------------------

  private applyPeerMessage(message: BusMessage): void {
    if (message.type === 'delete') for (const key of message.keys) this.mem?.delete(key);
    else if (message.type === 'tags') {
      this.observer.invalidation('bus', message.tags.length);
      for (const key of this.index.invalidate(message.tags)) this.mem?.delete(key);
    }
    else this.flushL1();
  }

  private flushL1(): void {
    this.index.invalidateAll();
    this.mem?.clear();
  }

  // ---- background work --------------------------------------------------------------

  private refreshInBackground<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, fallback: Fallback): void {
    if (this.closed || this.flights.has(key) || this.refreshes.size >= MAX_REFRESHES) return;
    this.track(this.refreshes, key, () => this.resolve(this.newLoad(key, loader, options, 'refresh', fallback)));
  }

  private track(map: Map<string, Promise<unknown>>, key: string, run: () => Promise<unknown>): void {
    if (map.has(key)) return;
    const job = run().catch(() => { /* a failed refresh leaves the stale value; the origin metric counted it */ });
    map.set(key, job);
    void job.finally(() => { if (map.get(key) === job) map.delete(key); });
  }

  private background(work: Promise<unknown>): void {
    const job = work.catch(() => {});
    this.writes.add(job);
    void job.finally(() => this.writes.delete(job));
  }
}

function result<T>(slot: Slot, status: CacheResult<T>['status'], tier: CacheResult<T>['tier'], now: number): CacheResult<T> {
  return { value: slot.value as T, status, tier, age: (now - slot.storedAt) / 1000, ttl: (slot.freshUntil - now) / 1000 };
}

/** `work`, or a LoaderTimeoutError after `ms`; a late settlement of `work` is dropped. */
function withHardTimeout<T>(work: Promise<T>, ms: number, key: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LoaderTimeoutError(key, ms)), ms);
    work.then((value) => { clearTimeout(timer); resolve(value); }, (err: unknown) => { clearTimeout(timer); reject(err); });
  });
}

function seconds(value: number, name: string, positive: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new TypeError(`cache option ${name} must be a ${positive ? 'positive' : 'non-negative'} number of seconds, got ${String(value)}`);
  }
  return value;
}

/** A timer length a setTimeout can hold (at most 2^31 - 1 ms). */
function timeoutMs(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > 2 ** 31 - 1) {
    throw new TypeError(`${name} must be a number of milliseconds from 1 to ${2 ** 31 - 1}, got ${String(value)}`);
  }
  return value;
}

/** Creates a cache: L1 only by default, L1 + Redis with `l2`, with the invalidation bus unless `bus: false`. */
export function createCache(options: CreateCacheOptions = {}): Cache {
  return new TwoTierCache(options);
}
