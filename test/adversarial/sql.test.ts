/**
 * SQL injection through `cachegen cdc sql` (#13 of the trust issue): config text reaches the
 * generated trigger SQL only as quoted data. Each hostile config is generated and run against
 * the real PostgreSQL; a table that an injected statement would drop must survive, and the
 * trigger must still announce changes.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateTriggerSql, quoteIdent, quoteLiteral, type PostgresCdcConfig } from '@cachegen/runtime/cdc';
import { uniqueName } from '../cdc/support.js';

const schema = uniqueName('adv_sql');
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
});

afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
});

/** A fresh victim table, and a table `name` with the columns `columns` to map. */
async function tables(name: string, columns: string[]): Promise<string> {
  const victim = uniqueName('victim');
  await db.query(`CREATE TABLE ${schema}.${victim} (id int)`);
  await db.query(`CREATE TABLE ${schema}.${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c)} text`).join(', ')})`);
  return victim;
}

async function exists(table: string): Promise<boolean> {
  const { rows } = await db.query('SELECT to_regclass($1) AS t', [`${schema}.${table}`]);
  return rows[0].t !== null;
}

/** Runs the generated SQL, writes a row, and returns the NOTIFY payload it produced. */
async function applyAndNotify(config: PostgresCdcConfig, name: string, column: string): Promise<string | undefined> {
  await db.query(generateTriggerSql(config));
  const listener = new pg.Client({ connectionString: inject('databaseUrl') });
  await listener.connect();
  try {
    await listener.query(`LISTEN ${quoteIdent(config.channel!)}`);
    const heard = new Promise<string | undefined>((resolve) => listener.on('notification', (m) => resolve(m.payload)));
    await db.query(`INSERT INTO ${schema}.${quoteIdent(name)} (${quoteIdent(column)}) VALUES ('1')`);
    return await heard;
  } finally {
    await listener.end();
  }
}

describe('#13 SQL injection in `cachegen cdc sql`', () => {
  it('a newline in a tag template cannot start a statement (config text in comments is escaped)', async () => {
    const victim = await tables('items', ['id']);
    const config: PostgresCdcConfig = { channel: uniqueName('ch'), tables: { items: { schema, tags: [`item:{id}\nDROP TABLE ${schema}.${victim}; --`] } } };
    expect(JSON.parse((await applyAndNotify(config, 'items', 'id'))!)).toMatchObject({ t: 'items', r: [['1']] });
    expect(await exists(victim)).toBe(true);
  });

  it('a table named with the dollar-quote tag cannot end the function body', async () => {
    const name = 'x$cachegen_cdc$y';
    const victim = await tables(name, ['id']);
    const config: PostgresCdcConfig = { channel: uniqueName('ch'), tables: { [name]: { schema, tags: ['d:{id}'] } } };
    expect(JSON.parse((await applyAndNotify(config, name, 'id'))!)).toMatchObject({ t: name, r: [['1']] });
    expect(await exists(victim)).toBe(true);
  });

  it('a column that is not a plain name is refused by the tag grammar before it reaches SQL', () => {
    expect(() => generateTriggerSql({ tables: { t: { tags: ['d:{x$cachegen_cdc$y}'] } } })).toThrow('not a parameter name');
  });

  it('a table name with a newline, quotes and a backslash stays one identifier and one literal, even without standard_conforming_strings', async () => {
    const name = `we'ird"\n\\name`;
    const victim = await tables(name, ['id']);
    await db.query('SET standard_conforming_strings = off');
    try {
      const config: PostgresCdcConfig = { channel: uniqueName('ch'), tables: { [name]: { schema, tags: ['w:{id}'] } } };
      expect(JSON.parse((await applyAndNotify(config, name, 'id'))!)).toMatchObject({ t: name, s: schema });
    } finally {
      await db.query('SET standard_conforming_strings = on');
    }
    expect(await exists(victim)).toBe(true);
  });

  it.each<{ what: string; config: PostgresCdcConfig; error: string }>([
    { what: 'a table name with a NUL byte', config: { tables: { 'x\u0000y': { tags: ['a:{id}'] } } }, error: 'NUL' },
    { what: 'a column PostgreSQL would truncate', config: { tables: { t: { tags: [`a:{${'c'.repeat(64)}}`] } } }, error: 'longer than 63 bytes' },
    { what: 'a maxRows that is not a number', config: { maxRows: '1; DROP TABLE x' as unknown as number, tables: { t: { tags: [] } } }, error: 'maxRows must be a positive integer' },
  ])('refuses what cannot be quoted: $what', ({ config, error }) => {
    expect(() => generateTriggerSql(config)).toThrow(error);
  });

  it('literals read the same with either setting of standard_conforming_strings', async () => {
    for (const setting of ['on', 'off']) {
      await db.query(`SET standard_conforming_strings = ${setting}`);
      const { rows } = await db.query(`SELECT ${quoteLiteral("a'b\\c")} AS v`);
      expect(rows[0].v, setting).toBe("a'b\\c");
    }
    await db.query('SET standard_conforming_strings = on');
  });
});
