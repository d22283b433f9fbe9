/**
 * The shop the edge tests put Varnish or nginx in front of: test/edge/fixtures/shop.yaml served
 * by the runtime's Fastify routes (the route table the generator emits), items in a private
 * PostgreSQL schema, one Redis namespace, the edge purger on the cache's onInvalidated hook and,
 * when asked, the PostgreSQL CDC listener on the items table.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createCache, type Cache, type CacheObserver } from '@cachegen/runtime';
import { applyTriggerSql, PostgresCdcListener, type PostgresCdcConfig } from '@cachegen/runtime/cdc';
import { createEdgePurger, type EdgeAdapter, type EdgePurger, type EdgePurgerOptions } from '@cachegen/runtime/edge';
import { registerOperations, type OperationSpec } from '@cachegen/runtime/fastify';
import { buildIr, loadSpec, type IrDocument } from 'cachegen';
import { routeTable, sharedSchemas } from '../../generator/emit/route-table.js';

export const shopSpec = fileURLToPath(new URL('./fixtures/shop.yaml', import.meta.url));

/** The shop's IR (for the config generators). */
export async function shopIr(): Promise<IrDocument> {
  return buildIr(await loadSpec(shopSpec));
}

export interface ShopOptions {
  port: number;
  redisUrl: string;
  databaseUrl: string;
  adapters: (operations: readonly OperationSpec[]) => EdgeAdapter[];
  purger?: Partial<EdgePurgerOptions>;
  observer?: CacheObserver;
  /** Start the PostgreSQL CDC listener on the items table (tags item:{id}, shelf:{shelf}). */
  cdc?: boolean;
  /** Send Surrogate-Key (default true). */
  surrogateKeys?: boolean;
}

export interface Shop {
  url: string;
  cache: Cache;
  purger: EdgePurger;
  namespace: string;
  /** Writes a row straight into PostgreSQL (what another service would do): only CDC tells the cache. */
  writeRow(id: string, name: string, shelf?: string): Promise<void>;
  close(): Promise<void>;
}

interface Item { id: string; name: string; shelf: string }

/** Changes a row in PostgreSQL behind the app's back and resolves once CDC made the edge confirm a purge. */
export async function writeRowAndWaitForPurge(shop: Shop, observer: { next(outcome: 'sent'): Promise<unknown> }, id: string, name: string): Promise<void> {
  const purged = observer.next('sent');
  await shop.writeRow(id, name);
  await purged;
  await shop.purger.drained();
}

/** Deletes this shop's keys (cache and edge queues) from the shared Redis. */
export async function dropKeys(redisUrl: string, namespace: string): Promise<void> {
  const redis = new Redis(redisUrl);
  for (const pattern of [`${namespace}*`, `{${namespace}:edge*`]) {
    await redis.eval(`for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end`, 0, pattern);
  }
  redis.disconnect();
}

/** Starts the shop on 127.0.0.1:port, seeded with items a, b and c on shelf s1. */
export async function startShop(options: ShopOptions): Promise<Shop> {
  const ir = await shopIr();
  const operations = routeTable(ir);
  const namespace = `edge-${randomUUID().slice(0, 8)}`;
  const schema = `edge_${randomUUID().slice(0, 8)}`;
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  await db.query(`CREATE SCHEMA "${schema}"`);
  await db.query(`CREATE TABLE "${schema}".items (id text PRIMARY KEY, name text NOT NULL, shelf text NOT NULL)`);
  await db.query(`INSERT INTO "${schema}".items VALUES ('a', 'apple', 's1'), ('b', 'bread', 's1'), ('c', 'cheese', 's1')`);
  const purger = createEdgePurger({ adapters: options.adapters(operations), redis: options.redisUrl, namespace, ...(options.observer ? { observer: options.observer } : {}), ...options.purger });
  const cache = createCache({ namespace, l2: { redis: options.redisUrl }, onInvalidated: purger.onInvalidated, ...(options.observer ? { observer: options.observer } : {}) });
  const rows = async (sql: string, values: unknown[]) => (await db.query<Item>(sql, values)).rows;
  const handlers = {
    getItem: async ({ params }: { params: { id: string } }) => (await rows(`SELECT * FROM "${schema}".items WHERE id = $1`, [params.id]))[0] ?? { id: params.id, name: '(none)', shelf: '' },
    updateItem: async ({ params, body }: { params: { id: string }; body: Item }) =>
      (await rows(`UPDATE "${schema}".items SET name = $2, shelf = $3 WHERE id = $1 RETURNING *`, [params.id, body.name, body.shelf]))[0],
    listShelf: async ({ params }: { params: { shelf: string } }) => rows(`SELECT * FROM "${schema}".items WHERE shelf = $1 ORDER BY id`, [params.shelf]),
    searchItems: async ({ query }: { query: { color: string } }) => rows(`SELECT * FROM "${schema}".items WHERE name LIKE $1 ORDER BY id`, [`%${query.color}%`]),
    getMe: async () => ({ name: 'me' }),
  };
  const app: FastifyInstance = Fastify();
  registerOperations(app, operations, sharedSchemas(ir) as never, { handlers, cache, surrogateKeys: options.surrogateKeys ?? true, secret: 'edge-test-secret-0123456789' });
  await app.listen({ host: '127.0.0.1', port: options.port });
  let listener: PostgresCdcListener | undefined;
  if (options.cdc) {
    const config: PostgresCdcConfig = { channel: `${schema}_cdc`, tables: { items: { schema, tags: ['item:{id}', 'shelf:{shelf}'] } } };
    await applyTriggerSql(db, config);
    listener = new PostgresCdcListener({ url: options.databaseUrl, channel: config.channel!, tables: config.tables, invalidator: cache, log: () => undefined });
    await listener.start();
  }
  return {
    url: `http://127.0.0.1:${options.port}`, cache, purger, namespace,
    async writeRow(id, name, shelf = 's1') {
      await db.query(`UPDATE "${schema}".items SET name = $2, shelf = $3 WHERE id = $1`, [id, name, shelf]);
    },
    async close() {
      await listener?.close();
      await app.close();
      await purger.close();
      await cache.close();
      await dropKeys(options.redisUrl, namespace);
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.end();
    },
  };
}
