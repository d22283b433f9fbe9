/**
 * The PostgreSQL store, used when DATABASE_URL is set: tables in their own schema (default
 * `catalog`), created and seeded on first use.
 */
import pg from 'pg';
import { seedData, type CatalogStore, type Category, type Product, type User } from './types.js';

interface ProductRow { id: number; name: string; price_cents: number; category: Category; updated_at: Date }

function product(row: ProductRow): Product {
  return { id: row.id, name: row.name, priceCents: row.price_cents, category: row.category, updatedAt: row.updated_at.toISOString() };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`catalog store: schema name "${name}" must be lower-case letters, digits and _`);
  return `"${name}"`;
}

/** Connects, creates the schema and tables if absent, seeds them when empty. */
export async function createPostgresStore(url: string, options: { schema?: string; productCount?: number } = {}): Promise<CatalogStore> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  const s = quoteIdent(options.schema ?? 'catalog');
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await pool.query(`
    CREATE TABLE IF NOT EXISTS ${s}.products (id serial PRIMARY KEY, name text NOT NULL, price_cents int NOT NULL, category text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS ${s}.users (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE NOT NULL, password text NOT NULL, token text UNIQUE NOT NULL);
    CREATE TABLE IF NOT EXISTS ${s}.flags (name text PRIMARY KEY, enabled boolean NOT NULL);
    CREATE TABLE IF NOT EXISTS ${s}.rates (currency text PRIMARY KEY, rate double precision NOT NULL, as_of timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS ${s}.orders (id serial PRIMARY KEY, product_id int NOT NULL, quantity int NOT NULL, user_id int NOT NULL);`);
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${s}.products`);
  if (Number(rows[0]?.n ?? 0) === 0) {
    const seed = seedData(options.productCount ?? 1000);
    await pool.query(
      `INSERT INTO ${s}.products (id, name, price_cents, category, updated_at) SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])`,
      [seed.products.map((p) => p.id), seed.products.map((p) => p.name), seed.products.map((p) => p.priceCents), seed.products.map((p) => p.category), seed.products.map((p) => p.updatedAt)],
    );
    await pool.query(`SELECT setval(pg_get_serial_sequence('${s}.products', 'id'), (SELECT max(id) FROM ${s}.products))`);
    for (const u of seed.users) {
      await pool.query(`INSERT INTO ${s}.users VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [u.id, u.name, u.email, u.password, u.token]);
    }
    for (const [name, enabled] of Object.entries(seed.flags)) await pool.query(`INSERT INTO ${s}.flags VALUES ($1, $2) ON CONFLICT DO NOTHING`, [name, enabled]);
    for (const [currency, rate] of Object.entries(seed.rates)) await pool.query(`INSERT INTO ${s}.rates (currency, rate) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [currency, rate]);
  }
  const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T | undefined> => (await pool.query<T>(sql, params)).rows[0];
  const allRates = async () => {
    const { rows: r } = await pool.query<{ currency: string; rate: number; as_of: Date }>(`SELECT currency, rate, as_of FROM ${s}.rates ORDER BY currency`);
    const asOf = r.reduce((max, row) => (row.as_of > max ? row.as_of : max), new Date(0));
    return { rates: Object.fromEntries(r.map((row) => [row.currency, row.rate])), asOf: asOf.toISOString() };
  };
  const allFlags = async () => Object.fromEntries((await pool.query<{ name: string; enabled: boolean }>(`SELECT name, enabled FROM ${s}.flags ORDER BY name`)).rows.map((r) => [r.name, r.enabled]));
  const user = (row: User | undefined) => row;

  return {
    async listProducts({ category, offset, limit }) {
      const where = category ? 'WHERE category = $3' : '';
      const params: unknown[] = [limit, offset, ...(category ? [category] : [])];
      const items = (await pool.query<ProductRow>(`SELECT * FROM ${s}.products ${where} ORDER BY id LIMIT $1 OFFSET $2`, params)).rows.map(product);
      const total = Number((await one<{ n: string }>(`SELECT count(*) AS n FROM ${s}.products ${category ? 'WHERE category = $1' : ''}`, category ? [category] : []))?.n ?? 0);
      return { items, total };
    },
    async getProduct(id) {
      const row = await one<ProductRow>(`SELECT * FROM ${s}.products WHERE id = $1`, [id]);
      return row && product(row);
    },
    async createProduct(input) {
      const row = await one<ProductRow>(`INSERT INTO ${s}.products (name, price_cents, category) VALUES ($1, $2, $3) RETURNING *`, [input.name, input.priceCents, input.category]);
      return product(row!);
    },
    async updateProduct(id, input) {
      const row = await one<ProductRow>(`UPDATE ${s}.products SET name = $2, price_cents = $3, category = $4, updated_at = now() WHERE id = $1 RETURNING *`, [id, input.name, input.priceCents, input.category]);
      return row && product(row);
    },
    async searchProducts(query, limit) {
      return (await pool.query<ProductRow>(`SELECT * FROM ${s}.products WHERE name ILIKE '%' || $1 || '%' ORDER BY id LIMIT $2`, [query, limit])).rows.map(product);
    },
    async userByToken(token) {
      return user(await one<User>(`SELECT * FROM ${s}.users WHERE token = $1`, [token]));
    },
    async userByEmail(email) {
      return user(await one<User>(`SELECT * FROM ${s}.users WHERE email = $1`, [email]));
    },
    async renameUser(id, name) {
      return user(await one<User>(`UPDATE ${s}.users SET name = $2 WHERE id = $1 RETURNING *`, [id, name]));
    },
    flags: allFlags,
    async setFlag(name, enabled) {
      await pool.query(`INSERT INTO ${s}.flags VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled`, [name, enabled]);
      return allFlags();
    },
    rates: allRates,
    async setRate(currency, rate) {
      await pool.query(`INSERT INTO ${s}.rates (currency, rate) VALUES ($1, $2) ON CONFLICT (currency) DO UPDATE SET rate = EXCLUDED.rate, as_of = now()`, [currency, rate]);
      return allRates();
    },
    async createOrder(input) {
      const row = await one<{ id: number }>(`INSERT INTO ${s}.orders (product_id, quantity, user_id) VALUES ($1, $2, $3) RETURNING id`, [input.productId, input.quantity, input.userId]);
      return { ...input, id: row!.id };
    },
    async orderStats() {
      const totals = await one<{ orders: string; revenue: string | null }>(
        `SELECT count(*) AS orders, sum(o.quantity * p.price_cents) AS revenue FROM ${s}.orders o JOIN ${s}.products p ON p.id = o.product_id`, []);
      const top = await pool.query<{ product_id: number; quantity: string }>(
        `SELECT product_id, sum(quantity) AS quantity FROM ${s}.orders GROUP BY product_id ORDER BY sum(quantity) DESC, product_id LIMIT 5`);
      return {
        orders: Number(totals?.orders ?? 0),
        revenueCents: Number(totals?.revenue ?? 0),
        topProducts: top.rows.map((r) => ({ productId: r.product_id, quantity: Number(r.quantity) })),
      };
    },
    async close() {
      await pool.end();
    },
  };
}
