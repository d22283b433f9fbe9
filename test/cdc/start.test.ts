/** startCdc: from a parsed `cdc` config to running PostgreSQL and NATS feeds on the real servers. */
import { connect } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { applyTriggerSql, parseCdcConfig, startCdc, type RunningCdc } from '@cachegen/runtime/cdc';
import { nextEvent, RecordingInvalidator, uniqueName } from './support.js';

const schema = uniqueName('cachegen_cdc');
const stream = uniqueName('START').toUpperCase();
const prefix = uniqueName('dbz');
let db: pg.Client;
let running: RunningCdc | undefined;

beforeAll(async () => {
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`CREATE TABLE ${schema}.orders (id int PRIMARY KEY, customer_id int)`);
});

afterAll(async () => {
  await running?.close();
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
});

it('starts every configured feed against one invalidator, and nats defaults to the postgres tables', async () => {
  const nc = await connect({ servers: inject('natsUrl') });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
  const cdc = parseCdcConfig({
    postgres: { url: inject('databaseUrl'), channel: uniqueName('chan'), tables: { orders: { schema, tags: ['order:{id}', 'customer:{customer_id}'] } } },
    nats: { url: inject('natsUrl'), stream, durable: 'start-test' },
  });
  await applyTriggerSql(db, cdc.postgres!);
  const invalidator = new RecordingInvalidator();
  running = await startCdc(cdc, { invalidator, log: () => undefined });
  expect(invalidator.calls).toEqual([['table:orders']]);

  const fromPostgres = nextEvent<[string[]]>(running.postgres!, 'invalidated');
  await db.query(`INSERT INTO ${schema}.orders VALUES (1, 42)`);
  expect((await fromPostgres)[0]).toEqual(['order:1', 'customer:42']);

  const fromNats = nextEvent<[string[]]>(running.nats!, 'invalidated');
  await nc.jetstream().publish(`${prefix}.${schema}.orders`, JSON.stringify({ op: 'd', before: { id: 1, customer_id: 42 }, after: null, source: { schema, table: 'orders' } }));
  expect((await fromNats)[0]).toEqual(['order:1', 'customer:42']);

  await running.close();
  running = undefined;
  await jsm.streams.delete(stream);
  await nc.close();
});
