/**
 * ARC (Megiddo and Modha, FAST '03) as a reference simulator for hit ratios. Not a cache:
 * it stores no values and favours clarity over speed (Maps as LRU lists: first key = LRU).
 */
export function arcHitRatio(trace: Int32Array, capacity: number): number {
  const t1 = new Map<number, true>();
  const t2 = new Map<number, true>();
  const b1 = new Map<number, true>();
  const b2 = new Map<number, true>();
  let p = 0; // target size of t1
  let hits = 0;
  const oldest = (m: Map<number, true>): number => m.keys().next().value as number;
  const replace = (inB2: boolean): void => {
    if (t1.size > 0 && (t1.size > p || (inB2 && t1.size === p))) {
      const k = oldest(t1);
      t1.delete(k);
      b1.set(k, true);
    } else {
      const k = oldest(t2);
      t2.delete(k);
      b2.set(k, true);
    }
  };
  for (let i = 0; i < trace.length; i++) {
    const x = trace[i]!;
    if (t1.delete(x) || t2.has(x)) {
      hits++;
      t2.delete(x);
      t2.set(x, true);
      continue;
    }
    if (b1.has(x)) {
      p = Math.min(capacity, p + Math.max(1, b2.size / b1.size));
      replace(false);
      b1.delete(x);
      t2.set(x, true);
      continue;
    }
    if (b2.has(x)) {
      p = Math.max(0, p - Math.max(1, b1.size / b2.size));
      replace(true);
      b2.delete(x);
      t2.set(x, true);
      continue;
    }
    // A complete miss.
    const l1 = t1.size + b1.size;
    if (l1 === capacity) {
      if (t1.size < capacity) {
        b1.delete(oldest(b1));
        replace(false);
      } else {
        t1.delete(oldest(t1));
      }
    } else if (l1 < capacity && l1 + t2.size + b2.size >= capacity) {
      if (l1 + t2.size + b2.size === 2 * capacity) b2.delete(oldest(b2));
      replace(false);
    }
    t1.set(x, true);
  }
  return hits / trace.length;
}
