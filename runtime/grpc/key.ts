/** Cache keys for gRPC unary calls. */
import { createHash } from 'node:crypto';

/**
 * `grpc|<fully qualified method>|<request bytes>`: the bytes as base64url when short, else
 * their SHA-256. Same method and bytes, same key; anything else, a different one.
 */
export function grpcKey(method: string, requestBytes: Uint8Array): string {
  const bytes = Buffer.from(requestBytes.buffer, requestBytes.byteOffset, requestBytes.byteLength);
  // `=` / `#` mark which form follows, so a short request can never look like a digest.
  const body = bytes.byteLength <= 96 ? '=' + bytes.toString('base64url') : '#' + createHash('sha256').update(bytes).digest('base64url');
  return 'grpc|' + encodeURIComponent(method) + '|' + body;
}

/**
 * A copy of a message object with the keys of every plain object sorted, so a serializer that
 * writes map fields in insertion order produces the same bytes for the same content.
 */
export function sortMessageKeys(message: unknown): unknown {
  if (message === null || typeof message !== 'object') return message;
  if (Array.isArray(message)) return message.map(sortMessageKeys);
  const proto = Object.getPrototypeOf(message);
  // Buffers, Longs and class instances are kept as they are: their serializer knows them.
  if (proto !== Object.prototype && proto !== null) return message;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(message).sort()) out[key] = sortMessageKeys((message as Record<string, unknown>)[key]);
  return out;
}
