/**
 * Replays an integer trace against a get-then-set cache and returns its hit ratio.
 * Keys are interned strings (one string object per distinct key), as a real cache sees them.
 */
export interface GetSetCache {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

/** Turns an integer trace into interned string keys, built once and shared by every replay. */
export function internKeys(trace: Int32Array): string[] {
  const names = new Map<number, string>();
  const out = new Array<string>(trace.length);
  for (let i = 0; i < trace.length; i++) {
    const k = trace[i]!;
    let s = names.get(k);
    if (s === undefined) names.set(k, (s = `k${k}`));
    out[i] = s;
  }
  return out;
}

/** Returns hits / requests for the cache over the keys: a miss is followed by a set. */
export function replayHitRatio(cache: GetSetCache, keys: readonly string[]): number {
  let hits = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (cache.get(key) !== undefined) hits++;
    else cache.set(key, true);
  }
  return hits / keys.length;
}
