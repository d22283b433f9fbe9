/**
 * A response as the cache holds it: status, body bytes and the header values that depend on
 * the body (content type, strong ETag), all computed once when the entry is stored. A fresh
 * L1 hit sends these as they are: no JSON, no hashing, no copy.
 */

export interface PreparedResponse {
  status: number;
  body: Buffer;
  contentType: string;
  /** Strong ETag of the body, quoted. */
  etag: string;
  /** Extra headers the handler set (lower-case names) on a storable response (never Set-Cookie). */
  headers: Record<string, string>;
  /** Whether this response may be stored (runtime/fastify/storable.ts). Not encoded: a stored entry was storable. */
  storable: boolean;
  /** On a response that is not stored: the request it answers (and nobody else) and every header its handler set. Never encoded. */
  unstored?: { for: object; headers: Record<string, string | string[]> };
  /**
   * The entry's tags, rendered once when the loader ran: the request templates' and the response
   * templates' (`{response.…}`, known only after the origin call). Encoded, so an entry read
   * back from L2 can still name them (Surrogate-Key) without rendering anything.
   */
  tags: string[];
  /**
   * The headers every answer from this entry sends, as name/value pairs (Cache-Control, ETag,
   * Vary, the handler's headers, Content-Type, Surrogate-Key when asked): built once per entry
   * by the route, never encoded.
   */
  wire?: readonly string[];
}

const HEADER_LENGTH_BYTES = 4;

/** Encodes a prepared response for L2: a 4-byte length, a small JSON head, then the body bytes. */
export function encodePrepared(response: PreparedResponse): Uint8Array {
  const head = Buffer.from(
    JSON.stringify({ s: response.status, c: response.contentType, e: response.etag, h: response.headers, t: response.tags }),
  );
  const out = Buffer.allocUnsafe(HEADER_LENGTH_BYTES + head.length + response.body.length);
  out.writeUInt32BE(head.length, 0);
  head.copy(out, HEADER_LENGTH_BYTES);
  response.body.copy(out, HEADER_LENGTH_BYTES + head.length);
  return out;
}

/** Decodes what encodePrepared wrote; throws on bytes it did not write. */
export function decodePrepared(bytes: Uint8Array): PreparedResponse {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_LENGTH_BYTES) throw new Error('prepared response: truncated entry');
  const headLength = buf.readUInt32BE(0);
  const bodyStart = HEADER_LENGTH_BYTES + headLength;
  if (bodyStart > buf.length) throw new Error('prepared response: truncated head');
  const head = JSON.parse(buf.subarray(HEADER_LENGTH_BYTES, bodyStart).toString('utf8')) as {
    s: number; c: string; e: string; h: Record<string, string>; t?: string[];
  };
  return {
    status: head.s,
    contentType: head.c,
    etag: head.e,
    headers: head.h,
    // A copy, so the entry does not pin whatever larger buffer the bytes came in.
    body: Buffer.from(buf.subarray(bodyStart)),
    storable: true,
    tags: head.t ?? [],
  };
}

/** The codec the cache uses for prepared responses: bytes in L2, the decoded object in L1. */
export const preparedCodec = {
  encode: encodePrepared,
  decode: decodePrepared,
};
