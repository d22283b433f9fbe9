/**
 * The `cdc` section of cache.config.ts, validated with zod. `defineConfig` passes `cdc`
 * through untouched; this schema owns it, and its errors name the option path
 * (e.g. `cdc.postgres.tables.products.tags[0]`) so a typo points at its line.
 */
import type { z as Z } from 'zod';
import { requirePeer } from '../peer.js';

const { z } = requirePeer<typeof import('zod')>('zod');
import { parseRowTemplate } from './templates.js';

/** PostgreSQL identifiers (schema, channel, table names in SQL we generate) longer than this are truncated silently by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => Buffer.byteLength(s) <= MAX_IDENTIFIER_BYTES, `must be at most ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL truncates longer identifiers)`);

const tagTemplate = z.string().superRefine((value, ctx) => {
  try {
    parseRowTemplate(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/** How one table's rows map to cache tags. */
export const cdcTableSchema = z.strictObject({
  /** Tag templates over the row's columns, e.g. `product:{id}`, `category:{category_id}`. */
  tags: z.array(tagTemplate),
  /** The table's PostgreSQL schema (default `public`). */
  schema: identifier.optional(),
  /** The tag every cached read of this table carries; invalidated when a change cannot be described row by row, and after every gap in the feed. Default `table:<name>`. */
  tableTag: z.string().min(1, 'must not be empty').optional(),
});

const tablesSchema = z
  .record(identifier, cdcTableSchema)
  .refine((tables) => Object.keys(tables).length > 0, 'must map at least one table');

/** `cdc.postgres`: triggers + LISTEN/NOTIFY. */
export const postgresCdcSchema = z.strictObject({
  /** Connection string; defaults to DATABASE_URL at run time. */
  url: z.string().min(1).optional(),
  /** The NOTIFY channel (default `cachegen_cdc`). */
  channel: identifier.optional(),
  /** Beyond this many changed rows in one statement, the trigger sends the table-wide tag instead of the rows (default 500). */
  maxRows: z.number().int().positive().optional(),
  tables: tablesSchema,
});

/** `cdc.nats`: Debezium change events read from a JetStream stream by a durable consumer. */
export const natsCdcSchema = z.strictObject({
  url: z.string().min(1).optional(),
  stream: z.string().min(1),
  /** Subject filter, e.g. `dbserver.public.>` (default: the whole stream). */
  subject: z.string().min(1).optional(),
  /** Durable consumer name (default `cachegen-cdc`). */
  durable: z.string().min(1).optional(),
  /** Defaults to `cdc.postgres.tables`. */
  tables: tablesSchema.optional(),
});

/** `cdc.kafka`: Debezium change events read from Kafka topics by a consumer group. */
export const kafkaCdcSchema = z.strictObject({
  brokers: z.array(z.string().min(1)).min(1, 'must list at least one broker, e.g. ["localhost:9092"]'),
  topics: z.array(z.string().min(1)).min(1, 'must list at least one topic'),
  groupId: z.string().min(1),
  clientId: z.string().min(1).optional(),
  /** Defaults to `cdc.postgres.tables`. */
  tables: tablesSchema.optional(),
});

/** The whole `cdc` section. */
export const cdcConfigSchema = z
  .strictObject({
    postgres: postgresCdcSchema.optional(),
    nats: natsCdcSchema.optional(),
    kafka: kafkaCdcSchema.optional(),
  })
  .superRefine((cdc, ctx) => {
    for (const feed of ['nats', 'kafka'] as const) {
      if (cdc[feed] && !cdc[feed].tables && !cdc.postgres) {
        ctx.addIssue({ code: 'custom', path: [feed, 'tables'], message: 'is required when cdc.postgres (whose tables it would default to) is absent' });
      }
    }
  });

export type CdcTableConfig = Z.infer<typeof cdcTableSchema>;
export type CdcTables = Record<string, CdcTableConfig>;
export type PostgresCdcConfig = Z.infer<typeof postgresCdcSchema>;
export type NatsCdcConfig = Z.infer<typeof natsCdcSchema>;
export type KafkaCdcConfig = Z.infer<typeof kafkaCdcSchema>;
export type CdcConfig = Z.infer<typeof cdcConfigSchema>;

/** Thrown for an invalid `cdc` section; `problems` holds one `path: message` line per issue. */
export class CdcConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid cdc config:\n  ${problems.join('\n  ')}`);
    this.name = 'CdcConfigError';
  }
}

/** Validates the `cdc` section (as found at `cdc` in the config); throws CdcConfigError naming each bad option path. */
export function parseCdcConfig(input: unknown, root = 'cdc'): CdcConfig {
  const result = cdcConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new CdcConfigError(result.error.issues.map((issue) => `${formatPath(root, issue.path)}: ${issue.message}`));
}

/** `['postgres','tables','products','tags',0]` → `cdc.postgres.tables.products.tags[0]`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

/** The table-wide tag of a mapped table. */
export function tableTagOf(name: string, table: CdcTableConfig): string {
  return table.tableTag ?? `table:${name}`;
}

/** The default NOTIFY channel. */
export const DEFAULT_CHANNEL = 'cachegen_cdc';
/** The default per-statement row limit before falling back to the table-wide tag. */
export const DEFAULT_MAX_ROWS = 500;
