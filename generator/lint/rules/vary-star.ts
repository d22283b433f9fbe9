/** vary-star: `Vary: *` makes every response unique, so nothing cached can ever be reused. */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export const varyStar: Rule = {
  id: 'vary-star',
  description: 'vary: ["*"] makes the response uncacheable; list the request headers that matter instead.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      if (!op.cache.policy.vary.includes('*')) continue;
      report({ location: fieldLocation(op.cache, 'vary'), message: `${describe(op)} has vary: ["*"]; no cache can reuse such a response (list the headers that change it, or drop x-cache)` });
    }
  },
};
