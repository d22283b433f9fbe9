/**
 * The first pass: what the log says about each operation, in fixed-size summaries (./sketches):
 * request counts, distinct keys, popularity, response sizes, origin latency, and the time from
 * a write to the next read of what it changed.
 */
import type { AccessVisitor } from './log/accesses.js';
import type { TrafficPlan } from './plan.js';
import { DistinctCounter, hash32, LogHistogram, TimeTable, TopItems } from './sketches.js';
import type { Access, ReadAccess, WriteAccess } from './traffic.js';

/** What one read operation's lines add up to. */
export class ReadProfile {
  reads = 0;
  /** Reads that got a key (not blocked; private ones naming a caller). */
  keyed = 0;
  /** Reads answered 2xx (what the cache would store). */
  ok = 0;
  /** Reads a cache in front already answered (the log said HIT). */
  cachedInLog = 0;
  readonly keys = new DistinctCounter();
  readonly callers = new DistinctCounter();
  readonly top = new TopItems(64);
  /** Body bytes of 2xx answers. */
  readonly bytes = new LogHistogram(1, 40);
  /** L1 entry bytes (body + key + prepared head + tags). */
  readonly entryBytes = new LogHistogram(1, 40);
  /** Seconds the answers took, for lines the log does not mark as cache hits. */
  readonly answered = new LogHistogram(1e-6, 40);
  /** Seconds the answers took, for lines the log marks as cache hits: what a request costs besides the origin. */
  readonly servedFromCache = new LogHistogram(1e-6, 40);

  /** Seconds a request spends outside the origin (the mean of logged cache hits; 0 when the log marks none). */
  overheadSeconds(): number {
    return this.servedFromCache.mean() || 0;
  }

  /** The origin's share of a logged duration: what a miss adds over a hit. */
  originSeconds(duration: number): number {
    return Math.max(0, duration - this.overheadSeconds());
  }
  /** Seconds from a write to the next read of what it changed. */
  readonly writeToRead = new LogHistogram(1e-3, 40);
}

export class WriteProfile {
  writes = 0;
  succeeded = 0;
}

/** A line that was not a request, for the report. */
export interface MalformedLine {
  line: number;
  reason: string;
}

/** Everything the first pass learns. */
export class Profile implements AccessVisitor {
  static readonly MALFORMED_EXAMPLES = 5;
  lines = 0;
  malformedCount = 0;
  readonly malformedExamples: MalformedLine[] = [];
  unmatched = 0;
  readonly unmatchedPaths = new TopItems(32);
  firstTime = Infinity;
  lastTime = -Infinity;
  /** Lines whose time went backwards by more than a second (out-of-order logs replay in file order). */
  outOfOrder = 0;
  readonly reads: ReadProfile[];
  readonly writes: WriteProfile[];
  /** All keys of all operations, for choosing the replay's sampling rate. */
  readonly allKeys = new DistinctCounter();
  /** Per resource: when a write changed it and no read has seen it since (0: none pending). */
  private readonly pending = new TimeTable(18);

  constructor(plan: TrafficPlan) {
    this.reads = plan.reads.map(() => new ReadProfile());
    this.writes = plan.writes.map(() => new WriteProfile());
  }

  /** Seconds between the first and the last line (at least 1). */
  get seconds(): number {
    return Number.isFinite(this.firstTime) ? Math.max(1, (this.lastTime - this.firstTime) / 1000) : 1;
  }

  access(access: Access): void {
    this.lines++;
    const time = access.record.time;
    if (time < this.lastTime - 1000) this.outOfOrder++;
    if (time < this.firstTime) this.firstTime = time;
    if (time > this.lastTime) this.lastTime = time;
    if (access.kind === 'read') this.read(access);
    else if (access.kind === 'write') this.write(access);
    else {
      this.unmatched++;
      this.unmatchedPaths.add(`${access.record.method} ${access.path}`);
    }
  }

  malformed(lineNumber: number, reason: string): void {
    this.lines++;
    this.malformedCount++;
    if (this.malformedExamples.length < Profile.MALFORMED_EXAMPLES) this.malformedExamples.push({ line: lineNumber, reason });
  }

  private read(access: ReadAccess): void {
    const p = this.reads[access.plan.index]!;
    const { record } = access;
    p.reads++;
    if (record.cached) {
      p.cachedInLog++;
      p.servedFromCache.add(record.duration);
    } else p.answered.add(record.duration);
    const ok = record.status >= 200 && record.status < 300;
    if (ok) {
      p.ok++;
      if (record.method !== 'HEAD') p.bytes.add(record.bytes);
    }
    if (record.caller !== undefined) p.callers.add(hash32(record.caller));
    if (access.key !== undefined) {
      p.keyed++;
      p.keys.add(access.keyHash);
      this.allKeys.add(access.keyHash);
      p.top.add(access.key);
      if (ok) p.entryBytes.add(access.size);
    }
    let written = 0;
    for (const resource of access.resources) {
      const at = this.pending.get(resource);
      if (at > written) written = at;
      if (at > 0) this.pending.set(resource, 0);
    }
    if (written > 0 && written <= record.time) p.writeToRead.add((record.time - written) / 1000);
  }

  private write(access: WriteAccess): void {
    const p = this.writes[access.plan.index]!;
    p.writes++;
    if (!access.succeeded) return;
    p.succeeded++;
    for (const resource of access.resources) this.pending.set(resource, access.record.time);
  }
}

