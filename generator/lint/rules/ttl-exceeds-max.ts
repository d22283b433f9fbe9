/** ttl-exceeds-max: very long lifetimes turn a missed invalidation into days of stale data. */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export interface TtlMaxOptions {
  /** Largest ttl (and sMaxAge) allowed, in seconds. */
  max: number;
}

export const ttlExceedsMax: Rule<TtlMaxOptions> = {
  id: 'ttl-exceeds-max',
  description: 'ttl and sMaxAge must not exceed a configured maximum (default 86400 s, one day).',
  defaultSeverity: 'warning',
  defaultOptions: { max: 86_400 },
  validateOptions(options) {
    const max = options.max;
    if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max > 0)) return 'max must be a positive integer number of seconds';
    return undefined;
  },
  check(ir, { report, options }) {
    for (const op of storedOperations(ir.operations)) {
      for (const field of ['ttl', 'sMaxAge'] as const) {
        const value = op.cache.policy[field];
        if (value === undefined || value <= options.max) continue;
        report({ location: fieldLocation(op.cache, field), message: `${describe(op)} sets ${field}: ${value}, above the maximum of ${options.max} s (lower it, or raise ttl-exceeds-max's max in cache.config.ts)` });
      }
    }
  },
};
