import { describe, expect, it } from 'vitest';
import { hashKey, lastKey, utf8Length } from '../../runtime/l1/hash.js';
import { FrequencySketch } from '../../runtime/l1/sketch.js';

describe('FrequencySketch', () => {
  const counts: [number, number][] = [[0, 0], [1, 1], [5, 5], [15, 15], [40, 15]];
  it.each(counts)('after %i increments estimates %i (4-bit counters saturate at 15)', (increments, expected) => {
    const sketch = new FrequencySketch(1024);
    const h = hashKey('GET /api/v1/products/1?lang=en', 0);
    for (let i = 0; i < increments; i++) sketch.increment(h);
    expect(sketch.frequency(h)).toBe(expected);
  });

  it('never under-estimates, and rarely over-estimates, among 500 keys in a sketch sized for 1000', () => {
    const sketch = new FrequencySketch(1000);
    const hashes = Array.from({ length: 500 }, (_, i) => hashKey(`GET /api/v1/products/${i}?lang=en`, 0));
    hashes.forEach((h, i) => {
      for (let n = 0; n < i % 8; n++) sketch.increment(h);
    });
    let exact = 0;
    hashes.forEach((h, i) => {
      expect(sketch.frequency(h)).toBeGreaterThanOrEqual(i % 8);
      if (sketch.frequency(h) === i % 8) exact++;
    });
    expect(exact).toBeGreaterThan(480);
  });

  it('halves every counter after sampleSize increments, so old popularity fades', () => {
    const sketch = new FrequencySketch(16);
    const hot = hashKey('hot', 0);
    for (let i = 0; i < 12; i++) sketch.increment(hot);
    expect(sketch.frequency(hot)).toBe(12);
    // Fill the rest of the sample with other keys until a halving happens.
    for (let i = 0; sketch.frequency(hot) >= 12 && i < sketch.sampleSize * 2; i++) sketch.increment(hashKey(`k${i}`, 0));
    expect(sketch.frequency(hot)).toBeLessThanOrEqual(7);
  });

  it('clear() forgets every count', () => {
    const sketch = new FrequencySketch(64);
    const h = hashKey('x', 0);
    sketch.increment(h);
    sketch.clear();
    expect(sketch.frequency(h)).toBe(0);
  });
});

describe('hashKey and utf8Length', () => {
  const strings = ['', 'a', 'ab', 'abc', 'abcde', 'GET /api/v1/products/123?lang=en', 'héllo wörld', '€uro', '😀 smile', 'x'.repeat(1000), 'é'.repeat(2000), '😀'.repeat(700)];
  it.each(strings)('measure %j like Buffer.byteLength', (s) => {
    hashKey(s, 0);
    expect(lastKey.bytes).toBe(Buffer.byteLength(s));
    expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });

  it('hashes a key the same whatever string object holds it, short or long', () => {
    for (const key of ['GET /a?b=c', 'x'.repeat(1365), 'x'.repeat(1366), 'é'.repeat(3000)]) {
      const built = [...key].join('');
      expect(hashKey(built, 9)).toBe(hashKey(key, 9));
      expect(hashKey(`${key}!`, 9)).not.toBe(hashKey(key, 9));
    }
  });

  it('collides like a random function: 2^18 product keys share about 8 of their 32-bit hashes', () => {
    // Birthday bound: n^2 / 2^33 = 8 for n = 2^18. A step that carries a word's upper bytes only
    // into upper bits (FNV's xor-multiply over 4-byte words) collided 1,062 times here.
    for (const seed of [0, 1]) {
      const seen = new Set<number>();
      for (let i = 0; i < 2 ** 18; i++) seen.add(hashKey(`GET /api/v1/products/${i}?lang=en`, seed));
      expect(2 ** 18 - seen.size).toBeLessThan(40);
    }
  });

  it('spreads similar keys: no collisions among 100k product keys', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(hashKey(`GET /api/v1/products/${i}?lang=en`, 0));
    expect(seen.size).toBeGreaterThan(99_990);
  });

  it('depends on the seed: keys that share a bucket under one seed are spread under another', () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => `GET /api/v1/products/${i}?lang=en`);
    const sameBucket = keys.filter((k) => (hashKey(k, 1) & 127) === (hashKey(k, 2) & 127)).length;
    expect(sameBucket).toBeLessThan(60); // about 2000 / 128 by chance
    expect(hashKey('k', 1)).not.toBe(hashKey('k', 2));
  });
});
