/**
 * CDC never acknowledges what Redis has not confirmed (#8 of the trust issue), and bad feed
 * input invalidates rather than being dropped. Redis is a private server stopped mid-stream
 * and started again with its data (append-only file), so an entry it held comes back with it.
 */
import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { KafkaCdcConsumer, NatsCdcConsumer, PostgresCdcListener, applyTriggerSql, type CdcTables } from '@cachegen/runtime/cdc';
import { freePort } from '../support/services.js';
import { nextEvent, uniqueName } from '../cdc/support.js';
import { until } from '../cache/helpers.js';
import { restartableRedis, type RestartableRedis } from '../support/restartable-redis.js';

const fixture = (name: string) => readFileSync(new URL(`../cdc/fixtures/${name}`, import.meta.url));
const tables: CdcTables = { products: { tags: ['product:{id}', 'category:{category_id}'] } };
const quiet = () => undefined;
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => { for (const close of closers.reverse()) await close().catch(() => undefined); });

let redis: RestartableRedis;
beforeAll(async () => {
  redis = await restartableRedis();
  closers.push(() => redis.remove());
});

/**
 * A cache on the restartable Redis. The CDC side has short timeouts so a stopped Redis is noticed
 * fast; a reader (`commandTimeoutMs` given) waits longer, so a loaded machine does not time it out.
 */
function cacheOn(namespace: string, extra: { l1?: false; bus?: false; commandTimeoutMs?: number } = {}): Cache {
  const { commandTimeoutMs = 200, ...tiers } = extra;
  const cache = createCache({ namespace, logger: { warn: quiet, info: quiet }, l2: { redis: redis.url, commandTimeoutMs, circuitOpenMs: 100 }, ...tiers });
  closers.push(() => cache.close());
  return cache;
}

/** A reader that always asks Redis (no L1, no bus): what any other instance would be served. */
function readerOn(namespace: string): Cache {
  return cacheOn(namespace, { l1: false, bus: false, commandTimeoutMs: 5_000 });
}

describe('#8 CDC acknowledges while Redis is down', () => {
  it('NATS: an event that arrives while Redis is stopped is not acknowledged; after a crash it is redelivered and invalidates once Redis is back', async () => {
    const nc: NatsConnection = await connect({ servers: inject('natsUrl') });
    closers.push(() => nc.close());
    const jsm = await nc.jetstreamManager();
    const prefix = uniqueName('dbz');
    const stream = uniqueName('ADV').toUpperCase();
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
    closers.push(() => jsm.streams.delete(stream));
    const durable = uniqueName('durable');
    const namespace = uniqueName('adv-cdc');
    const consumerWith = (invalidator: Cache) => {
      const c = new NatsCdcConsumer({ url: inject('natsUrl'), stream, durable, tables, invalidator, retryDelay: 0.05, log: quiet });
      closers.push(() => c.close());
      return c;
    };
    let version = 1;
    const reader = readerOn(namespace);
    const opts = { ttl: 600, tags: ['product:1001'] };
    expect(await reader.getOrSet('p', async () => `v${version}`, opts)).toBe('v1');

    const firstCache = cacheOn(namespace);
    const first = consumerWith(firstCache);
    await first.start();
    await redis.stop();
    version = 2;
    const handled = Promise.race([nextEvent(first, 'invalidated'), nextEvent(first, 'invalidation-failed')]);
    await nc.jetstream().publish(`${prefix}.public.products`, fixture('products-update-bare.json'));
    await handled;
    // The process goes away while Redis is still down (and with it anything it kept in memory).
    await first.close();
    await firstCache.close();

    await redis.start();
    await until(async () => (await reader.get('p')) === 'v1', 'the reader to see Redis again, with the entry it kept');
    const second = consumerWith(cacheOn(namespace));
    // Waits for the redelivery itself (no deadline of its own: a loaded machine may take seconds).
    const redelivered = nextEvent<[string[]]>(second, 'invalidated', (tags) => tags.includes('product:1001'));
    await second.start();
    await redelivered;
    expect(await reader.getOrSet('p', async () => `v${version}`, opts)).toBe('v2');
  });

  describe('PostgreSQL', () => {
    const schema = uniqueName('adv_cdc');
    const channel = uniqueName('adv_chan');
    let db: pg.Client;
    beforeAll(async () => {
      db = new pg.Client({ connectionString: inject('databaseUrl') });
      await db.connect();
      closers.push(() => db.end());
      await db.query(`CREATE SCHEMA ${schema}`);
      closers.push(() => db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      await db.query(`CREATE TABLE ${schema}.products (id int PRIMARY KEY, category_id int)`);
      await db.query(`INSERT INTO ${schema}.products VALUES (1, 1)`);
      await applyTriggerSql(db, { channel, tables: { products: { schema, tags: ['product:{id}'] } } });
    });

    it('neither a notification nor the reconnect flush reports success while Redis is stopped; the flush lands once it is back', async () => {
      const namespace = uniqueName('adv-cdc-pg');
      const reader = readerOn(namespace);
      const opts = { ttl: 600, tags: ['product:1', 'table:products'] };
      let version = 1;
      expect(await reader.getOrSet('p1', async () => `v${version}`, opts)).toBe('v1');
      let attempts = 0;
      const listener = new PostgresCdcListener({
        url: inject('databaseUrl'), channel, tables: { products: { schema, tags: ['product:{id}'] } }, invalidator: cacheOn(namespace),
        log: quiet, waitBeforeReconnect: async () => { attempts++; await new Promise((r) => setTimeout(r, 20)); },
      });
      closers.push(() => listener.close());
      await listener.start();
      const lies: string[] = [];
      listener.on('invalidated', (tags) => lies.push(`invalidated ${tags.join(',')}`));
      listener.on('connected', () => lies.push('connected'));

      await redis.stop();
      version = 2;
      await db.query(`UPDATE ${schema}.products SET category_id = 2 WHERE id = 1`);
      await until(() => attempts >= 3, 'the listener to try reconnecting while Redis is down', 10_000).catch(() => undefined);
      expect(lies).toEqual([]);

      const connected = nextEvent<[string[]]>(listener, 'connected');
      await redis.start();
      expect((await connected)[0]).toEqual(['table:products']);
      expect(await reader.getOrSet('p1', async () => `v${version}`, opts)).toBe('v2');
    });
  });

  it('Kafka: a record whose invalidation Redis did not confirm rejects, so its offset is not committed', async () => {
    const down = createCache({ namespace: uniqueName('adv-kafka'), logger: { warn: quiet }, l2: { redis: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs: 100 } });
    closers.push(() => down.close());
    const consumer = new KafkaCdcConsumer({ brokers: ['127.0.0.1:1'], topics: ['t'], groupId: 'g', tables, invalidator: down, log: quiet });
    const record = { topic: 't', partition: 0, message: { value: fixture('products-update-bare.json'), offset: '7' } as never };
    await expect(consumer.handleMessage(record)).rejects.toThrow('not confirmed');
  });
});

describe('#8 (beyond) feed input that cannot be read invalidates instead of being dropped', () => {
  it.each([
    { feed: 'NATS', payload: '{"not":"debezium"' },
    { feed: 'Kafka', payload: '{"op":"u"}' },
  ])('$feed: a malformed event invalidates every mapped table', async ({ feed, payload }) => {
    const calls: string[][] = [];
    const invalidator = { invalidateTags: async (tags: string[]) => { calls.push(tags); return true; } };
    if (feed === 'Kafka') {
      const consumer = new KafkaCdcConsumer({ brokers: ['127.0.0.1:1'], topics: ['t'], groupId: 'g', tables, invalidator, log: quiet });
      await consumer.handleMessage({ topic: 't', partition: 0, message: { value: Buffer.from(payload), offset: '1' } as never });
    } else {
      const consumer = new NatsCdcConsumer({ stream: 'unused', tables, invalidator, log: quiet });
      let terminated = false;
      await consumer.process({ data: Buffer.from(payload), seq: 1, subject: 's', term: () => { terminated = true; }, nak: () => undefined } as never);
      expect(terminated).toBe(true);
    }
    expect(calls).toEqual([['table:products']]);
  });
});
