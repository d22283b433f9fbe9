/**
 * Installing the generated triggers: first check that every mapped table and every column a
 * template reads exists (a trigger reading a missing column would make every write to the
 * table fail), then run the idempotent script.
 */
import type pg from 'pg';
import type { PostgresCdcConfig } from '../config.js';
import { columnsOf, generateTriggerSql } from './sql.js';

/** Problems found by checkSchema, one sentence each, naming the config path. */
export async function checkSchema(client: pg.ClientBase, config: PostgresCdcConfig): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, table] of Object.entries(config.tables)) {
    const schema = table.schema ?? 'public';
    const { rows } = await client.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [schema, name],
    );
    if (rows.length === 0) {
      problems.push(`cdc.postgres.tables.${name}: table ${schema}.${name} does not exist in the database`);
      continue;
    }
    const present = new Set(rows.map((r) => r.column_name));
    table.tags.forEach((template, i) => {
      for (const column of columnsOf({ tags: [template] })) {
        if (!present.has(column)) {
          problems.push(`cdc.postgres.tables.${name}.tags[${i}]: "${template}" reads column ${column}, which ${schema}.${name} does not have`);
        }
      }
    });
  }
  return problems;
}

/** Checks the schema, then installs the triggers; throws listing every problem and changes nothing if any is found. */
export async function applyTriggerSql(client: pg.ClientBase, config: PostgresCdcConfig): Promise<void> {
  const problems = await checkSchema(client, config);
  if (problems.length) throw new Error(`cannot install CDC triggers:\n  ${problems.join('\n  ')}`);
  await client.query(generateTriggerSql(config));
}
