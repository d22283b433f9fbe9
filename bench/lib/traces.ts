/**
 * Readers for the access traces in bench/traces (formats in its README) and
 * synthetic workloads. Every reader returns keys as an Int32Array of request order.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Folder of the access traces (bench/traces). */
export const tracesDir = fileURLToPath(new URL('../traces/', import.meta.url));

export type TraceFormat = 'arc' | 'lirs' | 'int32be';

/** Reads and decodes a gzipped trace file in one of the README's formats. */
export function readTrace(file: string, format: TraceFormat): Int32Array {
  const raw = gunzipSync(readFileSync(path.join(tracesDir, file)));
  if (format === 'int32be') {
    const out = new Int32Array(raw.length >>> 2);
    for (let i = 0; i < out.length; i++) out[i] = raw.readInt32BE(i * 4);
    return out;
  }
  const keys: number[] = [];
  for (const line of raw.toString('latin1').split('\n')) {
    const text = line.trim();
    if (text === '' || text === '*') continue;
    if (format === 'lirs') {
      keys.push(Number.parseInt(text, 10));
      continue;
    }
    // ARC format: "start count _ reqno" means keys start .. start+count-1.
    const [start, count] = text.split(/\s+/).map((x) => Number.parseInt(x, 10));
    if (start === undefined || count === undefined || Number.isNaN(start) || Number.isNaN(count)) {
      throw new Error(`${file}: cannot parse line ${JSON.stringify(text)}`);
    }
    for (let k = 0; k < count; k++) keys.push(start + k);
  }
  return Int32Array.from(keys);
}

/** A small deterministic PRNG (mulberry32): benchmarks must replay the same synthetic trace. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns `length` keys drawn from a Zipf(s) distribution over `universe` keys (rank 0 hottest). */
export function zipfTrace(universe: number, s: number, length: number, seed: number): Int32Array {
  const cdf = new Float64Array(universe);
  let sum = 0;
  for (let i = 0; i < universe; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  for (let i = 0; i < universe; i++) cdf[i]! /= sum;
  const random = seededRandom(seed);
  // Scatter ranks over the key space so hot keys are not also the smallest numbers.
  const permutation = Int32Array.from({ length: universe }, (_, i) => i);
  for (let i = universe - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [permutation[i], permutation[j]] = [permutation[j]!, permutation[i]!];
  }
  const out = new Int32Array(length);
  for (let n = 0; n < length; n++) {
    const u = random();
    let lo = 0;
    let hi = universe - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[n] = permutation[lo]!;
  }
  return out;
}

/**
 * A scan-heavy mix: a Zipf(0.9) hot set over `universe` keys, interrupted every `every`
 * requests by a sequential scan of `scanLength` keys never seen before (one-hit wonders).
 */
export function scanMixTrace(universe: number, length: number, every: number, scanLength: number, seed: number): Int32Array {
  const hot = zipfTrace(universe, 0.9, length, seed);
  const out: number[] = [];
  let nextScanKey = universe;
  for (let i = 0; i < hot.length; i++) {
    out.push(hot[i]!);
    if ((i + 1) % every === 0) for (let k = 0; k < scanLength; k++) out.push(nextScanKey++);
  }
  return Int32Array.from(out);
}

/**
 * A moving working set (recency-biased): request n reads a key drawn uniformly from the
 * `width` keys [n * speed, n * speed + width), so keys enter, stay popular for a while and
 * are never read again once the set has moved past them.
 */
export function movingWorkingSetTrace(width: number, speed: number, length: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const out = new Int32Array(length);
  for (let n = 0; n < length; n++) out[n] = Math.floor(n * speed) + Math.floor(random() * width);
  return out;
}

/**
 * Bursts of new keys re-read soon after (recency-biased): each new key is read `reads` times,
 * the reads `gapMin`..`gapMax` requests apart, interleaved with other new keys and, with
 * probability `background`, with reads of a Zipf(0.9) hot set of `hotKeys` keys.
 */
export function burstTrace(reads: number, gapMin: number, gapMax: number, background: number, hotKeys: number, length: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const hot = zipfTrace(hotKeys, 0.9, length, seed + 1);
  const due = new Map<number, number[]>(); // request index -> keys due then
  const out = new Int32Array(length);
  let nextKey = hotKeys;
  for (let n = 0; n < length; n++) {
    const pending = due.get(n);
    if (pending && pending.length > 0) {
      out[n] = pending.pop()!;
      // Reads that collide on a slot spill to the next request.
      if (pending.length > 0) {
        const later = due.get(n + 1) ?? [];
        later.push(...pending);
        due.set(n + 1, later);
      }
      due.delete(n);
      continue;
    }
    due.delete(n);
    if (random() < background) {
      out[n] = hot[n]!;
      continue;
    }
    const key = nextKey++;
    out[n] = key;
    let at = n;
    for (let r = 1; r < reads; r++) {
      at += gapMin + Math.floor(random() * (gapMax - gapMin + 1));
      const list = due.get(at) ?? [];
      list.push(key);
      due.set(at, list);
    }
  }
  return out;
}

/**
 * Interleaves two traces: each request comes from `a` with probability `shareOfA`, else from
 * `b` with its keys moved past `offsetOfB` (so the two key sets never meet). Both traces are
 * read in order; the result is as long as the shorter one allows, at most `a.length`.
 */
export function mixTraces(a: Int32Array, b: Int32Array, shareOfA: number, offsetOfB: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const out = new Int32Array(a.length);
  let ia = 0;
  let ib = 0;
  let n = 0;
  for (; n < out.length; n++) {
    if (random() < shareOfA) {
      if (ia >= a.length) break;
      out[n] = a[ia++]!;
    } else {
      if (ib >= b.length) break;
      out[n] = b[ib++]! + offsetOfB;
    }
  }
  return out.subarray(0, n);
}

/**
 * Alternating phases of `phase` requests each: request n is taken from `a` in even phases and
 * from `b` (keys moved past `offsetOfB`) in odd ones, so the workload's bias flips over and over.
 */
export function phasedTrace(a: Int32Array, b: Int32Array, phase: number, offsetOfB: number): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  for (let n = 0; n < out.length; n++) out[n] = Math.floor(n / phase) % 2 === 0 ? a[n]! : b[n]! + offsetOfB;
  return out;
}
