/**
 * `cachegen cdc sql`: prints (or with --apply installs) the PostgreSQL trigger functions and
 * triggers that announce row changes for cache invalidation, from `cdc.postgres` in the config.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { generateDropSql, generateTriggerSql, parseCdcConfig, type PostgresCdcConfig } from '@cachegen/runtime/cdc';

const help = `Usage: cachegen cdc sql [--apply] [--drop] [--config FILE] [--database-url URL] [--cwd DIR]

Prints the SQL that makes PostgreSQL NOTIFY the cache of row changes, from cdc.postgres in
cache.config.ts: per mapped table, one trigger function and statement-level INSERT, UPDATE,
DELETE and TRUNCATE triggers. The script is idempotent (CREATE OR REPLACE, DROP TRIGGER IF
EXISTS) and runs in one transaction.

Options:
  --apply              Run it against the database instead of printing it (after checking that
                       every mapped table and every column a tag template reads exists).
  --drop               The script that removes the functions and triggers instead.
  --config FILE        The config file (default: cache.config.ts in the current folder).
  --database-url URL   The database for --apply (default: cdc.postgres.url, then DATABASE_URL).
  --cwd DIR            The folder to run in (paths are relative to it).
`;

/** The validated cdc.postgres section; errors name the file and the option path. */
function postgresSection(file: string, config: unknown): PostgresCdcConfig {
  const cdc = typeof config === 'object' && config !== null ? (config as { cdc?: unknown }).cdc : undefined;
  if (cdc === undefined) throw new Error(`${file}: has no cdc section; add cdc: { postgres: { tables: { products: { tags: ['product:{id}'] } } } }`);
  let parsed;
  try {
    parsed = parseCdcConfig(cdc);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  if (!parsed.postgres) throw new Error(`${file}: cdc.postgres is not set; \`cachegen cdc sql\` generates triggers for the tables it maps`);
  return parsed.postgres;
}

export const command: Command = {
  summary: 'Print or install the PostgreSQL triggers for change-data-capture invalidation',
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('cdc', args, {
      apply: { type: 'boolean', default: false },
      drop: { type: 'boolean', default: false },
      config: { type: 'string', short: 'c' },
      'database-url': { type: 'string' },
      cwd: { type: 'string' },
    });
    if (positionals[0] !== 'sql' || positionals.length > 1) {
      io.stderr.write(`cachegen cdc: expected the subcommand "sql", got ${positionals.length ? `"${positionals.join(' ')}"` : 'none'}\n\n${help}`);
      return 2;
    }
    const cwd = resolve(io.cwd, values.cwd ?? '.');
    const config = await loadConfig({ cwd, ...(values.config ? { file: values.config } : {}) });
    const postgres = postgresSection(config.configFile ?? 'config', config);
    const sql = values.drop ? generateDropSql(postgres) : generateTriggerSql(postgres);
    if (!values.apply) {
      io.stdout.write(sql);
      return 0;
    }
    const url = values['database-url'] ?? postgres.url ?? process.env.DATABASE_URL;
    if (!url) throw new Error('--apply needs a database: pass --database-url, set cdc.postgres.url, or set DATABASE_URL');
    const { default: pg } = await import('pg');
    const { applyTriggerSql } = await import('@cachegen/runtime/cdc');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      if (values.drop) await client.query(sql);
      else await applyTriggerSql(client, postgres);
    } finally {
      await client.end();
    }
    const tables = Object.entries(postgres.tables).map(([name, t]) => `${t.schema ?? 'public'}.${name}`);
    io.stdout.write(`${values.drop ? 'removed CDC triggers from' : 'installed CDC triggers on'} ${tables.join(', ')}\n`);
    return 0;
  },
};
