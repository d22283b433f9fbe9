/**
 * Date.now() read at most once per resolution interval. The weighted-miss-cost window
 * needs only the current second, and on some machines (sandboxes without a vDSO clock)
 * Date.now() costs hundreds of nanoseconds: more than everything else the hit path does.
 * The cached value is dropped by an unref'd timer, so no timer runs while there is no traffic
 * and none keeps the process alive.
 */
const RESOLUTION_MS = 100;
let cached: number | undefined;

function forget(): void {
  cached = undefined;
}

/** Milliseconds since the epoch, at most RESOLUTION_MS old. */
export function coarseNow(): number {
  if (cached === undefined) {
    cached = Date.now();
    setTimeout(forget, RESOLUTION_MS).unref();
  }
  return cached;
}
