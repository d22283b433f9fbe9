/**
 * Belady's OPT, offline: on a miss with a full cache, drop whichever of the cached keys and
 * the requested key is next used furthest in the future (the requested one may bypass the
 * cache). No policy can beat its hit ratio on the same trace and capacity.
 */
export function optHitRatio(trace: Int32Array, capacity: number): number {
  const n = trace.length;
  // nextUse[i]: index of the next request for trace[i] after i, or n + i (never again; distinct).
  const nextUse = new Int32Array(n);
  const lastSeen = new Map<number, number>();
  for (let i = n - 1; i >= 0; i--) {
    const k = trace[i]!;
    nextUse[i] = lastSeen.get(k) ?? n + i;
    lastSeen.set(k, i);
  }
  // Max-heap of next-use times of cached keys; entries go stale when a key is used again.
  const heap = new Int32Array(n + 1);
  let heapSize = 0;
  const heapKeyAt = new Int32Array(2 * n + 1); // next-use time -> key, or undefined when stale
  const cachedNext = new Map<number, number>(); // key -> its current next-use time
  const push = (v: number): void => {
    let i = heapSize++;
    heap[i] = v;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! >= v) break;
      heap[i] = heap[parent]!;
      heap[parent] = v;
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap[--heapSize]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heapSize) break;
      const r = l + 1;
      const c = r < heapSize && heap[r]! > heap[l]! ? r : l;
      if (heap[c]! <= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
    return top;
  };
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const k = trace[i]!;
    const next = nextUse[i]!;
    if (cachedNext.has(k)) {
      hits++;
      cachedNext.set(k, next);
      heapKeyAt[next] = k;
      push(next);
      continue;
    }
    if (cachedNext.size >= capacity) {
      // Find the live cached key used furthest in the future (skip stale heap entries).
      let far = -1;
      while (heapSize > 0) {
        const t = heap[0]!;
        if (cachedNext.get(heapKeyAt[t]!) === t) {
          far = t;
          break;
        }
        pop();
      }
      if (far < next) continue; // the requested key is needed last: bypass
      pop();
      cachedNext.delete(heapKeyAt[far]!);
    }
    cachedNext.set(k, next);
    heapKeyAt[next] = k;
    push(next);
  }
  return hits / n;
}
