/**
 * The default codec: bytes stay bytes, anything else is JSON. One leading byte tells them
 * apart. L1 keeps the value the loader returned (no parse per hit): callers must treat
 * cached values as read-only (docs/two-tier.md).
 */
import type { Codec } from './types.js';

const BYTES = 0;
const JSON_VALUE = 1;
const UNDEFINED = 2;

/** Encodes Buffer/Uint8Array as themselves and other values as JSON; decodes back to a Buffer or the parsed value. */
export const defaultCodec: Codec<unknown> = {
  encode(value) {
    if (value instanceof Uint8Array) {
      const out = Buffer.allocUnsafe(value.byteLength + 1);
      out[0] = BYTES;
      out.set(value, 1);
      return out;
    }
    if (value === undefined) return Buffer.of(UNDEFINED);
    const json = JSON.stringify(value);
    const out = Buffer.allocUnsafe(Buffer.byteLength(json) + 1);
    out[0] = JSON_VALUE;
    out.write(json, 1, 'utf8');
    return out;
  },
  decode(bytes) {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (buf[0]) {
      case BYTES: return buf.subarray(1);
      case JSON_VALUE: return JSON.parse(buf.toString('utf8', 1));
      case UNDEFINED: return undefined;
      default: throw new TypeError(`cachegen: L2 value has unknown default-codec marker ${String(buf[0])}`);
    }
  },
};
