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
}

export const defaultClimberSettings: ClimberSettings = { stepFraction: 0.0625, decay: 0.98, restartThreshold: 0.05 };

export class HillClimber {
  private hits = 0;
  private misses = 0;
  private previousHitRate = 0;
  private step: number;

  constructor(
    private readonly maximum: number,
    /** Reads per sample. */
    public samplePeriod: number,
    private readonly settings: ClimberSettings = defaultClimberSettings,
  ) {
    // Start by shrinking the window: most workloads favour frequency, the climb reverses if not.
    this.step = -settings.stepFraction * maximum;
  }

  /** Counts a hit; true when the sample is complete and adjust() should be called. */
  recordHit(): boolean {
    return ++this.hits + this.misses >= this.samplePeriod;
  }

  /** Counts a miss; true when the sample is complete and adjust() should be called. */
  recordMiss(): boolean {
    return this.hits + ++this.misses >= this.samplePeriod;
  }

  /** Ends the sample and returns the signed change to apply to the window's maximum weight. */
  adjust(): number {
    const requests = this.hits + this.misses;
    const hitRate = requests === 0 ? 0 : this.hits / requests;
    const change = hitRate - this.previousHitRate;
    const amount = change >= 0 ? this.step : -this.step;
    const { stepFraction, decay, restartThreshold } = this.settings;
    this.step = Math.abs(change) >= restartThreshold
      ? stepFraction * this.maximum * (amount >= 0 ? 1 : -1)
      : decay * amount;
    this.previousHitRate = hitRate;
    this.hits = 0;
    this.misses = 0;
    return Math.trunc(amount);
  }

  /** Restarts sampling from scratch (after clear()). */
  reset(): void {
    this.hits = 0;
    this.misses = 0;
    this.previousHitRate = 0;
    this.step = -this.settings.stepFraction * this.maximum;
  }
}
