/**
 * key-query-unknown: `key.query` lists the only query parameters in the key. A name that is not a query
 * parameter of the operation is a typo, and the parameter it meant is left out: different responses
 * would share one entry.
 */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export const keyQueryUnknown: Rule = {
  id: 'key-query-unknown',
  description: 'Names in key.query must be query parameters of the operation.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      const allow = op.cache.policy.key.query;
      if (!allow) continue;
      const declared = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      const unknown = allow.filter((name) => !declared.includes(name));
      if (unknown.length) {
        report({ location: fieldLocation(op.cache, 'key'), message: `key.query of ${describe(op)} names ${unknown.map((n) => `"${n}"`).join(', ')}, which ${unknown.length > 1 ? 'are not query parameters' : 'is not a query parameter'} (query parameters: ${declared.join(', ') || 'none'})` });
      }
    }
  },
};
