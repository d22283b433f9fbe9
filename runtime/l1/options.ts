import type { L1Options, L1PolicyName } from './types.js';

/**
 * Most entries an L1 holds, whatever its options: its key and value arrays stay far below V8's
 * largest array (about 2^27 elements), and the frequency sketch keeps at least 16 counters per
 * entry (docs/l1.md, "Known limits"). About 2 GB of metadata at that size.
 */
export const MAX_ENTRIES = 32_000_000;

/** L1 options after validation, with defaults filled in. */
export interface ResolvedL1Options<V> {
  maxEntries: number; // Infinity when unbounded
  maxBytes: number; // Infinity when unbounded
  maxEntryBytes: number; // Infinity when unbounded
  policy: L1PolicyName;
  clock: () => number;
  sizeOf: ((value: V, key: string) => number) | undefined;
  onEvict: L1Options<V>['onEvict'];
}

/**
 * performance.now(), read at most once per millisecond: the value is kept until a 1 ms
 * timer (unref'd, so it never holds the process open) clears it, as lru-cache's ttlResolution
 * does. Saves a clock call per set() on the hot path; the price is that time stands still
 * inside one long synchronous stretch of code (it moves again when the event loop turns).
 */
let cachedNow = -1;
const forgetNow = (): void => {
  cachedNow = -1;
};
export function coarseClock(): number {
  if (cachedNow < 0) {
    cachedNow = performance.now();
    setTimeout(forgetNow, 1).unref();
  }
  return cachedNow;
}
const defaultClock = coarseClock;

/** Validates L1 options, throwing a RangeError/TypeError that names the bad option and says how to fix it. */
export function resolveL1Options<V>(options: L1Options<V>): ResolvedL1Options<V> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('L1Cache: options must be an object such as { maxEntries: 10000 }');
  }
  const { maxEntries, maxBytes, maxEntryBytes, policy = 'tinylfu', clock, sizeOf, onEvict } = options;
  if (maxEntries === undefined && maxBytes === undefined) {
    throw new RangeError('L1Cache: set maxEntries and/or maxBytes (e.g. { maxEntries: 10000 }); an unbounded cache is not allowed');
  }
  if (maxEntries !== undefined && !(Number.isInteger(maxEntries) && maxEntries >= 1 && maxEntries <= MAX_ENTRIES)) {
    throw new RangeError(
      `L1Cache: option maxEntries must be an integer from 1 to ${MAX_ENTRIES}, got ${String(maxEntries)}`,
    );
  }
  checkPositive('maxBytes', maxBytes);
  checkPositive('maxEntryBytes', maxEntryBytes);
  if (policy !== 'tinylfu' && policy !== 'lru') {
    throw new RangeError(`L1Cache: option policy must be 'tinylfu' or 'lru', got ${JSON.stringify(policy)}`);
  }
  checkFunction('clock', clock);
  checkFunction('sizeOf', sizeOf);
  checkFunction('onEvict', onEvict);
  return {
    maxEntries: maxEntries ?? Infinity,
    maxBytes: maxBytes ?? Infinity,
    maxEntryBytes: maxEntryBytes ?? Infinity,
    policy,
    clock: clock ?? defaultClock,
    sizeOf,
    onEvict,
  };
}

function checkPositive(name: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`L1Cache: option ${name} must be a positive finite number of bytes, got ${String(value)}`);
  }
}

function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`L1Cache: option ${name} must be a function, got ${typeof value}`);
  }
}
