/**
 * Key hashing and measuring for the L1. Not cryptographic: the hash only spreads keys over
 * the frequency sketch, and the admission policy defends itself against crafted collisions.
 */

/** Returns a well-mixed 32-bit hash of a string (FNV-1a over UTF-16 units, then a murmur3 finalizer). */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Returns the number of bytes of the UTF-8 encoding of a string, without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // 2-byte chars add 1; BMP 3-byte chars add 2; a surrogate pair (4 bytes) adds 1 per unit.
    n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
  }
  return n;
}

/** Returns the byte size of a Buffer / Uint8Array / string value, or -1 when it cannot be measured. */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value);
  if (value instanceof Uint8Array) return value.byteLength;
  return -1;
}
