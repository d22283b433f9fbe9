/**
 * Durations as users write them in x-cache and in cache.config.ts: whole seconds (`300`) or a
 * whole number with one unit (`"5m"`; s, m, h, d). Anything else is invalid, never a default.
 */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A duration string: digits, then one unit. */
export const DURATION_PATTERN = /^(\d+)(s|m|h|d)$/;

/** What a duration may be, for messages: `seconds (300) or a duration such as "5m" (s, m, h, d)`. */
export const DURATION_FORMS = 'whole seconds (300) or a duration such as "5m" (s, m, h, d)';

/** The seconds of a duration, or undefined when `value` is not one (negative, fractional, unknown unit, too large). */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION_PATTERN.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}
