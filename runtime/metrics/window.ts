/**
 * A sliding window of the last N seconds of one endpoint's traffic: a ring of per-second
 * buckets (requests, misses, seconds spent answering misses). Time comes from the caller,
 * so tests drive it with an injected clock.
 */
export class SlidingWindow {
  private readonly requests: Float64Array;
  private readonly misses: Float64Array;
  private readonly missSeconds: Float64Array;
  /** The whole second the newest slot belongs to. */
  private second = Number.NEGATIVE_INFINITY;
  /** Index of that second's slot in the ring. */
  private slot = 0;

  constructor(readonly seconds: number) {
    this.requests = new Float64Array(seconds);
    this.misses = new Float64Array(seconds);
    this.missSeconds = new Float64Array(seconds);
  }

  /** Counts one request at `nowSecond`; a miss adds how long answering it took. */
  record(nowSecond: number, missSeconds: number | undefined): void {
    // The common case (same second as the last request) costs one comparison.
    const slot = nowSecond === this.second ? this.slot : this.advance(nowSecond);
    this.requests[slot]!++;
    if (missSeconds !== undefined) {
      this.misses[slot]!++;
      if (missSeconds >= 0 && missSeconds !== Infinity) this.missSeconds[slot]! += missSeconds;
    }
  }

  /** Sums over the window ending at `nowSecond` (the current partial second and the N-1 before it). */
  totals(nowSecond: number): { requests: number; misses: number; missSeconds: number } {
    this.advance(nowSecond);
    let requests = 0;
    let misses = 0;
    let missSeconds = 0;
    for (let i = 0; i < this.seconds; i++) {
      requests += this.requests[i]!;
      misses += this.misses[i]!;
      missSeconds += this.missSeconds[i]!;
    }
    return { requests, misses, missSeconds };
  }

  /** Moves the ring forward to `nowSecond`, clearing the seconds skipped over; returns the slot of `nowSecond`. */
  private advance(nowSecond: number): number {
    if (nowSecond > this.second) {
      const gap = nowSecond - this.second;
      if (gap >= this.seconds) {
        this.requests.fill(0);
        this.misses.fill(0);
        this.missSeconds.fill(0);
      } else {
        for (let s = this.second + 1; s <= nowSecond; s++) {
          const slot = s % this.seconds;
          this.requests[slot] = 0;
          this.misses[slot] = 0;
          this.missSeconds[slot] = 0;
        }
      }
      this.second = nowSecond;
      this.slot = ((nowSecond % this.seconds) + this.seconds) % this.seconds;
    }
    // A clock that steps back lands in the newest slot rather than corrupting an old one.
    return this.slot;
  }
}
