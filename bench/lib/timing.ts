/** Timing helpers: contenders run alternately, in several rounds, and are compared by their medians. */

/** Returns the median of the numbers (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (nearest rank) of numbers sorted ascending; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface Contender {
  name: string;
  /** Builds fresh state for one timed run (not timed). */
  prepare(): void;
  /** Runs the timed work and returns the number of operations it did. */
  run(): number;
}

/** Nanoseconds of wall-clock time. */
export const wallNs = (): number => Number(process.hrtime.bigint());

/**
 * Nanoseconds of CPU time this process used (all its threads, so GC helpers count). On a
 * machine shared with other work it leaves out the time the process waited for a core,
 * which wall time does not.
 */
export const cpuNs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

/**
 * Times every contender once per round, rotating who goes first each round so drift and
 * warm-up hit all alike. Returns the nanoseconds per operation of every run, by name.
 */
export function alternate(contenders: readonly Contender[], rounds: number, clock: () => number = wallNs): Map<string, number[]> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(round + i) % contenders.length]!;
      c.prepare();
      const start = clock();
      const ops = c.run();
      const ns = clock() - start;
      samples.get(c.name)!.push(ns / ops);
    }
  }
  return samples;
}
