/**
 * A circuit breaker for the L2: after `failureThreshold` consecutive failures it opens and
 * the cache stops calling Redis for `openMs`; then one probe is let through (half-open).
 * A successful probe closes it, a failed one opens it again. Time comes from the cache's clock.
 */
import type { CircuitState } from '../metrics/observer.js';

export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
  clock: () => number;
  onChange: (state: CircuitState) => void;
}

export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(private readonly options: CircuitOptions) {}

  get current(): CircuitState { return this.state; }

  /** Whether a call may go to Redis now; in half-open, true for exactly one caller until it reports back. */
  allow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.options.clock() - this.openedAt < this.options.openMs) return false;
      this.set('half-open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Reports a successful call. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.state !== 'closed') this.set('closed');
  }

  /** Reports a failed or timed-out call. */
  failure(): void {
    this.probing = false;
    this.failures++;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.options.clock();
      this.set('open');
    }
  }

  private set(state: CircuitState): void {
    this.state = state;
    this.options.onChange(state);
  }
}
