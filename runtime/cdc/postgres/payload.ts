/**
 * The NOTIFY payload the generated triggers send, and its parsing. Compact on purpose
 * (PostgreSQL refuses payloads of 8000 bytes or more):
 *   {"v":1,"s":"public","t":"products","c":["id","category_id"],"r":[["1","7"],["1","9"]]}
 * `c` names the columns the tag templates need, `r` holds the distinct old and new images of
 * them as text; `{"v":1,"s":..,"t":..,"all":true}` means "too many rows: the whole table".
 */
import type { TableChange } from '../handler.js';

/** The largest payload PostgreSQL accepts (it must be shorter than 8000 bytes). */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7999;

/** Parses one NOTIFY payload; throws naming what is wrong when it is not one of ours. */
export function parseNotifyPayload(payload: string): TableChange {
  let data: unknown;
  try {
    data = JSON.parse(payload);
  } catch {
    throw new Error(`CDC notification is not JSON: ${payload.slice(0, 80)}`);
  }
  if (!isRecord(data) || data.v !== 1 || typeof data.t !== 'string') {
    throw new Error(`CDC notification is not a cachegen v1 payload: ${payload.slice(0, 80)}`);
  }
  const schema = typeof data.s === 'string' ? data.s : undefined;
  if (data.all === true) return { table: data.t, schema, rows: [], wholeTable: true };
  const columns = data.c;
  const images = data.r;
  if (!Array.isArray(columns) || !Array.isArray(images)) {
    throw new Error(`CDC notification for table ${data.t} has no "c" columns or "r" rows`);
  }
  const rows = images.map((image) => {
    const row: Record<string, unknown> = {};
    if (Array.isArray(image)) columns.forEach((column, i) => { row[String(column)] = image[i] ?? null; });
    return row;
  });
  return { table: data.t, schema, rows };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
