/** missing-ttl: x-cache with ttl 0 (and no revalidate) stores responses that are never fresh. */
import type { Rule } from '../types.js';
import { describe, storedOperations } from './helpers.js';

export const missingTtl: Rule = {
  id: 'missing-ttl',
  description: 'A cached operation needs a ttl (or revalidate: true); ttl 0 caches nothing useful.',
  defaultSeverity: 'warning',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      const { policy } = op.cache;
      if (policy.ttl > 0 || policy.revalidate || policy.swr > 0 || policy.staleIfError > 0) continue;
      report({ location: op.cache.location, message: `${describe(op)} has x-cache with ttl 0, so nothing it stores is ever fresh (set ttl, or revalidate: true to store and revalidate with ETag)` });
    }
  },
};
