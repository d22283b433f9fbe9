/** swr-without-ttl: stale-while-revalidate with ttl 0 serves every hit stale and refreshes on every request. */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export const swrWithoutTtl: Rule = {
  id: 'swr-without-ttl',
  description: 'swr needs a ttl: without a fresh period every hit is stale and triggers a refresh.',
  defaultSeverity: 'warning',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      const { policy } = op.cache;
      if (policy.swr > 0 && policy.ttl === 0) {
        report({ location: fieldLocation(op.cache, 'swr'), message: `${describe(op)} sets swr: ${policy.swr} without a ttl; every hit would be stale and refresh the origin (set ttl)` });
      }
    }
  },
};
