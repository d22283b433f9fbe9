/**
 * Key hashing and measuring for the L1. Not cryptographic: the hash spreads keys over the key
 * index and the frequency sketch. It is seeded at random per process, so colliding keys cannot
 * be worked out offline; the index also bounds its chains and the admission policy defends
 * itself against collisions.
 */

/** This process's hash seed. */
export const processHashSeed: number = globalThis.crypto.getRandomValues(new Int32Array(1))[0]!;

/** Where hashKey() leaves the UTF-8 byte length of the key it hashed (one pass does both). */
export const lastKey = { bytes: 0 };

/**
 * Returns a well-mixed 32-bit hash of a string (FNV-1a style over UTF-16 units in two lanes, then a
 * murmur3 finalizer) and stores its UTF-8 byte length in lastKey.bytes: a new key is read once.
 */
export function hashKey(key: string, seed: number): number {
  // Two interleaved lanes (even and odd units) halve the multiply dependency chain.
  let a = 0x811c9dc5 ^ seed;
  let b = Math.imul(0x2c9277b5 ^ seed, 0x9e3779b1);
  let extra = 0;
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const c = key.charCodeAt(i);
    const d = key.charCodeAt(i + 1);
    if ((c | d) >= 0x80) extra += (c >= 0x80 ? utf8Extra(c) : 0) + (d >= 0x80 ? utf8Extra(d) : 0);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ d, 0x5bd1e995);
  }
  if (i < n) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) extra += utf8Extra(c);
    a = Math.imul(a ^ c, 0x01000193);
  }
  lastKey.bytes = n + extra;
  let h = a ^ Math.imul(b ^ n, 0x9e3779b1);
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
    if (c >= 0x80) n += utf8Extra(c);
  }
  return n;
}

/** UTF-8 bytes beyond one for a UTF-16 unit >= 0x80: 2-byte chars add 1, BMP 3-byte chars 2, each half of a surrogate pair (4 bytes) 1. */
function utf8Extra(c: number): number {
  return c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdfff ? 1 : 2;
}

/** Returns the byte size of a Buffer / Uint8Array / string value, or -1 when it cannot be measured. */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value);
  if (value instanceof Uint8Array) return value.byteLength;
  return -1;
}
