/** `cachegen cdc sql`: printing, installing (idempotently) against the real PostgreSQL, and bad input. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../generator/cli/main.js';
import { uniqueName } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'cachegen-cdc-cli-'));
const schema = uniqueName('cachegen_cdc');
const channel = uniqueName('cli_chan');
let db: pg.Client;

function writeConfig(name: string, cdc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, `export default ${JSON.stringify({ spec: 'openapi.yaml', output: 'generated', cdc }, null, 2)};\n`);
  return file;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => { out += String(c); });
  stderr.on('data', (c) => { err += String(c); });
  const code = await main(['cdc', ...argv], { stdout, stderr, cwd: dir });
  return { code, stdout: out, stderr: err };
}

const products = { schema, tags: ['product:{id}', 'category:{category_id}'] };

beforeAll(async () => {
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`CREATE TABLE ${schema}.products (id int PRIMARY KEY, category_id int, name text, description text)`);
  writeConfig('cache.config.ts', { postgres: { channel, tables: { products } } });
});

afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('cachegen cdc sql', () => {
  it('prints an idempotent script that reads only the templated columns', async () => {
    const { code, stdout } = await run('sql');
    expect(code).toBe(0);
    expect(stdout).toContain(`CREATE OR REPLACE FUNCTION "${schema}"."cachegen_cdc_products"()`);
    expect(stdout).toContain(`DROP TRIGGER IF EXISTS cachegen_cdc_update ON "${schema}"."products";`);
    expect(stdout).toContain(`pg_notify('${channel}', payload)`);
    expect(stdout).toContain('jsonb_build_array(r."id"::text, r."category_id"::text)');
    expect(stdout).not.toContain('"name"');
    expect(stdout).not.toContain('"description"');
  });

  it('--apply installs the triggers, and running it twice leaves one of each', async () => {
    for (let i = 0; i < 2; i++) {
      const { code, stdout } = await run('sql', '--apply', '--database-url', inject('databaseUrl'));
      expect(code).toBe(0);
      expect(stdout).toBe(`installed CDC triggers on ${schema}.products\n`);
    }
    const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname LIKE 'cachegen_cdc_%'`, [`${schema}.products`]);
    expect(rows[0]?.n).toBe('4');
    // The installed trigger announces a committed insert on its channel.
    const listener = new pg.Client({ connectionString: inject('databaseUrl') });
    await listener.connect();
    await listener.query(`LISTEN ${channel}`);
    const notified = new Promise<string | undefined>((resolve) => listener.once('notification', (m) => resolve(m.payload)));
    await db.query(`INSERT INTO ${schema}.products VALUES (1, 4, 'n', 'd')`);
    expect(JSON.parse((await notified) ?? '')).toEqual({ v: 1, s: schema, t: 'products', c: ['id', 'category_id'], r: [['1', '4']] });
    await listener.end();

    expect((await run('sql', '--apply', '--drop', '--database-url', inject('databaseUrl'))).code).toBe(0);
    const after = await db.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname LIKE 'cachegen_cdc_%'`, [`${schema}.products`]);
    expect(after.rowCount).toBe(0);
  });

  it.each([
    { name: 'bad-tag.config.ts', cdc: { postgres: { tables: { products: { tags: ['product:{id'] } } } }, want: 'cdc.postgres.tables.products.tags[0]: tag template "product:{id" has an unbalanced brace' },
    { name: 'no-postgres.config.ts', cdc: { nats: { stream: 'S', tables: { products } } }, want: 'cdc.postgres is not set' },
    { name: 'missing-column.config.ts', cdc: { postgres: { tables: { products: { schema, tags: ['brand:{brand_id}'] } } } }, want: `cdc.postgres.tables.products.tags[0]: "brand:{brand_id}" reads column brand_id, which ${schema}.products does not have` },
  ])('fails with exit code 2 naming the problem: $name', async ({ name, cdc, want }) => {
    const file = writeConfig(name, cdc);
    const { code, stderr } = await run('sql', '--config', file, '--apply', '--database-url', inject('databaseUrl'));
    expect(code).toBe(2);
    expect(stderr).toContain(want);
  });

  it.each([
    { argv: ['sqll'], want: 'expected the subcommand "sql"' },
    { argv: ['sql', '--config', 'nope.ts'], want: 'nope.ts: config file not found' },
    { argv: ['sql', '--frobnicate'], want: "Unknown option '--frobnicate'" },
  ])('rejects $argv', async ({ argv, want }) => {
    const { code, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(want);
  });
});
