/** high-cardinality-vary: varying on User-Agent or Cookie stores one entry per browser or session: hit rate near zero. */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export interface HighCardinalityOptions {
  /** Request headers that take too many distinct values to key a cache on (lower-case). */
  headers: string[];
}

export const highCardinalityVary: Rule<HighCardinalityOptions> = {
  id: 'high-cardinality-vary',
  description: 'Varying on User-Agent or Cookie splits the cache into near-unique entries.',
  defaultSeverity: 'warning',
  defaultOptions: { headers: ['user-agent', 'cookie'] },
  validateOptions(options) {
    const headers = options.headers;
    if (headers !== undefined && !(Array.isArray(headers) && headers.every((h) => typeof h === 'string'))) return 'headers must be an array of header names';
    return undefined;
  },
  check(ir, { report, options }) {
    const noisy = options.headers.map((h) => h.toLowerCase());
    for (const op of storedOperations(ir.operations)) {
      const hits = op.cache.policy.vary.filter((h) => noisy.includes(h));
      if (hits.length === 0) continue;
      report({ location: fieldLocation(op.cache, 'vary'), message: `${describe(op)} varies on ${hits.join(', ')}: nearly every caller gets their own entry (vary on a normalized header such as Accept-Language, or use scope: private for per-user data)` });
    }
  },
};
