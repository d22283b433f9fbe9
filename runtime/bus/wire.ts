/**
 * The bus's wire format, version 1: `{"v":1,"p":<publisher id>,"s":<sequence>,"m":<message>}`
 * as JSON. The first release sent the same shape without `v`; it is read as version 1.
 * Anything else on the channel (another version, another program, a truncated or hostile
 * payload) is refused here, so the bus can count it and treat it as a gap, never throw.
 */

/** What one instance tells the others. */
export type BusMessage =
  | { type: 'delete'; keys: string[] }
  | { type: 'tags'; tags: string[]; versions?: number[] }
  | { type: 'clear' };

/** One message as published: who sent it, its place in the sender's sequence, and the message. */
export interface Envelope { p: string; s: number; m: BusMessage }

export const WIRE_VERSION = 1;
/** A payload larger than this is refused unread (no JSON.parse of megabytes on the subscriber). */
export const MAX_PAYLOAD_BYTES = 4 * 2 ** 20;
const MAX_PUBLISHER_ID_LENGTH = 128;

/** The JSON text of one message. */
export function encodeWire(envelope: Envelope): string {
  return JSON.stringify({ v: WIRE_VERSION, ...envelope });
}

/** The envelope in `payload`, or a short reason why it is not a valid version-1 bus message. */
export function decodeWire(payload: Buffer): Envelope | { invalid: string } {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { invalid: `${payload.byteLength} bytes, more than ${MAX_PAYLOAD_BYTES}` };
  let data: unknown;
  try { data = JSON.parse(payload.toString('utf8')); } catch { return { invalid: 'not JSON' }; }
  if (!isRecord(data)) return { invalid: 'not an object' };
  if (data.v !== undefined && data.v !== WIRE_VERSION) return { invalid: `version ${String(data.v)}` };
  const { p, s, m } = data;
  if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PUBLISHER_ID_LENGTH) return { invalid: 'no publisher id' };
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 1) return { invalid: 'no sequence number' };
  const message = decodeMessage(m);
  return message ? { p, s, m: message } : { invalid: 'unknown message' };
}

function decodeMessage(m: unknown): BusMessage | undefined {
  if (!isRecord(m)) return undefined;
  switch (m.type) {
    case 'delete': return isStrings(m.keys) ? { type: 'delete', keys: m.keys } : undefined;
    case 'tags': return isStrings(m.tags) ? { type: 'tags', tags: m.tags } : undefined;
    case 'clear': return { type: 'clear' };
    default: return undefined;
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
