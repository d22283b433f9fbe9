/** cachedFetch as a contender of the conformance table (the vitest suite and `npm run conformance` both use it). */
import { cachedFetch, createCache } from '@cachegen/runtime';
import type { Contender } from './conformance-harness.js';

/** cachedFetch over an in-process cache, on the table's clock; background refreshes are awaited by settle(). */
export const cachedFetchContender: Contender = {
  name: 'cachedFetch',
  create({ clock, shared }) {
    const cache = createCache({ l1: { maxEntries: 1000 }, clock: clock.now });
    const background: Promise<unknown>[] = [];
    const f = cachedFetch(cache, { shared, now: clock.now, waitUntil: (work) => background.push(work) });
    return {
      fetch: (url, init) => f(url, init),
      settle: async () => { while (background.length > 0) await Promise.all(background.splice(0)); },
      close: () => cache.close(),
    };
  },
};
