/** no-cache-on-mutation: x-cache on POST/PUT/PATCH/DELETE; a cached write replays a stale result and skips the write. */
import type { Rule } from '../types.js';
import { describe, isMutation } from './helpers.js';

export const noCacheOnMutation: Rule = {
  id: 'no-cache-on-mutation',
  description: 'x-cache on a POST, PUT, PATCH or DELETE: mutations change state and must reach the origin every time.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of ir.operations) {
      if (!op.cache || !isMutation(op)) continue;
      report({
        location: op.cache.location,
        message: `${describe(op)} is a mutation and cannot be cached; remove x-cache (use x-cache-invalidates to invalidate the reads it changes)`,
      });
    }
  },
};
