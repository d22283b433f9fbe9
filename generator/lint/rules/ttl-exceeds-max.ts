/** ttl-exceeds-max: very long lifetimes turn a missed invalidation into days of stale data. */
import { DURATION_FORMS, durationSeconds } from '../../schema/duration.js';
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export interface TtlMaxOptions {
  /** Largest ttl (and sMaxAge) allowed: seconds, or a duration such as "1d". */
  max: number | string;
}

export const ttlExceedsMax: Rule<TtlMaxOptions> = {
  id: 'ttl-exceeds-max',
  description: 'ttl and sMaxAge must not exceed a configured maximum (default 86400 s, one day).',
  defaultSeverity: 'warning',
  defaultOptions: { max: 86_400 },
  validateOptions(options) {
    const max = options.max;
    if (max !== undefined && !durationSeconds(max)) return `max must be a duration above 0: ${DURATION_FORMS}`;
    return undefined;
  },
  check(ir, { report, options }) {
    // Configs pass validateOptions first; a max that is no duration anyway reports every lifetime (the strict side).
    const max = durationSeconds(options.max) ?? 0;
    for (const op of storedOperations(ir.operations)) {
      for (const field of ['ttl', 'sMaxAge'] as const) {
        const value = op.cache.policy[field];
        if (value === undefined || value <= max) continue;
        report({ location: fieldLocation(op.cache, field), message: `${describe(op)} sets ${field}: ${value}, above the maximum of ${max} s (lower it, or raise ttl-exceeds-max's max in cache.config.ts)` });
      }
    }
  },
};
