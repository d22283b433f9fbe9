/**
 * Hill climbing on the hit rate to size the W-TinyLFU admission window (as in Caffeine).
 *
 * Each sample is a fixed number of reads. When a sample ends, the window is moved by
 * `step` in the direction that last helped: kept when the hit rate rose, reversed when it
 * fell. The step decays geometrically so the window settles, and restarts at full size when
 * the hit rate jumps (the workload changed).
 */
export interface ClimberSettings {
  /** First and restart step, as a fraction of the cache's maximum weight. */
  stepFraction: number;
  /** Multiplier applied to the step after each sample without a jump. */
  decay: number;
  /** Hit-rate change (0..1) that counts as a new workload and restarts the step. */
  restartThreshold: number;
  /** The first sample is samplePeriod / 2^warmup reads, doubling each sample: the window moves early in a cold cache. */
  warmup: number;
  /** Direction of the first step: -1 shrinks the window first, +1 grows it. */
  firstDirection: number;
}

export const defaultClimberSettings: ClimberSettings = { stepFraction: 0.0625, decay: 0.98, restartThreshold: 0.1, warmup: 3, firstDirection: -1 };

export class HillClimber {
  private hits = 0;
  private misses = 0;
  private previousHitRate = 0;
  private step: number;
  private currentPeriod: number;
  /** The next sample only sets the reference hit rate (after an outside jump of the window). */
  private rebasing = false;

  constructor(
    private readonly maximum: number,
    /** Reads per sample. */
    public samplePeriod: number,
    private readonly settings: ClimberSettings = defaultClimberSettings,
  ) {
    // Start by shrinking the window: most workloads favour frequency, the climb reverses if not.
    this.step = settings.firstDirection * settings.stepFraction * maximum;
    this.currentPeriod = Math.max(1, Math.floor(samplePeriod / 2 ** settings.warmup));
  }

  /** Counts a hit; true when the sample is complete and adjust() should be called. */
  recordHit(): boolean {
    return ++this.hits + this.misses >= this.currentPeriod;
  }

  /** Counts a miss; true when the sample is complete and adjust() should be called. */
  recordMiss(): boolean {
    return this.hits + ++this.misses >= this.currentPeriod;
  }

  /** Ends the sample and returns the signed change to apply to the window's maximum weight. */
  adjust(): number {
    const requests = this.hits + this.misses;
    const hitRate = requests === 0 ? 0 : this.hits / requests;
    if (this.rebasing) {
      this.rebasing = false;
      this.previousHitRate = hitRate;
      this.hits = 0;
      this.misses = 0;
      return 0;
    }
    const change = hitRate - this.previousHitRate;
    const amount = change >= 0 ? this.step : -this.step;
    const { stepFraction, decay, restartThreshold } = this.settings;
    this.step = Math.abs(change) >= restartThreshold
      ? stepFraction * this.maximum * (amount >= 0 ? 1 : -1)
      : decay * amount;
    this.previousHitRate = hitRate;
    this.hits = 0;
    this.misses = 0;
    this.currentPeriod = Math.min(this.samplePeriod, this.currentPeriod * 2);
    return Math.trunc(amount);
  }

  /**
   * After an outside jump of the window (the shadow LRU's boost): the next step is a full-size
   * step that widens it, the sample in progress is dropped and the next one only sets the
   * reference hit rate. A sample that straddles the jump compares two configurations (and
   * the transition between them) and would reverse it.
   */
  headUp(): void {
    this.step = this.settings.stepFraction * this.maximum;
    this.hits = 0;
    this.misses = 0;
    this.rebasing = true;
  }

  /** Restarts sampling from scratch (after clear()). */
  reset(): void {
    this.hits = 0;
    this.misses = 0;
    this.previousHitRate = 0;
    this.rebasing = false;
    this.step = this.settings.firstDirection * this.settings.stepFraction * this.maximum;
    this.currentPeriod = Math.max(1, Math.floor(this.samplePeriod / 2 ** this.settings.warmup));
  }
}
