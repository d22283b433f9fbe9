/**
 * The chaos run (docs/security.md, guarantee 2; docs/benchmarks/chaos.md): two cache instances
 * on one private Redis, concurrent reads (public entries, and private ones keyed by an identity
 * digest), writes that invalidate, and writes seen only through PostgreSQL CDC
 * (LISTEN/NOTIFY, a private schema) — while Redis is killed and restarted, restarted empty,
 * paused (SIGSTOP), its bus connections and its other connections cut (CLIENT KILL).
 *
 * Half the items are invalidated by the writers' `invalidateTags` (table `api_items`, no
 * trigger), half only through CDC (table `cdc_items`): neither path can hide the other's losses.
 *
 * An oracle knows every item's committed versions. Each confirmed invalidation (the cache's
 * `onInvalidated`: Redis has it) covers the versions committed before it started. A read that
 * began after a confirmation and answered an older version is stale; it is within the
 * documented bound only when it came from another instance's L1, and either the bus message
 * may still have been on its way (BUS_DELIVERY_MS) or that instance's bus connection was down
 * meanwhile and the copy was within its lifetime (ttl + swr). Every other stale read is
 * counted as beyond the bound. A private answer for another identity is counted too. At the
 * end, with Redis healthy again, every write must have been confirmed (none lost) and every
 * item must read its latest version on both instances.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createCache, createIdentityDigest, type Cache, type CacheResult, type InvalidatedEvent } from '@cachegen/runtime';
import { applyTriggerSql, PostgresCdcListener } from '@cachegen/runtime/cdc';
import { restartableRedis, type RestartableRedis } from './restartable-redis.js';

export interface ChaosOptions {
  databaseUrl: string;
  durationMs: number;
  /** Concurrent readers (default 12). */
  readers?: number;
  items?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** The figures of one run. */
export interface ChaosFigures {
  durationMs: number;
  requests: number;
  reads: number;
  writes: number;
  failed: number;
  staleBeyondBound: number;
  /** Older answers the bound allows (bus in flight, or bus down and the copy still alive): informational. */
  staleWithinBound: number;
  crossIdentity: number;
  /** Private entries found in Redis at the end (they must never be written there). */
  privateEntriesInRedis: number;
  /** Writes no confirmed invalidation covered by the end (lost invalidations). */
  lostInvalidations: number;
  /** Items that still answered an old version on some instance at the end, Redis healthy again. */
  staleAtEnd: number;
  confirmedInvalidations: number;
  /** invalidateTags calls that resolved false (retried by the cache until confirmed). */
  unconfirmedCalls: number;
  cdcWrites: number;
  actions: Record<string, number>;
  boundMs: { busDelivery: number; copyLifetime: number };
  /** The first few stale reads beyond the bound, to debug one. */
  examples: string[];
}

/** Long enough that a lost invalidation would show: an entry outlives the run's settling. */
const TTL = 20;
const SWR = 5;
/** How long the end waits for Redis to confirm what the chaos left waiting (the retries back off to 5 s). */
const SETTLE_MS = 7_000;
/** How long a bus message may take to be applied on a loaded 2-core machine (the oracle's allowance). */
export const BUS_DELIVERY_MS = 1_000;
const USERS = Array.from({ length: 8 }, (_, i) => `Bearer user-${i}-token`);
const CDC_TABLE_TAG = 'table:cdc_items';

interface Item { version: number; owner?: string }
interface Confirmation { version: number; at: number; instance: string }

/** Per item: committed versions (with Date.now() after the commit) and confirmations. */
class Oracle {
  private readonly commits = new Map<string, Array<{ version: number; committedAt: number }>>();
  private readonly confirmations = new Map<string, Confirmation[]>();
  /** Per instance, intervals [start, end] during which its bus connection may have been down. */
  private readonly busDown = new Map<string, Array<[number, number]>>();
  staleBeyond = 0;
  staleWithin = 0;
  confirmed = 0;
  readonly examples: string[] = [];

  /** Records a version committed just now; answers the (ms) time it is recorded at. */
  committed(id: string, version: number): number {
    let list = this.commits.get(id);
    if (!list) this.commits.set(id, (list = []));
    const committedAt = Date.now();
    list.push({ version, committedAt });
    return committedAt;
  }

  /**
   * An invalidation confirmed on `instance`: it covers every version committed before it started
   * (strictly, on a ms clock), and the versions it names exactly (`versions`, from CDC's row images).
   */
  confirm(ids: Iterable<string>, startedAt: number, instance: string, versions: ReadonlyMap<string, number> = new Map()): void {
    const at = performance.now();
    this.confirmed++;
    for (const id of ids) {
      let version = versions.get(id) ?? 0;
      for (const c of this.commits.get(id) ?? []) if (c.committedAt < startedAt && c.version > version) version = c.version;
      if (version === 0) continue;
      let list = this.confirmations.get(id);
      if (!list) this.confirmations.set(id, (list = []));
      list.push({ version, at, instance });
    }
  }

  /** The items whose tag is `tag` (an item's own, or the table-wide tag of the CDC items). */
  itemsTagged(tag: string): string[] {
    if (tag === CDC_TABLE_TAG) return [...this.commits.keys()].filter((id) => id.startsWith('cdc:'));
    return this.commits.has(tag) ? [tag] : [];
  }

  /** The latest committed version of an item. */
  latest(id: string): number { return Math.max(...(this.commits.get(id) ?? []).map((c) => c.version)); }

  /** Items with a committed version no confirmation covers. */
  unconfirmed(): number {
    let lost = 0;
    for (const id of this.commits.keys()) {
      const confirmed = Math.max(0, ...(this.confirmations.get(id) ?? []).map((c) => c.version));
      if (confirmed < this.latest(id) && this.latest(id) > 1) {
        lost++;
        if (this.examples.length < 10) this.examples.push(`lost: ${id} v${this.latest(id)} committed, v${confirmed} the latest confirmed`);
      }
    }
    return lost;
  }

  busWindow(instance: string, start: number, end: number): void {
    let list = this.busDown.get(instance);
    if (!list) this.busDown.set(instance, (list = []));
    list.push([start, end]);
  }

  /** Checks one answer: `t0` when the read began (performance.now()). */
  read(id: string, got: CacheResult<Item>, t0: number, instance: string): void {
    const violated = (this.confirmations.get(id) ?? []).filter((c) => c.at < t0 && c.version > got.value.version);
    if (violated.length === 0) return;
    const beyond = violated.find((c) => !this.allowed(c, got, t0, instance));
    if (!beyond) { this.staleWithin++; return; }
    this.staleBeyond++;
    if (this.examples.length < 5) {
      this.examples.push(`item ${id} on ${instance}: got v${got.value.version} from ${got.tier} (age ${got.age.toFixed(3)} s) ${(t0 - beyond.at).toFixed(0)} ms after v${beyond.version} was confirmed on ${beyond.instance}`);
    }
  }

  private allowed(c: Confirmation, got: CacheResult<Item>, t0: number, instance: string): boolean {
    if (got.tier !== 'l1' || instance === c.instance) return false;
    if (t0 < c.at + BUS_DELIVERY_MS) return true;
    const down = (this.busDown.get(instance) ?? []).some(([start, end]) => start <= t0 && end >= c.at);
    return down && got.age <= TTL + SWR;
  }
}

function pick<T>(list: readonly T[]): T { return list[Math.floor(Math.random() * list.length)]!; }
function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

/** Runs the chaos for `durationMs` and answers its figures; starts and removes its own Redis and schema. */
export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const log = options.log ?? (() => undefined);
  const items = options.items ?? 40;
  const suffix = Math.random().toString(36).slice(2, 8);
  const schema = `cachegen_chaos_${suffix}`;
  const channel = `cachegen_chaos_${suffix}`;
  const namespace = `chaos-${suffix}`;
  const oracle = new Oracle();
  const figures = { requests: 0, reads: 0, writes: 0, failed: 0, crossIdentity: 0, unconfirmedCalls: 0, cdcWrites: 0 };
  const actions: Record<string, number> = {};
  const cleanup: Array<() => Promise<unknown>> = [];

  const redis: RestartableRedis = await restartableRedis();
  cleanup.push(() => redis.remove());
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 8 });
  cleanup.push(async () => { await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); await db.end(); });
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    // An item is `<table>:<id>`; its key, its tag and its table are named after it.
    const ids = (table: 'api' | 'cdc') => Array.from({ length: Math.ceil(items / 2) }, (_, i) => `${table}:${i}`);
    const apiItems = ids('api');
    const cdcItems = ids('cdc');
    for (const table of ['api', 'cdc']) {
      await db.query(`CREATE TABLE ${schema}.${table}_items (id int PRIMARY KEY, version int NOT NULL)`);
      await db.query(`INSERT INTO ${schema}.${table}_items SELECT g, 1 FROM generate_series(0, ${Math.ceil(items / 2) - 1}) g`);
    }
    for (const id of [...apiItems, ...cdcItems]) oracle.committed(id, 1);
    // `cdcv:<id>:<version>` names the exact versions a notification covers (nothing is cached under it).
    const tables = { cdc_items: { schema, tags: ['cdc:{id}', 'cdcv:{id}:{version}'], tableTag: CDC_TABLE_TAG } };
    const client = await db.connect();
    try { await applyTriggerSql(client, { channel, tables }); } finally { client.release(); }

    const quiet = { warn: () => undefined, info: () => undefined };
    const onInvalidated = (instance: string) => (event: InvalidatedEvent) => {
      const covered = event.all ? [...apiItems, ...cdcItems] : event.tags.flatMap((tag) => oracle.itemsTagged(tag));
      const versions = new Map<string, number>();
      for (const tag of event.tags) {
        const [kind, row, version] = tag.split(':');
        if (kind === 'cdcv') versions.set(`cdc:${row}`, Math.max(Number(version), versions.get(`cdc:${row}`) ?? 0));
      }
      oracle.confirm(covered, event.startedAt, instance, versions);
    };
    const instances: Record<string, Cache> = {};
    for (const name of ['A', 'B']) {
      instances[name] = createCache({
        namespace, logger: quiet, l1: { maxEntries: 10_000 }, onInvalidated: onInvalidated(name),
        l2: { redis: redis.url, commandTimeoutMs: 150, circuitFailures: 3, circuitOpenMs: 200 },
      });
      cleanup.push(() => instances[name]!.close());
    }
    const names = Object.keys(instances);
    const listener = new PostgresCdcListener({
      url: options.databaseUrl, channel, tables, invalidator: instances.A!, log: () => undefined,
      waitBeforeReconnect: () => sleep(50),
    });
    cleanup.push(() => listener.close());
    await listener.start();
    const digest = createIdentityDigest('chaos-secret-0123456789');
    const admin = () => new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });

    const [tableOf, rowOf] = [(item: string) => `${schema}.${item.split(':')[0]}_items`, (item: string) => Number(item.split(':')[1])];
    const load = async (item: string, owner?: string): Promise<Item> => {
      const { rows } = await db.query<{ version: number }>(`SELECT version FROM ${tableOf(item)} WHERE id = $1`, [rowOf(item)]);
      return { version: rows[0]!.version, ...(owner ? { owner } : {}) };
    };
    const opts = (item: string) => ({ ttl: TTL, swr: SWR, tags: item.startsWith('cdc:') ? [item, CDC_TABLE_TAG] : [item] });
    const read = (name: string, item: string, owner?: string) => owner
      ? instances[name]!.fetch<Item>(`me:${digest(owner)}:${item}`, () => load(item, owner), { ...opts(item), shared: false })
      : instances[name]!.fetch<Item>(item, () => load(item), opts(item));

    let running = true;
    const deadline = performance.now() + options.durationMs;
    const reader = async () => {
      while (running) {
        const name = pick(names);
        const item = pick(Math.random() < 0.5 ? apiItems : cdcItems);
        const owner = Math.random() < 0.3 ? pick(USERS) : undefined;
        const t0 = performance.now();
        figures.requests++;
        figures.reads++;
        try {
          const got = await read(name, item, owner);
          if (owner && got.value.owner !== owner) figures.crossIdentity++;
          oracle.read(item, got, t0, name);
        } catch {
          figures.failed++;
        }
        await sleep(Math.random() * 4);
      }
    };
    const update = async (item: string) => {
      const { rows } = await db.query<{ version: number }>(`UPDATE ${tableOf(item)} SET version = version + 1 WHERE id = $1 RETURNING version`, [rowOf(item)]);
      return oracle.committed(item, rows[0]!.version);
    };
    const writer = async () => {
      while (running) {
        const item = pick(apiItems);
        figures.requests++;
        figures.writes++;
        try {
          const committedAt = await update(item);
          // The call must start in a later ms than the commit the oracle recorded, or it would not count as covering it.
          while (Date.now() <= committedAt) await sleep(1);
          if (!(await instances[pick(names)]!.invalidateTags([item], { source: 'mutation' }))) figures.unconfirmedCalls++;
        } catch {
          figures.failed++;
        }
        await sleep(20 + Math.random() * 30);
      }
    };
    const cdcWriter = async () => {
      while (running) {
        figures.requests++;
        figures.writes++;
        figures.cdcWrites++;
        try { await update(pick(cdcItems)); } catch { figures.failed++; }
        await sleep(30 + Math.random() * 40);
      }
    };

    /** Until both instances are subscribed again, then records the bus-down window of each. */
    const busBackAfter = async (start: number) => {
      const probe = admin();
      try {
        for (;;) {
          try {
            if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
            const [, n] = (await probe.pubsub('NUMSUB', `${namespace}:bus`)) as [string, number];
            if (Number(n) >= 2) break;
          } catch { /* still down */ }
          await sleep(25);
        }
      } finally {
        probe.disconnect();
      }
      const end = performance.now() + 100; // the SUBSCRIBE reply, then the flush
      for (const name of names) oracle.busWindow(name, start, end);
    };
    const killClients = async (type: 'pubsub' | 'normal') => {
      const c = admin();
      try { await c.connect(); await c.client('KILL', 'TYPE', type, 'SKIPME', 'yes'); } catch { /* Redis is down */ } finally { c.disconnect(); }
    };
    const chaosActions: Record<string, () => Promise<void>> = {
      'cut the bus (CLIENT KILL TYPE pubsub)': async () => { const start = performance.now(); await killClients('pubsub'); await busBackAfter(start); },
      'cut the other connections (CLIENT KILL TYPE normal)': () => killClients('normal'),
      'pause Redis 1.5 s (SIGSTOP)': async () => { redis.pause(); await sleep(1_500); redis.resume(); },
      'kill Redis, restart it 1 s later with its data': async () => {
        const start = performance.now();
        await redis.kill(); await sleep(1_000); await redis.start(); await busBackAfter(start);
      },
      'kill Redis, restart it empty': async () => {
        const start = performance.now();
        await redis.wipe(); await sleep(500); await redis.start(); await busBackAfter(start);
      },
    };
    let cycles = 0;
    const chaos = async () => {
      const order = Object.keys(chaosActions);
      for (let i = 0; running; i++) {
        if (i > 0 && i % order.length === 0) cycles++;
        await sleep(700 + Math.random() * 600);
        if (!running) break;
        const name = order[i % order.length]!;
        log(`chaos: ${name}`);
        actions[name] = (actions[name] ?? 0) + 1;
        await chaosActions[name]!();
      }
    };

    const workers = [
      ...Array.from({ length: options.readers ?? 12 }, reader),
      writer(), writer(), cdcWriter(), chaos(),
    ];
    // At least one full cycle of the chaos actions, however slow the machine.
    while (performance.now() < deadline || cycles === 0) await sleep(100);
    running = false;
    await Promise.all(workers);
    redis.resume();
    // Redis is healthy again: what waited for it is confirmed now, or was lost.
    await sleep(SETTLE_MS);
    let staleAtEnd = 0;
    for (const item of [...apiItems, ...cdcItems]) {
      const answers = await Promise.all(names.map((name) => read(name, item).catch(() => undefined)));
      if (answers.some((got) => got?.value.version !== oracle.latest(item))) staleAtEnd++;
    }
    const probe = admin();
    let privateEntriesInRedis = 0;
    try {
      await probe.connect();
      privateEntriesInRedis = (await probe.keys(`${namespace}:*:e:me:*`)).length;
    } finally {
      probe.disconnect();
    }
    return {
      durationMs: options.durationMs,
      ...figures,
      staleBeyondBound: oracle.staleBeyond,
      staleWithinBound: oracle.staleWithin,
      privateEntriesInRedis,
      lostInvalidations: oracle.unconfirmed(),
      staleAtEnd,
      confirmedInvalidations: oracle.confirmed,
      actions,
      boundMs: { busDelivery: BUS_DELIVERY_MS, copyLifetime: (TTL + SWR) * 1000 },
      examples: oracle.examples,
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}
