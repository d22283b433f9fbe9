/**
 * Key hashing and measuring for the L1. Not cryptographic: the hash spreads keys over the key
 * index and the frequency sketch. It is seeded at random per process, so colliding keys cannot
 * be worked out offline; the index also bounds its chains and the admission policy defends
 * itself against collisions.
 */

/** This process's hash seed. */
export const processHashSeed: number = globalThis.crypto.getRandomValues(new Int32Array(1))[0]!;

/** Where hashKey() leaves the UTF-8 byte length of the key it hashed. */
export const lastKey = { bytes: 0 };

/** UTF-8 bytes of the key being hashed: 4 KiB holds any key of up to 1,365 UTF-16 units. */
const scratch = new Uint8Array(4096);
const scratchWords = new Int32Array(scratch.buffer);
const MAX_ENCODED_UNITS = scratch.length / 3;
const encoder = new TextEncoder();

/**
 * Returns a well-mixed 32-bit hash of a string and stores its UTF-8 byte length in
 * lastKey.bytes: a key is read once for both. The key is UTF-8 encoded into a scratch buffer
 * (natively, reading a concatenated string without a `charCodeAt` call per unit) and hashed 4
 * bytes at a time, FNV-1a style in two lanes, then a murmur3 finalizer. A longer key is hashed
 * by its UTF-16 units instead (the same key always takes the same path).
 */
export function hashKey(key: string, seed: number): number {
  if (key.length > MAX_ENCODED_UNITS) return hashUnits(key, seed);
  const n = encoder.encodeInto(key, scratch).written;
  lastKey.bytes = n;
  const words = n >>> 2;
  const w = scratchWords;
  // Two interleaved lanes halve the multiply dependency chain.
  let a = 0x811c9dc5 ^ seed;
  let b = Math.imul(0x2c9277b5 ^ seed, 0x9e3779b1);
  let i = 0;
  for (; i + 1 < words; i += 2) {
    a = Math.imul(a ^ w[i]!, 0x01000193);
    b = Math.imul(b ^ w[i + 1]!, 0x5bd1e995);
  }
  if (i < words) a = Math.imul(a ^ w[i]!, 0x01000193);
  for (let j = words << 2; j < n; j++) b = Math.imul(b ^ scratch[j]!, 0x5bd1e995);
  return finish(a, b, n);
}

/** hashKey() for keys too long for the scratch buffer: FNV-1a style over UTF-16 units in two lanes. */
function hashUnits(key: string, seed: number): number {
  let a = 0x811c9dc5 ^ seed;
  let b = Math.imul(0x2c9277b5 ^ seed, 0x9e3779b1);
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a = Math.imul(a ^ key.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ key.charCodeAt(i + 1), 0x5bd1e995);
  }
  if (i < n) a = Math.imul(a ^ key.charCodeAt(i), 0x01000193);
  lastKey.bytes = utf8Length(key);
  return finish(a, b, n);
}

/** Folds the two lanes and the length, then the murmur3 finalizer. */
function finish(a: number, b: number, n: number): number {
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
