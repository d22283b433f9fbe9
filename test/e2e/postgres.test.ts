/** The catalog with its PostgreSQL store (DATABASE_URL): the same cached reads and invalidating writes, in a private schema. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startCatalog } from '../../examples/catalog/app.js';

const databaseUrl = inject('databaseUrl');
const schema = `e2e_catalog_${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe('catalog on PostgreSQL', () => {
  it('seeds its schema, caches reads, and sees a write after the mutation invalidates', async () => {
    const catalog = await startCatalog({ databaseUrl, schema, costs: { lookup: 0, query: 0, aggregate: 0 } });
    try {
      const first = await fetch(`${catalog.url}/products/12`);
      expect(first.status).toBe(200);
      expect(((await first.json()) as { id: number }).id).toBe(12);
      const again = await fetch(`${catalog.url}/products/12`);
      expect(again.headers.get('cache-status')).toMatch(/hit/);
      const put = await fetch(`${catalog.url}/products/12`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Stored in PostgreSQL', priceCents: 42, category: 'garden' }),
      });
      expect(put.status).toBe(200);
      const after = await fetch(`${catalog.url}/products/12`);
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(await after.json()).toMatchObject({ id: 12, name: 'Stored in PostgreSQL', priceCents: 42, category: 'garden' });
      const order = await fetch(`${catalog.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer token-3' },
        body: JSON.stringify({ productId: 12, quantity: 2 }),
      });
      expect(order.status).toBe(201);
      const dashboard = (await (await fetch(`${catalog.url}/dashboard`)).json()) as { orders: number; revenueCents: number };
      expect(dashboard).toMatchObject({ orders: 1, revenueCents: 84 });
    } finally {
      await catalog.close();
    }
  });
});
