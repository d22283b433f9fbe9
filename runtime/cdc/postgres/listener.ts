/**
 * The LISTEN side of PostgreSQL CDC: one dedicated connection that LISTENs on the channel the
 * generated triggers NOTIFY, turns each notification into tag invalidations, and reconnects
 * with backoff when the connection goes away.
 *
 * Notifications sent while no connection was listening are lost for good, so every successful
 * (re)connect invalidates the table-wide tag of every mapped table before reporting itself
 * connected: an entry that could have missed an invalidation is dropped rather than served.
 * NOTIFY has no acknowledgement, so a notification whose invalidation Redis did not confirm is
 * treated the same way as a lost one: the listener drops its connection, and reports itself
 * connected again only once the flush that follows is confirmed (docs/cdc.md). A payload that is
 * not ours invalidates every mapped table.
 */
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { requirePeer } from '../../peer.js';
import type { CacheObserver } from '../../metrics/observer.js';
import { DEFAULT_CHANNEL, type CdcTables } from '../config.js';
import { ChangeHandler, UnconfirmedInvalidationError, type Invalidator, type TableChange } from '../handler.js';
import { parseNotifyPayload } from './payload.js';
import { quoteIdent } from './sql.js';

export interface PostgresListenerOptions {
  /** Connection string; default DATABASE_URL. */
  url?: string;
  /** The channel the triggers NOTIFY (default `cachegen_cdc`). */
  channel?: string;
  tables: CdcTables;
  /** The cache (or anything with `invalidateTags`). */
  invalidator: Invalidator;
  observer?: CacheObserver;
  /**
   * What each (re)connect drops, since notifications sent while nobody listened are lost:
   * `table-tags` (default) invalidates every mapped table's table-wide tag, which cached reads
   * of those tables must carry; `clear` empties the whole cache namespace instead (for apps
   * whose entries do not carry table tags); `none` only if nothing was cached before the listener started.
   */
  onGap?: 'table-tags' | 'clear' | 'none';
  /** Waits before reconnect attempt `attempt` (1, 2, ...); default: exponential backoff from 0.1 s to 5 s with jitter. */
  waitBeforeReconnect?: (attempt: number) => Promise<void>;
  /** Seconds between liveness probes of the connection (default 30); a probe not answered within the same time drops the connection. */
  healthCheckInterval?: number;
  /** Seconds to wait for a connection (and its LISTEN) before trying again (default 10). */
  connectTimeout?: number;
  /** Where state changes are logged, once each (default console.warn). */
  log?: (message: string) => void;
}

/** Events: `connected` (tags flushed; `['*']` after a clear), `disconnected` (error), `invalidated` (tags, change), `invalidation-failed` (error). */
export interface PostgresListenerEvents {
  connected: [flushedTags: string[]];
  disconnected: [error: Error | undefined];
  invalidated: [tags: string[], change: TableChange];
  'invalidation-failed': [error: Error];
}

/** Default backoff: 100 ms doubling to 5 s, with ±20 % jitter so a fleet does not reconnect in step. */
export function defaultBackoff(attempt: number): Promise<void> {
  const base = Math.min(5_000, 100 * 2 ** Math.max(0, attempt - 1));
  const ms = base * (0.8 + Math.random() * 0.4);
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A LISTEN connection that invalidates cache tags on every NOTIFY from the generated triggers. */
export class PostgresCdcListener extends EventEmitter<PostgresListenerEvents> {
  private readonly handler: ChangeHandler;
  private readonly url: string;
  private readonly channel: string;
  private readonly options: PostgresListenerOptions;
  private readonly log: (message: string) => void;
  private client: pg.Client | undefined;
  private closed = false;
  private wakeFromWait: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();
  private pid: number | undefined;
  /** Resolves (with the last error) when the current connection ends. */
  private ended: Promise<Error | undefined> | undefined;
  private firstConnect: { promise: Promise<void>; resolve: () => void };
  /** Notifications whose invalidation failed: a flush that saw this number change did not cover them. */
  private failures = 0;
  private loggedMalformed = false;

  constructor(options: PostgresListenerOptions) {
    super();
    const url = options.url ?? process.env.DATABASE_URL;
    if (!url) throw new Error('PostgresCdcListener needs a connection string: pass `url` (cdc.postgres.url) or set DATABASE_URL');
    this.url = url;
    if (options.onGap === 'clear' && typeof options.invalidator.clear !== 'function') {
      throw new Error("PostgresCdcListener: onGap 'clear' needs an invalidator with clear() (the cache has one)");
    }
    this.channel = options.channel ?? DEFAULT_CHANNEL;
    this.options = options;
    this.log = options.log ?? ((m) => console.warn(`[cachegen cdc] ${m}`));
    this.handler = new ChangeHandler({ tables: options.tables, invalidator: options.invalidator, feed: 'postgres', observer: options.observer });
    let resolve!: () => void;
    this.firstConnect = { promise: new Promise<void>((r) => { resolve = r; }), resolve };
  }

  /** Starts listening; resolves once connected (and flushed) the first time. Keeps retrying in the background, never rejects. */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.firstConnect.promise;
  }

  /** True while a LISTEN connection is up. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** The server process id of the current LISTEN connection (for pg_terminate_backend in tests and runbooks). */
  get backendPid(): number | undefined {
    return this.pid;
  }

  /** Stops listening; resolves after the connection is closed and in-flight invalidations are done. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeFromWait?.();
    this.firstConnect.resolve();
    const client = this.client;
    if (client) await client.end().catch(() => undefined);
    await this.loop;
    await Promise.all(this.pending);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let wasConnected = false;
    let reportedUnreachable = false;
    while (!this.closed) {
      let failure: Error | undefined;
      try {
        await this.connectOnce();
        attempt = 0;
        wasConnected = true;
        if (reportedUnreachable) this.log('LISTEN connection established; mapped tables flushed');
        reportedUnreachable = false;
        failure = await this.untilConnectionEnds();
      } catch (err) {
        failure = err as Error;
      }
      this.client = undefined;
      this.pid = undefined;
      if (this.closed) break;
      if (wasConnected) {
        // Logged once per state change, not once per attempt.
        this.log(`lost the LISTEN connection (${failure?.message ?? 'closed'}); reconnecting, and flushing the mapped tables' tags once back`);
        this.emit('disconnected', failure);
        wasConnected = false;
        reportedUnreachable = true;
      } else if (!reportedUnreachable) {
        this.log(`cannot LISTEN (${failure?.message ?? 'unknown error'}); retrying with backoff`);
        reportedUnreachable = true;
      }
      attempt++;
      await this.waitBeforeReconnect(attempt);
    }
  }

  private async connectOnce(): Promise<void> {
    const client = new (requirePeer<typeof import('pg')>('pg')).Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: 'cachegen-cdc',
      connectionTimeoutMillis: (this.options.connectTimeout ?? 10) * 1000,
      query_timeout: (this.options.connectTimeout ?? 10) * 1000,
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.track(this.onNotification(message.payload));
    });
    // Watch for the end from the start: it can come during the flush below, before anyone waits for it.
    let lastError: Error | undefined;
    client.on('error', (err) => { lastError = err; });
    this.ended = new Promise((resolve) => client.once('end', () => resolve(lastError)));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.pid = rows[0]?.pid;
      if (this.closed) throw new Error('closed');
      this.client = client;
      const failuresBefore = this.failures;
      const flushed = await this.flushAfterGap();
      if (this.failures !== failuresBefore) throw new Error('an invalidation failed while the mapped tables were being flushed');
      this.emit('connected', flushed);
      this.firstConnect.resolve();
    } catch (err) {
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** Resolves when the current connection ends (the server went away, or a liveness probe failed). */
  private async untilConnectionEnds(): Promise<Error | undefined> {
    const client = this.client;
    const ended = this.ended;
    if (!client || !ended) return undefined;
    let probeFailure: Error | undefined;
    const intervalMs = (this.options.healthCheckInterval ?? 30) * 1000;
    const probe = setInterval(() => {
      const timeout = setTimeout(() => {
        probeFailure = new Error(`liveness probe not answered within ${intervalMs / 1000} s`);
        // end() would wait for the hung server; destroying the socket is what frees us.
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      }, intervalMs);
      client.query('SELECT 1').catch(() => undefined).finally(() => clearTimeout(timeout));
    }, intervalMs);
    probe.unref();
    try {
      const error = await ended;
      // The probe's reason says more than pg's "Connection terminated unexpectedly".
      return probeFailure ?? error;
    } finally {
      clearInterval(probe);
    }
  }

  /**
   * One notification: its invalidation, confirmed; or, when that fails, the connection is
   * dropped so the reconnect's flush covers it. A payload that is not ours (anyone may NOTIFY
   * the channel) invalidates every mapped table, as a lost notification would.
   */
  private async onNotification(payload: string): Promise<void> {
    let change: TableChange | undefined;
    try {
      change = parseNotifyPayload(payload);
    } catch (err) {
      if (!this.loggedMalformed) this.log(`${(err as Error).message}; invalidating every mapped table instead (logged once)`);
      this.loggedMalformed = true;
    }
    try {
      if (!change) {
        await this.handler.invalidateAllTables();
        return;
      }
      const tags = await this.handler.handle(change);
      this.emit('invalidated', tags, change);
    } catch (err) {
      this.failures++;
      this.emit('invalidation-failed', err as Error);
      const client = this.client;
      this.client = undefined;
      if (client) {
        this.log(`${(err as Error).message}; reconnecting, and flushing the mapped tables' tags once Redis confirms it`);
        await client.end().catch(() => undefined);
      }
    }
  }

  /** A failed flush fails the connection attempt: reporting "connected" without it could serve what a lost event should have removed. */
  private async flushAfterGap(): Promise<string[]> {
    const onGap = this.options.onGap ?? 'table-tags';
    if (onGap === 'none') return [];
    try {
      if (onGap === 'table-tags') return await this.handler.invalidateAllTables();
      if ((await this.options.invalidator.clear!()) === false) throw new UnconfirmedInvalidationError('the whole namespace (onGap: clear)');
      return ['*'];
    } catch (err) {
      this.emit('invalidation-failed', err as Error);
      throw err;
    }
  }

  private async waitBeforeReconnect(attempt: number): Promise<void> {
    if (this.closed) return;
    const wait = (this.options.waitBeforeReconnect ?? defaultBackoff)(attempt);
    await Promise.race([wait, new Promise<void>((resolve) => { this.wakeFromWait = resolve; })]);
    this.wakeFromWait = undefined;
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}
