/** Shared helpers of the cache tests: a controllable clock, deferred promises, log capture. */
import { randomUUID } from 'node:crypto';

/** A manual clock in ms. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

/** A promise resolved or rejected from outside. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** A namespace no other test file uses. */
export function uniqueNamespace(name: string): string {
  return `t-${name}-${randomUUID().slice(0, 8)}`;
}

/** A logger that records lines. */
export function recordingLogger(): { warn(m: string): void; info(m: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => { lines.push(`warn ${m}`); }, info: (m) => { lines.push(`info ${m}`); } };
}

/** Resolves when cond() holds, polling the event loop (for events from a real server, never for time-based behaviour). */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import { noopObserver, type CacheObserver } from '../../runtime/metrics/observer.js';

/** An observer that counts bus events, L2 errors, evictions (`eviction:<tier>:<reason>`) and circuit states. */
export function countingObserver(): CacheObserver & { counts: Map<string, number>; states: string[] } {
  const counts = new Map<string, number>();
  const states: string[] = [];
  const bump = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  return {
    ...noopObserver, counts, states,
    bus: (event) => bump(`bus:${event}`),
    l2Error: (op) => bump(`l2Error:${op}`),
    eviction: (tier, reason) => bump(`eviction:${tier}:${reason}`),
    circuit: (state) => { states.push(state); bump(`circuit:${state}`); },
    origin: (_e, _s, ok) => bump(ok ? 'origin:ok' : 'origin:error'),
    request: (_e, result, tier) => bump(`request:${result}:${tier}`),
  };
}
