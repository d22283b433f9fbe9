/**
 * The L2 form of one cache entry: a compact binary envelope.
 *
 * Layout (big-endian; offsets are fixed so a read can check the epoch and the tag list
 * without decoding the value):
 *   0  u8  format version (1)
 *   1  u8  flags (bit 0: value deflated)
 *   2  f64 storedAt      ms, from the cache's clock
 *  10  f64 freshUntil    ms
 *  18  f64 staleUntil    ms, end of the stale-while-revalidate window
 *  26  f64 errorUntil    ms, end of the stale-if-error window
 *  34  f64 epoch         namespace epoch read before the loader ran (see tags in docs/two-tier.md)
 *  42  u16 tag count, then per tag: u16 byte length + UTF-8 bytes
 *   …  value bytes (the codec's output, deflated when flag bit 0 is set)
 */
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';

export const ENVELOPE_VERSION = 1;
const FLAGS_OFFSET = 1;
const STORED_OFFSET = 2;
/** Offsets and header length, for readers that check an envelope without decoding it (runtime/l2/store.ts). */
export const FRESH_OFFSET = 10;
const STALE_OFFSET = 18;
const ERROR_OFFSET = 26;
export const EPOCH_OFFSET = 34;
export const TAG_COUNT_OFFSET = 42;
export const HEADER_LENGTH = 44;
const FLAG_DEFLATED = 1;
/** A deflated value never inflates past this: a corrupted stream must not exhaust memory. */
const MAX_INFLATED_BYTES = 256 * 2 ** 20;

export interface EntryMeta {
  storedAt: number;
  freshUntil: number;
  staleUntil: number;
  errorUntil: number;
  epoch: number;
  tags: readonly string[];
}

export interface DecodedEnvelope extends EntryMeta {
  /** The codec's bytes (already inflated). */
  value: Uint8Array;
}

/** Builds the envelope; deflates the value when it is at least `compressAbove` bytes and deflating saves space. */
export function encodeEnvelope(meta: EntryMeta, value: Uint8Array, compressAbove = Infinity): Buffer {
  let body: Uint8Array = value;
  let flags = 0;
  if (value.byteLength >= compressAbove) {
    const deflated = deflateRawSync(value, { level: constants.Z_BEST_SPEED });
    if (deflated.byteLength < value.byteLength) { body = deflated; flags |= FLAG_DEFLATED; }
  }
  const tagBytes = meta.tags.map((t) => Buffer.from(t, 'utf8'));
  let size = HEADER_LENGTH + body.byteLength;
  for (const t of tagBytes) {
    if (t.byteLength > 0xffff) throw new RangeError(`cache tag is longer than 65535 bytes: ${t.toString('utf8', 0, 40)}…`);
    size += 2 + t.byteLength;
  }
  if (tagBytes.length > 0xffff) throw new RangeError(`an entry may carry at most 65535 tags, got ${tagBytes.length}`);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt8(ENVELOPE_VERSION, 0);
  out.writeUInt8(flags, FLAGS_OFFSET);
  out.writeDoubleBE(meta.storedAt, STORED_OFFSET);
  out.writeDoubleBE(meta.freshUntil, FRESH_OFFSET);
  out.writeDoubleBE(meta.staleUntil, STALE_OFFSET);
  out.writeDoubleBE(meta.errorUntil, ERROR_OFFSET);
  out.writeDoubleBE(meta.epoch, EPOCH_OFFSET);
  out.writeUInt16BE(tagBytes.length, TAG_COUNT_OFFSET);
  let pos = HEADER_LENGTH;
  for (const t of tagBytes) {
    out.writeUInt16BE(t.byteLength, pos);
    out.set(t, pos + 2);
    pos += 2 + t.byteLength;
  }
  out.set(body, pos);
  return out;
}

/**
 * Reads an envelope; undefined for bytes that are not a well-formed version-1 envelope: written
 * by another release, truncated, corrupted (a bad deflate stream, times that are not finite
 * numbers, unknown flags). Never throws: Redis contents are not trusted to be well-formed.
 */
export function decodeEnvelope(bytes: Buffer): DecodedEnvelope | undefined {
  if (bytes.byteLength < HEADER_LENGTH || bytes[0] !== ENVELOPE_VERSION) return undefined;
  const flags = bytes[FLAGS_OFFSET]!;
  if ((flags & ~FLAG_DEFLATED) !== 0) return undefined;
  const storedAt = bytes.readDoubleBE(STORED_OFFSET);
  const freshUntil = bytes.readDoubleBE(FRESH_OFFSET);
  const staleUntil = bytes.readDoubleBE(STALE_OFFSET);
  const errorUntil = bytes.readDoubleBE(ERROR_OFFSET);
  const epoch = bytes.readDoubleBE(EPOCH_OFFSET);
  if (![storedAt, freshUntil, staleUntil, errorUntil, epoch].every(Number.isFinite)) return undefined;
  const count = bytes.readUInt16BE(TAG_COUNT_OFFSET);
  const tags: string[] = new Array(count);
  let pos = HEADER_LENGTH;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > bytes.byteLength) return undefined;
    const end = pos + 2 + bytes.readUInt16BE(pos);
    if (end > bytes.byteLength) return undefined;
    tags[i] = bytes.toString('utf8', pos + 2, end);
    pos = end;
  }
  const body = bytes.subarray(pos);
  let value: Uint8Array = body;
  if (flags & FLAG_DEFLATED) {
    try { value = inflateRawSync(body, { maxOutputLength: MAX_INFLATED_BYTES }); } catch { return undefined; }
  }
  return { storedAt, freshUntil, staleUntil, errorUntil, epoch, tags, value };
}
