/** The L1 benchmark's contenders behind one interface, shared by its speed and growth sections. */
import { LRUCache } from 'lru-cache';
import { LRUMap } from 'mnemonist';
import { L1Cache } from '@cachegen/runtime';

export interface Subject { get(k: string): number | undefined; set(k: string, v: number): void; size(): number }

export const l1Subjects: Record<string, (capacity: number) => Subject> = {
  'Map (floor)': (capacity) => {
    // A Map plus a FIFO ring of keys: the least work any bounded cache can do (no recency at all).
    // (Not m.keys().next() to find the oldest: V8 walks past every deleted entry at a Map's front.)
    const m = new Map<string, number>();
    const ring = new Array<string | undefined>(capacity);
    let head = 0;
    return {
      get: (k) => m.get(k),
      set: (k, v) => {
        if (!m.has(k)) {
          const old = ring[head];
          if (old !== undefined) m.delete(old);
          ring[head] = k;
          head = (head + 1) % capacity;
        }
        m.set(k, v);
      },
      size: () => m.size,
    };
  },
  'lru-cache@11': (capacity) => {
    const c = new LRUCache<string, number>({ max: capacity });
    return { get: (k) => c.get(k), set: (k, v) => void c.set(k, v), size: () => c.size };
  },
  'mnemonist LRUMap': (capacity) => {
    const c = new LRUMap<string, number>(capacity);
    return { get: (k) => c.get(k), set: (k, v) => c.set(k, v), size: () => c.size };
  },
  'cachegen tinylfu': (capacity) => {
    const c = new L1Cache<number>({ maxEntries: capacity });
    return { get: (k) => c.get(k), set: (k, v) => void c.set(k, v), size: () => c.size };
  },
  'cachegen lru': (capacity) => {
    const c = new L1Cache<number>({ maxEntries: capacity, policy: 'lru' });
    return { get: (k) => c.get(k), set: (k, v) => void c.set(k, v), size: () => c.size };
  },
};
