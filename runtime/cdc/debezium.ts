/**
 * Debezium change events, the format NATS and Kafka CDC pipelines carry. An event is
 * `{ before, after, op, source: { schema?, table, ts_ms }, ts_ms }`, either bare (JSON
 * converter with schemas.enable=false) or wrapped as `{ schema, payload }`. A tombstone
 * (null value, sent after a delete for log compaction) carries no change and is ignored.
 */
import type { TableChange } from './handler.js';

/** What parseDebezium makes of one message value. */
export type DebeziumParseResult =
  | { kind: 'change'; change: TableChange; op: DebeziumOp }
  | { kind: 'ignored'; reason: string };

/** c = create, u = update, d = delete, r = snapshot read, t = truncate. */
export type DebeziumOp = 'c' | 'u' | 'd' | 'r' | 't';

const OPS: ReadonlySet<string> = new Set<DebeziumOp>(['c', 'u', 'd', 'r', 't']);

function isRowOp(op: string): op is DebeziumOp {
  return OPS.has(op);
}

/** Parses a message value (bytes, text, or an already-decoded object); throws naming what is wrong when it is not a Debezium event. */
export function parseDebezium(value: Uint8Array | string | object | null | undefined): DebeziumParseResult {
  if (value === null || value === undefined) return { kind: 'ignored', reason: 'tombstone' };
  let data: unknown = value;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const text = typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
    if (text.trim() === '') return { kind: 'ignored', reason: 'tombstone' };
    try {
      data = JSON.parse(text);
    } catch {
      throw new Error(`Debezium event is not JSON: ${text.slice(0, 80)}`);
    }
    if (data === null) return { kind: 'ignored', reason: 'tombstone' };
  }
  if (!isRecord(data)) throw new Error('Debezium event is not an object');
  // The JSON converter with schemas.enable=true wraps the event in { schema, payload }.
  const event = 'payload' in data && 'schema' in data ? data.payload : data;
  if (event === null) return { kind: 'ignored', reason: 'tombstone' };
  if (!isRecord(event)) throw new Error('Debezium event payload is not an object');
  const op = event.op;
  if (typeof op !== 'string') throw new Error('Debezium event has no "op" field');
  if (!isRowOp(op)) return { kind: 'ignored', reason: `op "${op}" is not a row change` };
  const source = event.source;
  if (!isRecord(source) || typeof source.table !== 'string') throw new Error(`Debezium "${op}" event has no source.table`);

  const before = isRecord(event.before) ? event.before : undefined;
  const after = isRecord(event.after) ? event.after : undefined;
  const committed = typeof source.ts_ms === 'number' ? source.ts_ms : typeof event.ts_ms === 'number' ? event.ts_ms : undefined;
  const change: TableChange = {
    table: source.table,
    schema: typeof source.schema === 'string' ? source.schema : undefined,
    rows: [before, after].filter((row): row is Record<string, unknown> => row !== undefined),
    committedAtMs: committed,
  };
  // Without the old image (REPLICA IDENTITY not FULL) an update or delete cannot name the old row's tags.
  if (op === 't' || ((op === 'u' || op === 'd') && !before) || (op !== 'd' && !after)) change.wholeTable = true;
  return { kind: 'change', change, op };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
