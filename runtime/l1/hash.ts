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
 * bytes at a time with murmur3's block step in two lanes, then murmur3's finalizer. (An FNV
 * step, xor then multiply, only carries a word's high bytes into high bits: keys differing in
 * a word's upper bytes then collided by the thousand.) A longer key is hashed by its UTF-16
 * units instead (the same key always takes the same path).
 */
export function hashKey(key: string, seed: number): number {
  if (key.length > MAX_ENCODED_UNITS) return hashUnits(key, seed);
  const n = encoder.encodeInto(key, scratch).written;
  lastKey.bytes = n;
  const words = n >>> 2;
  const w = scratchWords;
  // Two interleaved lanes halve the dependency chain.
  let a = seed;
  let b = Math.imul(seed ^ 0x2c9277b5, 0x9e3779b1);
  let i = 0;
  for (; i + 1 < words; i += 2) {
    a = block(a, w[i]!);
    b = block(b, w[i + 1]!);
  }
  if (i < words) a = block(a, w[i]!);
  let tail = 0;
  for (let j = n - 1; j >= words << 2; j--) tail = (tail << 8) | scratch[j]!;
  if ((n & 3) !== 0) b = block(b, tail);
  return finish(a, b, n);
}

/** murmur3's step for one 32-bit block: mixes every bit of the block into every bit of h. */
function block(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** hashKey() for keys too long for the scratch buffer: the same steps over pairs of UTF-16 units. */
function hashUnits(key: string, seed: number): number {
  let a = seed;
  let b = Math.imul(seed ^ 0x2c9277b5, 0x9e3779b1);
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a = block(a, key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16));
    if (i + 3 < n) {
      b = block(b, key.charCodeAt(i + 2) | (key.charCodeAt(i + 3) << 16));
      i += 2;
    }
  }
  if (i < n) b = block(b, key.charCodeAt(i));
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
