/**
 * CDC benchmark: how long from a write until the cached value is gone on two instances.
 *
 * Two caches (A and B) share one Redis namespace; the CDC feed invalidates through A, and B
 * learns over the Redis bus. Each sample caches a product on both, then times from the write
 * to "A's invalidation done AND B has dropped its L1 copy". Feeds, alternated round by round:
 *   - postgres: UPDATE (autocommit) → statement trigger → NOTIFY → LISTEN → invalidateTags;
 *   - nats: a Debezium event published to JetStream (as Debezium Server would) → durable
 *     consumer → invalidateTags → ack (Debezium's own WAL-reading delay is not included);
 *   - direct: the baseline without CDC, UPDATE then invalidateTags from the writer itself.
 * Every sample is checked (both instances must miss afterwards) before it counts.
 *
 *   npm run bench:cdc                       (WRITES=1000 ROUNDS=5 by default)
 * Uses DATABASE_URL / REDIS_URL / NATS_URL when set, else starts private servers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import { createCache, type Cache } from '@cachegen/runtime';
import { applyTriggerSql, NatsCdcConsumer, PostgresCdcListener, type CdcTables } from '@cachegen/runtime/cdc';
import { busWatcher } from '../test/cdc/support.js';
import { startNatsServer, startPostgres, startRedisServer } from '../test/support/services.js';
import { service, stopServices } from './lib/services.js';
import { percentile } from './lib/timing.js';

const WRITES = Number(process.env.WRITES ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const FEEDS = ['postgres', 'nats', 'direct'] as const;
type Feed = (typeof FEEDS)[number];

async function main(): Promise<void> {
  const [databaseUrl, redisUrl, natsUrl] = await Promise.all([
    service('DATABASE_URL', startPostgres),
    service('REDIS_URL', () => startRedisServer()),
    service('NATS_URL', startNatsServer),
  ]);
  const suffix = Math.random().toString(36).slice(2, 8);
  const schema = `cachegen_cdc_bench_${suffix}`;
  const channel = `cdc_bench_${suffix}`;
  const stream = `CDC_BENCH_${suffix.toUpperCase()}`;
  const subject = `bench_${suffix}.public.products`;
  const tables: CdcTables = { products: { schema, tags: ['product:{id}', 'category:{category_id}'] } };

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`CREATE TABLE ${schema}.products (id int PRIMARY KEY, category_id int, name text)`);
  await db.query(`INSERT INTO ${schema}.products SELECT g, g % 20, 'p' FROM generate_series(1, ${WRITES}) g`);
  await db.query(`CREATE TABLE ${schema}.products_plain AS TABLE ${schema}.products`);
  await db.query(`ALTER TABLE ${schema}.products_plain ADD PRIMARY KEY (id)`);
  await applyTriggerSql(db, { channel, tables });

  const nc: NatsConnection = await connect({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [subject] });
  const js = nc.jetstream();

  const namespace = `cdcbench_${suffix}`;
  const signalB = busWatcher();
  const a: Cache = createCache({ namespace, l2: { redis: redisUrl }, logger: { warn: () => undefined } });
  const b: Cache = createCache({ namespace, l2: { redis: redisUrl }, observer: signalB, logger: { warn: () => undefined } });

  const listener = new PostgresCdcListener({ url: databaseUrl, channel, tables, invalidator: a, log: () => undefined });
  const consumer = new NatsCdcConsumer({ url: natsUrl, stream, durable: 'bench', tables, invalidator: a, log: () => undefined });
  await signalB.subscribed(); // B hears invalidations only once it listens
  await listener.start();
  await consumer.start();

  let setupRetries = 0;
  /** One sample: cache product `id` on both instances, write through `feed`, time until both dropped it. */
  async function sample(feed: Feed, id: number, n: number): Promise<number> {
    const key = `product:${id}`;
    const category = id % 20;
    // The cache refuses a store that raced an invalidation of its tags; store again until both instances read it.
    for (let attempt = 1; ; attempt++) {
      await a.set(key, { id, n }, { ttl: 600, tags: [`product:${id}`, `category:${category}`, 'table:products'] });
      if ((await b.get(key)) !== undefined) break;
      if (attempt === 5) throw new Error(`setup: ${key} not readable on B after ${attempt} stores`);
      setupRetries++;
    }
    const tag = `product:${id}`;
    const doneOnA = feed === 'postgres'
      ? new Promise<void>((resolve) => { const on = (tags: string[]) => { if (tags.includes(tag)) { listener.off('invalidated', on); resolve(); } }; listener.on('invalidated', on); })
      : feed === 'nats'
        ? new Promise<void>((resolve) => { const on = (tags: string[]) => { if (tags.includes(tag)) { consumer.off('invalidated', on); resolve(); } }; consumer.on('invalidated', on); })
        : undefined;
    const goneOnB = (async () => {
      for (;;) {
        const next = signalB.nextReceived();
        if ((await b.get(key)) === undefined) return;
        await next;
      }
    })();
    const t0 = performance.now();
    if (feed === 'nats') {
      const event = { before: { id, category_id: category, name: 'p' }, after: { id, category_id: category, name: `p${n}` }, op: 'u', ts_ms: Date.now(), source: { schema, table: 'products', ts_ms: Date.now() } };
      await js.publish(subject, JSON.stringify(event));
    } else {
      // The baseline writes to an unmapped twin table, so no trigger fires a second, racing invalidation.
      await db.query(`UPDATE ${schema}.${feed === 'direct' ? 'products_plain' : 'products'} SET name = $1 WHERE id = $2`, [`p${n}`, id]);
      if (feed === 'direct') await a.invalidateTags([`product:${id}`, `category:${category}`], { source: 'api' });
    }
    await Promise.all([doneOnA, goneOnB]);
    const elapsed = performance.now() - t0;
    if ((await a.get(key)) !== undefined || (await b.get(key)) !== undefined) throw new Error(`${feed}: ${key} still cached after invalidation`);
    return elapsed;
  }

  const perRound = Math.ceil(WRITES / ROUNDS);
  const samples: Record<Feed, number[]> = { postgres: [], nats: [], direct: [] };
  const roundMedians: Record<Feed, number[]> = { postgres: [], nats: [], direct: [] };
  // Warm-up: connections, JIT, prepared plans.
  for (let i = 0; i < 50; i++) for (const feed of FEEDS) await sample(feed, (i % WRITES) + 1, -1);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order per round so no feed always runs on a warmer (or noisier) machine.
    const order = round % 2 === 0 ? FEEDS : [...FEEDS].reverse();
    for (const feed of order) {
      const times: number[] = [];
      for (let i = 0; i < perRound && samples[feed].length < WRITES; i++) {
        const n = samples[feed].length;
        times.push(await sample(feed, (n % WRITES) + 1, n));
      }
      samples[feed].push(...times);
      roundMedians[feed].push(percentile([...times].sort((x, y) => x - y), 50));
    }
  }

  const summary = Object.fromEntries(FEEDS.map((feed) => {
    const sorted = [...samples[feed]].sort((x, y) => x - y);
    return [feed, {
      writes: sorted.length,
      p50Ms: round3(percentile(sorted, 50)),
      p90Ms: round3(percentile(sorted, 90)),
      p99Ms: round3(percentile(sorted, 99)),
      maxMs: round3(sorted.at(-1) ?? NaN),
      roundMediansMs: roundMedians[feed].map(round3),
    }];
  })) as Record<Feed, { writes: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number; roundMediansMs: number[] }>;
  const targets = { postgres: 20, nats: 50 } as const;
  // Service URLs may hold credentials: name the variables that were set, not their values.
  const fromEnv = ['DATABASE_URL', 'REDIS_URL', 'NATS_URL'].filter((name) => process.env[name]).map((name) => `${name}=…`);
  const command = [...fromEnv, `WRITES=${WRITES}`, `ROUNDS=${ROUNDS}`, 'npm run bench:cdc'].join(' ');
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  const result = {
    benchmark: 'cdc: write → invalidated on two instances',
    command,
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: loadavg(),
    services: { postgres: process.env.DATABASE_URL ? 'DATABASE_URL' : 'private', redis: process.env.REDIS_URL ? 'REDIS_URL' : 'private', nats: process.env.NATS_URL ? 'NATS_URL' : 'private' },
    targetsP99Ms: targets,
    setupRetries,
    feeds: summary,
    ratios: {
      postgresOverDirectP50: round3(summary.postgres.p50Ms / summary.direct.p50Ms),
      natsOverDirectP50: round3(summary.nats.p50Ms / summary.direct.p50Ms),
      postgresOverDirectP99: round3(summary.postgres.p99Ms / summary.direct.p99Ms),
      natsOverDirectP99: round3(summary.nats.p99Ms / summary.direct.p99Ms),
    },
  };

  const lines = [
    '# CDC: write → invalidated on two instances',
    '',
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, loopback, ${cpus().length} cores shared with other work: load average ${load} at the end).`,
    '',
    'Time from the write until instance A finished `invalidateTags` and instance B (same Redis namespace, told over the bus) no longer returns the value. ' +
      `${ROUNDS} rounds, feeds alternated per round, ${WRITES} writes per feed, every sample verified on both instances.`,
    '',
    '| feed | writes | p50 ms | p90 ms | p99 ms | max ms | p99 target | round medians (ms) |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...FEEDS.map((feed) => {
      const s = summary[feed];
      const target = feed === 'direct' ? '(baseline)' : `≤ ${targets[feed]} ms: ${s.p99Ms <= targets[feed] ? 'met' : 'missed'}`;
      return `| ${feed} | ${s.writes} | ${s.p50Ms} | ${s.p90Ms} | ${s.p99Ms} | ${s.maxMs} | ${target} | ${s.roundMediansMs.join(', ')} |`;
    }),
    '',
    `Ratio to the direct baseline: p50 postgres ${result.ratios.postgresOverDirectP50}×, nats ${result.ratios.natsOverDirectP50}×; ` +
      `p99 postgres ${result.ratios.postgresOverDirectP99}×, nats ${result.ratios.natsOverDirectP99}×. ` +
      'When the round medians of the baseline swing as much as those of the feeds, the swings are the machine, not the feed.',
    '',
    '- postgres: `UPDATE` (autocommit) → statement-level trigger → `NOTIFY` → the LISTEN connection → `invalidateTags` on A → Redis bus → B.',
    '- nats: a Debezium change event published to JetStream (standing in for Debezium Server, whose WAL-reading delay is not included) → durable consumer → `invalidateTags` → ack.',
    '- direct: `UPDATE` of an identical table without triggers, then the writer calls `invalidateTags` itself: the floor CDC adds to.',
    '',
    `Stores repeated because the cache refused one that raced an invalidation (setup, untimed): ${setupRetries}.`,
  ];
  console.log(lines.join('\n'));
  const root = new URL('../', import.meta.url);
  mkdirSync(new URL('bench/results/', root), { recursive: true });
  mkdirSync(new URL('docs/benchmarks/', root), { recursive: true });
  writeFileSync(new URL('bench/results/cdc.json', root), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(new URL('docs/benchmarks/cdc.md', root), lines.join('\n') + '\n');

  await consumer.close();
  await listener.close();
  await a.close();
  await b.close();
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

try {
  await main();
} finally {
  await stopServices();
}
