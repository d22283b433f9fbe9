/** How cached gRPC responses are kept: JSON, with bytes fields (Buffer/Uint8Array) tagged so they come back as Buffers. */
import type { Codec } from '../cache/index.js';

const BYTES_TAG = '$cachegen.bytes';

/** JSON with Uint8Array values as `{ "$cachegen.bytes": base64 }`; decodes them to Buffers. */
export const messageCodec: Codec<unknown> = {
  encode(value) {
    return Buffer.from(JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
      // JSON.stringify hands replacers a Buffer's toJSON() output; read the raw value instead.
      const raw = this[key];
      if (raw instanceof Uint8Array) return { [BYTES_TAG]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
      return v;
    }));
  },
  decode(bytes) {
    return JSON.parse(Buffer.from(bytes).toString('utf8'), (_key, v: unknown) => {
      if (v !== null && typeof v === 'object' && BYTES_TAG in v && Object.keys(v).length === 1) {
        return Buffer.from((v as Record<string, string>)[BYTES_TAG]!, 'base64');
      }
      return v;
    });
  },
};
