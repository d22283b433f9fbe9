/** A store wrapper that counts calls per method: how the tests see whether the origin ran. */
import type { CatalogStore } from '../../examples/catalog/store/types.js';

export interface CountingStore extends CatalogStore {
  calls: Map<string, number>;
}

/** Wraps a store; `calls.get('getProduct')` is how many times handlers asked it for a product. */
export function countingStore(inner: CatalogStore): CountingStore {
  const calls = new Map<string, number>();
  const wrapped = { calls } as CountingStore;
  for (const name of Object.keys(inner) as Array<keyof CatalogStore>) {
    const fn = inner[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return fn.apply(inner, args);
    };
  }
  return wrapped;
}
