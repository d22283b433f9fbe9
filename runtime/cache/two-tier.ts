/**
 * The two-tier cache: L1 in process, Redis as L2, tag invalidation, the bus, SWR,
 * stale-if-error, soft timeouts and stampede protection (in process and across instances).
 * The design and its guarantees are explained in docs/two-tier.md.
 */
import { randomUUID } from 'node:crypto';
import { L1Cache } from '../l1/index.js';
import { noopObserver, UNTIMED, type CacheObserver, type CircuitState, type InvalidationSource } from '../metrics/observer.js';
import { InvalidationBus, type BusMessage } from '../bus/bus.js';
import { decodeEnvelope, encodeEnvelope } from '../l2/envelope.js';
import { RedisL2 } from '../l2/store.js';
import { defaultCodec } from './codec.js';
import { TagIndex } from './tag-index.js';
import type { Cache, CacheMark, CacheResult, Codec, CreateCacheOptions, GetOrSetOptions, SetOptions } from './types.js';


/** Fresh L1 hits timed with performance.now(): one in this many (a power of two). */
const L1_HIT_SAMPLE = 64;

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

const DEFAULT_L1_BYTES = 64 * 2 ** 20;
const MAX_PENDING_TAGS = 10_000;

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
  private readonly index = new TagIndex();
  /** Foreground loads in progress, one per key: the in-process single flight. */
  private readonly flights = new Map<string, Promise<CacheResult<unknown>>>();
  /** Loader calls in progress, one per key (they can outlive their flight after a soft timeout). */
  private readonly origins = new Map<string, Promise<CacheResult<unknown>>>();
  /** Background refreshes in progress, one per key. */
  private readonly refreshes = new Map<string, Promise<unknown>>();
  /** Redis writes still running; close() waits for them. */
  private readonly writes = new Set<Promise<unknown>>();
  /** Tag invalidations that could not reach Redis; replayed when it recovers. */
  private readonly pendingTags = new Set<string>();
  private pendingClear = false;
  private closed = false;
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
    const namespace = options.namespace ?? 'cachegen';
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
        namespace, observer: this.observer, logger: this.logger, clock: this.clock,
        onCircuit: (state) => this.onCircuit(state),
      });
      if (options.bus !== false) {
        this.bus = new InvalidationBus({
          channel: this.l2.layout.channel,
          publish: (channel, message) => this.l2!.publish(channel, message),
          subscriber: this.l2.duplicate(),
          observer: this.observer,
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
    const started = this.timed && (++this.hitTick & (L1_HIT_SAMPLE - 1)) === 0 ? performance.now() : -1;
    const slot = this.mem?.lookup(key)?.value;
    if (slot !== undefined) {
      const now = this.clock();
      if (now < slot.freshUntil) {
        if (this.timed) this.observer.request(options.endpoint ?? 'default', 'hit', 'l1', sinceOrUntimed(started));
        return result<T>(slot, 'hit', 'l1', now);
      }
    }
    return this.answer(key, loader, options, slot);
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
    const found = read?.entry ? this.decodeL2(read.entry, defaultCodec) : undefined;
    if (!found || this.clock() >= found.freshUntil) return undefined;
    this.fillL1(key, found, seq0, read!.entry!.byteLength);
    return found.value as T;
  }

  async set<T>(key: string, value: T, options: SetOptions<T>): Promise<void> {
    // An L1-only value needs no L2 epoch: no round trip for it.
    const since = options.since ?? (options.shared === false ? { seq: this.index.seq, epoch: undefined } : await this.mark(key));
    await this.store(key, value, options, since.epoch, since.seq);
  }

  async mark(key: string): Promise<CacheMark> {
    const seq = this.index.seq;
    const epoch = this.l2 && !this.closed ? (await this.l2.read(key))?.epoch : undefined;
    return { seq, epoch };
  }

  async delete(key: string): Promise<void> {
    this.mem?.delete(key);
    if (!this.l2) return;
    await this.l2.delete(key);
    await this.bus?.publish({ type: 'delete', keys: [key] });
  }

  async invalidateTags(tags: string[], options: { source?: InvalidationSource } = {}): Promise<void> {
    if (!Array.isArray(tags)) throw new TypeError('invalidateTags: tags must be an array of strings');
    if (tags.length === 0) return;
    const startedAt = Date.now();
    this.observer.invalidation(options.source ?? 'api', tags.length);
    for (const key of this.index.invalidate(tags)) this.mem?.delete(key);
    if (!this.l2) return this.invalidated(tags, options.source ?? 'api', startedAt);
    const versions = await this.l2.invalidate(tags);
    if (!versions) this.remember(tags);
    else this.invalidated(tags, options.source ?? 'api', startedAt);
    await this.bus?.publish({ type: 'tags', tags, ...(versions ? { versions } : {}) });
  }

  async clear(): Promise<void> {
    this.flushL1();
    if (!this.l2) return;
    if (!(await this.l2.clear())) this.pendingClear = true;
    await this.bus?.publish({ type: 'clear' });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.writes]);
    await this.bus?.close();
    await this.l2?.close();
  }

  // ---- read path -------------------------------------------------------------------

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
      flight = this.resolve(key, loader, options, fallback, 'foreground');
      this.flights.set(key, flight);
      const done = () => { if (this.flights.get(key) === flight) this.flights.delete(key); };
      flight.then(done, done);
    }
    return flight;
  }

  /**
   * L1 missed (or held only an error-window value): ask L2, taking the key's lease when it
   * misses; without the lease, wait for its owner's value; then call the loader.
   */
  private async resolve<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>,
    fallback: Fallback | undefined, mode: 'foreground' | 'refresh'): Promise<CacheResult<T>> {
    const seq0 = this.index.seq;
    const codec = (options.codec ?? defaultCodec) as Codec<T>;
    let epoch: number | undefined;
    let token: string | undefined;
    if (this.l2 && options.shared !== false && !this.closed) {
      const l2 = this.l2;
      token = `${this.tokenPrefix}${++this.tokenSeq}`;
      let waitUntil = 0;
      let pause = 2;
      for (;;) {
        // The tags whose stamps come with the entry in one round trip: those of the value L1 still
        // holds (request- and response-derived), else the request's; any other tag costs one more.
        const read = await l2.read(key, token, this.clock(), fallback?.slot.tags ?? options.tags);
        if (!read) { token = undefined; epoch = undefined; break; }
        epoch = read.epoch;
        const found = read.entry ? this.decodeL2(read.entry, codec) : undefined;
        if (found) {
          const now = this.clock();
          if (now < found.freshUntil) {
            this.fillL1(key, found, seq0, read.entry!.byteLength);
            return result<T>(found, 'hit', 'l2', now);
          }
          if (now < found.staleUntil) {
            if (!read.leaseAcquired) return result<T>(found, 'stale', 'l2', now);
            if (mode === 'refresh') return this.load(key, loader, options, epoch, token, seq0, { slot: found, tier: 'l2' });
            const refreshEpoch = epoch;
            const refreshToken = token;
            this.track(this.refreshes, key, () => this.load(key, loader, options, refreshEpoch, refreshToken, seq0, undefined));
            return result<T>(found, 'stale', 'l2', now);
          }
          if (!fallback || found.storedAt > fallback.slot.storedAt) fallback = { slot: found, tier: 'l2' };
        }
        if (read.leaseAcquired) break;
        if (mode === 'refresh') return fallback ? result<T>(fallback.slot, 'stale', fallback.tier, this.clock()) : this.load(key, loader, options, epoch, undefined, seq0, undefined);
        // Someone else is loading this key: poll for its value until its lease could have expired.
        if (waitUntil === 0) waitUntil = performance.now() + l2.leaseMs;
        if (this.closed || performance.now() > waitUntil) { token = undefined; break; }
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, l2.leasePollMs);
      }
    }
    return this.load(key, loader, options, epoch, token, seq0, fallback);
  }

  /** Calls the loader, applying stale-if-error and the soft timeout, and stores what it returns. */
  private load<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, epoch: number | undefined,
    token: string | undefined, seq0: number, fallback: Fallback | undefined): Promise<CacheResult<T>> {
    // A loader that outlived a soft timeout is still the one load of this key: join it.
    let job = this.origins.get(key) as Promise<CacheResult<T>> | undefined;
    if (!job) {
      const started = this.callOrigin(key, loader, options, epoch, token, seq0);
      job = started;
      this.origins.set(key, started);
      const done = () => { if (this.origins.get(key) === started) this.origins.delete(key); };
      started.then(done, done);
    } else if (token) {
      this.background(this.l2!.release(key, token));
    }
    if (!fallback) return job;
    const { slot, tier } = fallback;
    const guarded = job.catch((err: unknown) => {
      const now = this.clock();
      if (now < slot.errorUntil) return result<T>(slot, 'stale', tier, now);
      throw err;
    });
    const timeoutMs = options.timeoutMs;
    if (timeoutMs === undefined || !(this.clock() < Math.max(slot.staleUntil, slot.errorUntil))) return guarded;
    // Soft timeout: the stale value now; the loader goes on and stores its value when done.
    guarded.catch(() => {});
    return new Promise<CacheResult<T>>((resolve, reject) => {
      const timer = setTimeout(() => resolve(result<T>(slot, 'stale', tier, this.clock())), timeoutMs);
      guarded.then((r) => { clearTimeout(timer); resolve(r); }, (e: unknown) => { clearTimeout(timer); reject(e); });
    });
  }

  private async callOrigin<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, epoch: number | undefined,
    token: string | undefined, seq0: number): Promise<CacheResult<T>> {
    const endpoint = options.endpoint ?? 'default';
    const started = this.timed ? performance.now() : 0;
    let value: T;
    try {
      value = await loader();
    } catch (err) {
      if (this.timed) this.observer.origin(endpoint, (performance.now() - started) / 1000, false);
      if (token) this.background(this.l2!.release(key, token));
      throw err;
    }
    if (this.timed) this.observer.origin(endpoint, (performance.now() - started) / 1000, true);
    const now = this.clock();
    try {
      if (!options.cacheable || options.cacheable(value)) await this.store(key, value, options, epoch, seq0, now);
    } finally {
      if (token) this.background(this.l2!.release(key, token));
    }
    return { value, status: 'miss', tier: 'origin', age: 0, ttl: options.ttl };
  }

  // ---- write path ------------------------------------------------------------------

  /** Stores in L2 (when shared and its epoch is known) then L1, unless an invalidation raced the value. */
  private async store<T>(key: string, value: T, options: Omit<GetOrSetOptions<T>, 'timeoutMs'>,
    epoch: number | undefined, seq0: number, now = this.clock()): Promise<void> {
    const ttl = seconds(options.ttl, 'ttl', true);
    const swr = seconds(options.swr ?? 0, 'swr', false);
    const staleIfError = seconds(options.staleIfError ?? 0, 'staleIfError', false);
    const tags = options.tagsFrom ? [...(options.tags ?? []), ...options.tagsFrom(value)] : (options.tags ?? []);
    const codec = (options.codec ?? defaultCodec) as Codec<T>;
    const bytes = codec.encode(value);
    const freshUntil = now + ttl * 1000;
    const slot: Slot = {
      value, storedAt: now, freshUntil, staleUntil: freshUntil + swr * 1000, errorUntil: freshUntil + staleIfError * 1000, tags,
    };
    if (this.l2 && options.shared !== false && epoch !== undefined && !this.closed) {
      const envelope = encodeEnvelope({ ...slot, epoch }, bytes, this.l2.compressAbove);
      const write = this.l2.write(key, envelope, Math.max(slot.staleUntil, slot.errorUntil) - now, epoch, tags);
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

  private decodeL2(bytes: Buffer, codec: Codec<unknown>): Slot | undefined {
    const envelope = decodeEnvelope(bytes);
    if (!envelope) return undefined;
    try {
      return {
        value: codec.decode(envelope.value), storedAt: envelope.storedAt, freshUntil: envelope.freshUntil,
        staleUntil: envelope.staleUntil, errorUntil: envelope.errorUntil, tags: envelope.tags,
      };
    } catch {
      return undefined; // written with another codec: treat as a miss, the loader overwrites it
    }
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

  /** The invalidation is durable: tell `onInvalidated` (docs/two-tier.md, "After an invalidation"); it never fails the caller. */
  private invalidated(tags: readonly string[], source: InvalidationSource, startedAt: number): void {
    if (!this.onInvalidated) return;
    try {
      this.onInvalidated({ tags: [...tags], source, startedAt });
    } catch (err) {
      this.logger.warn(`cachegen: onInvalidated threw (${(err as Error)?.message ?? String(err)}); the invalidation itself is done`);
    }
  }

  private remember(tags: readonly string[]): void {
    for (const tag of tags) this.pendingTags.add(tag);
    if (this.pendingTags.size > MAX_PENDING_TAGS) { this.pendingTags.clear(); this.pendingClear = true; }
  }

  /** Redis is back: replay the invalidations it missed, and flush L1 (peers' messages were lost too). */
  private onCircuit(state: CircuitState): void {
    if (state !== 'closed' || this.closed) return;
    const tags = [...this.pendingTags];
    this.pendingTags.clear();
    const clear = this.pendingClear;
    this.pendingClear = false;
    if (clear) this.background(this.clear());
    else if (tags.length) this.background(this.invalidateTags(tags, { source: 'api' }));
  }

  // ---- background work --------------------------------------------------------------

  private refreshInBackground<T>(key: string, loader: Loader<T>, options: GetOrSetOptions<T>, fallback: Fallback): void {
    if (this.closed || this.flights.has(key)) return;
    this.track(this.refreshes, key, () => this.resolve(key, loader, options, fallback, 'refresh'));
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

function seconds(value: number, name: string, positive: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new TypeError(`cache option ${name} must be a ${positive ? 'positive' : 'non-negative'} number of seconds, got ${String(value)}`);
  }
  return value;
}

/** Creates a cache: L1 only by default, L1 + Redis with `l2`, with the invalidation bus unless `bus: false`. */
export function createCache(options: CreateCacheOptions = {}): Cache {
  return new TwoTierCache(options);
}
