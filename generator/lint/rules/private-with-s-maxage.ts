/** private-with-s-maxage: s-maxage is for shared caches, which must never store a private response. */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export const privateWithSMaxAge: Rule = {
  id: 'private-with-s-maxage',
  description: 'scope: private and sMaxAge contradict each other: shared caches never store private responses.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      const { policy } = op.cache;
      if (policy.scope !== 'private' || policy.sMaxAge === undefined) continue;
      report({ location: fieldLocation(op.cache, 'sMaxAge'), message: `${describe(op)} is scope: private but sets sMaxAge: ${policy.sMaxAge}; a CDN must not store a private response (remove sMaxAge, or make the response public if it is the same for everyone)` });
    }
  },
};
