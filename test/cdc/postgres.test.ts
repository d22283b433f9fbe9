/**
 * PostgreSQL CDC end to end, against the real server: generated triggers → NOTIFY → listener →
 * invalidateTags on one cache → both instances (same Redis, same namespace) lose the value.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { applyTriggerSql, checkSchema, PostgresCdcListener, type PostgresCdcConfig, type TableChange } from '@cachegen/runtime/cdc';
import { busWatcher, nextEvent, uniqueName } from './support.js';

const schema = uniqueName('cachegen_cdc');
const channel = uniqueName('cdc_chan');
const config: PostgresCdcConfig = {
  channel,
  maxRows: 500,
  tables: {
    products: { schema, tags: ['product:{id}', 'category:{category_id}'] },
    articles: { schema, tags: ['article:{slug}'] },
  },
};

let db: pg.Client;
let a: Cache;
let b: Cache;
const watchB = busWatcher();
let listener: PostgresCdcListener;
/** Every invalidation the listener made, in order. */
const seen: Array<{ tags: string[]; change: TableChange }> = [];
/** Gate the listener waits on before reconnecting; open by default. */
let reconnectGate: Promise<void> = Promise.resolve();

const table = (name: string) => `"${schema}"."${name}"`;
const entryTags = (id: number, category: number) => [`product:${id}`, `category:${category}`, 'table:products'];

/** Resolves once `check` holds, re-checking each time instance B receives a bus message. */
async function untilOnB(check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    const next = watchB.nextReceived();
    if (await check()) return;
    await next;
  }
}

/** Caches a product on A and pulls it into B's L1, so both instances hold it. */
async function cacheOnBoth(id: number, category: number): Promise<string> {
  const key = `product:${id}`;
  await a.set(key, { id, category }, { ttl: 600, tags: entryTags(id, category) });
  expect(await b.get(key)).toEqual({ id, category });
  return key;
}

/** Commits a write, then waits until the listener has invalidated the tags containing `expected`. */
async function writeAndWait(sql: string, expected: string): Promise<string[]> {
  const invalidated = nextEvent<[string[], TableChange]>(listener, 'invalidated', (tags) => tags.includes(expected));
  await db.query(sql);
  return (await invalidated)[0];
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`CREATE TABLE ${table('products')} (id int PRIMARY KEY, category_id int, name text)`);
  await db.query(`CREATE TABLE ${table('articles')} (slug text PRIMARY KEY, body text)`);
  await applyTriggerSql(db, config);
  // Idempotent: a second apply succeeds and leaves one set of triggers.
  await applyTriggerSql(db, config);
  await db.query(`INSERT INTO ${table('products')} SELECT g, g % 10, 'p' || g FROM generate_series(1, 20) g`);

  const namespace = uniqueName('cdc');
  // Nothing here tests a Redis timeout: 5 s, so a loaded machine does not turn a write into a miss.
  const l2 = { redis: inject('redisUrl'), commandTimeoutMs: 5_000 };
  a = createCache({ namespace, l2 });
  b = createCache({ namespace, l2, observer: watchB });
  listener = new PostgresCdcListener({
    url: inject('databaseUrl'), channel, tables: config.tables, invalidator: a,
    waitBeforeReconnect: () => reconnectGate, log: () => undefined,
  });
  listener.on('invalidated', (tags, change) => seen.push({ tags, change }));
  await watchB.subscribed(); // B hears A's first flush only once it listens
  const flushedOnB = watchB.nextReceived();
  const connected = nextEvent<[string[]]>(listener, 'connected');
  await listener.start();
  // The first connect flushes every mapped table's tag: events before it were never seen.
  expect((await connected)[0].sort()).toEqual(['table:articles', 'table:products']);
  await flushedOnB;
});

afterAll(async () => {
  await listener?.close();
  await a?.close();
  await b?.close();
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
});

describe('generated triggers', () => {
  it('installs one trigger per event on each mapped table, idempotently', async () => {
    const { rows } = await db.query<{ tgname: string; n: string }>(
      `SELECT tgname, count(*)::text AS n FROM pg_trigger WHERE tgrelid = $1::regclass GROUP BY tgname ORDER BY tgname`,
      [`${schema}.products`],
    );
    expect(rows).toEqual(['cachegen_cdc_delete', 'cachegen_cdc_insert', 'cachegen_cdc_truncate', 'cachegen_cdc_update'].map((tgname) => ({ tgname, n: '1' })));
  });

  it('refuses a template that reads a column the table does not have, naming it', async () => {
    const problems = await checkSchema(db, { tables: { products: { schema, tags: ['product:{id}', 'brand:{brand_id}'] }, missing: { schema, tags: [] } } });
    expect(problems).toEqual([
      `cdc.postgres.tables.products.tags[1]: "brand:{brand_id}" reads column brand_id, which ${schema}.products does not have`,
      `cdc.postgres.tables.missing: table ${schema}.missing does not exist in the database`,
    ]);
  });
});

describe('insert, update and delete reach both instances', () => {
  it.each([
    { what: 'insert', id: 101, category: 3, sql: `INSERT INTO ${table('products')} VALUES (101, 3, 'new')`, expected: ['product:101', 'category:3'] },
    { what: 'update', id: 2, category: 2, sql: `UPDATE ${table('products')} SET name = 'renamed' WHERE id = 2`, expected: ['product:2', 'category:2'] },
    { what: 'delete', id: 4, category: 4, sql: `DELETE FROM ${table('products')} WHERE id = 4`, expected: ['product:4', 'category:4'] },
  ])('$what', async ({ id, category, sql, expected }) => {
    const key = await cacheOnBoth(id, category);
    const tags = await writeAndWait(sql, `product:${id}`);
    expect(tags.sort()).toEqual(expected.sort());
    expect(await a.get(key)).toBeUndefined();
    await untilOnB(async () => (await b.get(key)) === undefined);
    expect(await b.get(key)).toBeUndefined();
  });

  it('an update that moves a row invalidates the old and the new category', async () => {
    const tags = await writeAndWait(`UPDATE ${table('products')} SET category_id = 9 WHERE id = 5`, 'product:5');
    expect(tags.sort()).toEqual(['category:5', 'category:9', 'product:5']);
  });

  it('a rolled-back transaction invalidates nothing (NOTIFY is transactional)', async () => {
    const key = await cacheOnBoth(6, 6);
    const before = seen.length;
    await db.query('BEGIN');
    await db.query(`UPDATE ${table('products')} SET name = 'never' WHERE id = 6`);
    await db.query(`DELETE FROM ${table('products')} WHERE id = 7`);
    await db.query('ROLLBACK');
    // Notifications arrive in commit order: once this later commit is seen, a rolled-back one would have been too.
    await writeAndWait(`UPDATE ${table('products')} SET name = 'sentinel' WHERE id = 8`, 'product:8');
    expect(seen.slice(before).map((e) => e.tags.sort())).toEqual([['category:8', 'product:8']]);
    expect(await a.get(key)).toEqual({ id: 6, category: 6 });
    expect(await b.get(key)).toEqual({ id: 6, category: 6 });
  });
});

describe('bulk writes do bounded work', () => {
  it('a 50-row update sends one notification naming each row and distinct category once', async () => {
    const before = seen.length;
    await writeAndWait(`INSERT INTO ${table('products')} SELECT g, g % 5, 'b' FROM generate_series(200, 249) g`, 'product:200');
    const tags = await writeAndWait(`UPDATE ${table('products')} SET name = 'b2' WHERE id BETWEEN 200 AND 249`, 'product:249');
    expect(seen.length - before).toBe(2);
    expect(tags.filter((t) => t.startsWith('product:'))).toHaveLength(50);
    expect(tags.filter((t) => t.startsWith('category:')).sort()).toEqual(['category:0', 'category:1', 'category:2', 'category:3', 'category:4']);
  });

  it('a 10,000-row update sends one notification with the table-wide tag', async () => {
    await writeAndWait(`INSERT INTO ${table('products')} SELECT g, g % 10, 'bulk' FROM generate_series(10000, 19999) g`, 'table:products');
    const key = 'product-list:all';
    await a.set(key, ['…'], { ttl: 600, tags: ['table:products'] });
    expect(await b.get(key)).toEqual(['…']);
    const before = seen.length;
    const { rowCount } = await db.query(`UPDATE ${table('products')} SET name = 'bulk2' WHERE id >= 10000`);
    expect(rowCount).toBe(10_000);
    await writeAndWait(`UPDATE ${table('products')} SET name = 'sentinel2' WHERE id = 9`, 'product:9');
    // One notification for the 10,000 rows (then the sentinel's): work bounded by statements, not rows.
    expect(seen.slice(before).map((e) => e.tags)).toEqual([['table:products'], ['product:9', 'category:9']]);
    expect(await a.get(key)).toBeUndefined();
    await untilOnB(async () => (await b.get(key)) === undefined);
  });

  it('falls back to the table-wide tag when the rows would not fit in 8000 bytes', async () => {
    const slug = (n: number) => `${n}-${'x'.repeat(2000)}`;
    const tags = await writeAndWait(
      `INSERT INTO ${table('articles')} VALUES ${[1, 2, 3, 4, 5].map((n) => `('${slug(n)}', 'b')`).join(', ')}`,
      'table:articles',
    );
    expect(tags).toEqual(['table:articles']);
    const small = await writeAndWait(`UPDATE ${table('articles')} SET body = 'c' WHERE slug = '${slug(1)}'`, `article:${slug(1)}`);
    expect(small).toEqual([`article:${slug(1)}`]);
  });

  it('TRUNCATE invalidates the table-wide tag', async () => {
    expect(await writeAndWait(`TRUNCATE ${table('articles')}`, 'table:articles')).toEqual(['table:articles']);
  });
});

describe('a lost LISTEN connection', () => {
  it('comes back after pg_terminate_backend and serves nothing the gap could have made stale', async () => {
    const key = await cacheOnBoth(3, 3);
    let openGate!: () => void;
    reconnectGate = new Promise<void>((resolve) => { openGate = resolve; });
    const pid = listener.backendPid;
    expect(pid).toBeTypeOf('number');
    const disconnected = nextEvent(listener, 'disconnected');
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    await disconnected;
    expect(listener.connected).toBe(false);

    // Written while nobody listens: this notification is lost for good.
    await db.query(`UPDATE ${table('products')} SET name = 'during the gap' WHERE id = 3`);
    expect(await a.get(key)).toEqual({ id: 3, category: 3 });

    const connected = nextEvent<[string[]]>(listener, 'connected');
    reconnectGate = Promise.resolve();
    openGate();
    expect((await connected)[0].sort()).toEqual(['table:articles', 'table:products']);
    expect(listener.connected).toBe(true);
    expect(listener.backendPid).not.toBe(pid);
    expect(await a.get(key)).toBeUndefined();
    await untilOnB(async () => (await b.get(key)) === undefined);

    // And it listens again.
    expect(await writeAndWait(`DELETE FROM ${table('products')} WHERE id = 1`, 'product:1')).toContain('category:1');
  });
});

describe("onGap: 'clear'", () => {
  it('empties the whole namespace on connect, for entries that carry no table tag', async () => {
    const key = 'untagged-report';
    await a.set(key, 'r', { ttl: 600, tags: [] });
    expect(await b.get(key)).toBe('r');
    const clearing = new PostgresCdcListener({ url: inject('databaseUrl'), channel, tables: config.tables, invalidator: a, onGap: 'clear', log: () => undefined });
    const connected = nextEvent<[string[]]>(clearing, 'connected');
    await clearing.start();
    expect((await connected)[0]).toEqual(['*']);
    expect(await a.get(key)).toBeUndefined();
    await untilOnB(async () => (await b.get(key)) === undefined);
    await clearing.close();
  });

  it('refuses an invalidator without clear()', () => {
    expect(() => new PostgresCdcListener({ url: 'postgres://x', tables: config.tables, invalidator: { invalidateTags: async () => undefined }, onGap: 'clear' }))
      .toThrow("onGap 'clear' needs an invalidator with clear()");
  });
});
