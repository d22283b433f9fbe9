/**
 * The L2 form of one cache entry: a compact binary envelope.
 *
 * Layout (big-endian; offsets are fixed so the Redis Lua scripts can read the epoch and
 * the tag list without decoding the value):
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
/** 1-based offsets used by the Lua scripts. */
export const LUA_FRESH_OFFSET = 11;
export const LUA_EPOCH_OFFSET = 35;
export const LUA_TAGS_OFFSET = 43;

/** 0-based offsets and header length, for readers that check an envelope without decoding it. */
export const FRESH_OFFSET = 10;
export const EPOCH_OFFSET = 34;
export const TAG_COUNT_OFFSET = 42;
export const HEADER_LENGTH = 44;
const HEADER_BYTES = HEADER_LENGTH;
const FLAG_DEFLATED = 1;

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
  let size = HEADER_BYTES + body.byteLength;
  for (const t of tagBytes) {
    if (t.byteLength > 0xffff) throw new RangeError(`cache tag is longer than 65535 bytes: ${t.toString('utf8', 0, 40)}…`);
    size += 2 + t.byteLength;
  }
  if (tagBytes.length > 0xffff) throw new RangeError(`an entry may carry at most 65535 tags, got ${tagBytes.length}`);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt8(ENVELOPE_VERSION, 0);
  out.writeUInt8(flags, 1);
  out.writeDoubleBE(meta.storedAt, 2);
  out.writeDoubleBE(meta.freshUntil, 10);
  out.writeDoubleBE(meta.staleUntil, 18);
  out.writeDoubleBE(meta.errorUntil, 26);
  out.writeDoubleBE(meta.epoch, 34);
  out.writeUInt16BE(tagBytes.length, 42);
  let pos = HEADER_BYTES;
  for (const t of tagBytes) {
    out.writeUInt16BE(t.byteLength, pos);
    out.set(t, pos + 2);
    pos += 2 + t.byteLength;
  }
  out.set(body, pos);
  return out;
}

/** Bytes of an envelope before its value (header and tags), when `bytes` holds all of them. */
export function envelopeHeaderLength(bytes: Buffer): number | undefined {
  if (bytes.byteLength < HEADER_BYTES) return undefined;
  const count = bytes.readUInt16BE(42);
  let pos = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > bytes.byteLength) return undefined;
    pos += 2 + bytes.readUInt16BE(pos);
  }
  return pos <= bytes.byteLength ? pos : undefined;
}

/** Reads an envelope; returns undefined for bytes that are not a version-1 envelope (e.g. written by another release). */
export function decodeEnvelope(bytes: Buffer): DecodedEnvelope | undefined {
  if (bytes.byteLength < HEADER_BYTES || bytes.readUInt8(0) !== ENVELOPE_VERSION) return undefined;
  const flags = bytes.readUInt8(1);
  const count = bytes.readUInt16BE(42);
  const tags: string[] = new Array(count);
  let pos = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > bytes.byteLength) return undefined;
    const len = bytes.readUInt16BE(pos);
    tags[i] = bytes.toString('utf8', pos + 2, pos + 2 + len);
    pos += 2 + len;
  }
  if (pos > bytes.byteLength) return undefined;
  const body = bytes.subarray(pos);
  return {
    storedAt: bytes.readDoubleBE(2),
    freshUntil: bytes.readDoubleBE(10),
    staleUntil: bytes.readDoubleBE(18),
    errorUntil: bytes.readDoubleBE(26),
    epoch: bytes.readDoubleBE(34),
    tags,
    value: flags & FLAG_DEFLATED ? inflateRawSync(body) : body,
  };
}
