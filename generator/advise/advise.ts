/**
 * `advise`: an access log and a spec in, advice out. Three passes over the log, each streamed:
 *
 *   1. profile     what each operation's traffic looks like (./profile)
 *   2. ttl replay  hit ratio per ttl, L1 large enough for everything (./replay) → verdicts, ttl, swr
 *   3. size replay hit ratio per L1 size, both policies, with the verdicts' policies → L1 maxBytes
 */
import type { IrDocument } from '../ir/types.js';
import { forEachAccess, type LogSource } from './log/accesses.js';
import { firstLine } from './log/read.js';
import type { LogFormat } from './log/record.js';
import { sniffFormat } from './log/formats.js';
import { planTraffic, type TrafficPlan } from './plan.js';
import { Profile } from './profile.js';
import { decide, knee, sizeLadder, trafficOf, ttlCurve, TTL_LADDER, type Decision } from './recommend.js';
import { Replay, type OpOutcome, type SimConfig, type SimPolicy, type SimResult } from './replay.js';
import { TagDomains, TrafficClassifier, type FirstPassFacts } from './traffic.js';
import type { AdviceReport, OperationAdvice, Prediction, ReadTraffic, SizePoint } from './types.js';

export interface AdviseOptions {
  ir: IrDocument;
  /** Path of the access log (.gz is read through gunzip). */
  log: string;
  /** The log's format; default: guessed from its first line. */
  format?: LogFormat;
  /** Called as each pass reads the file. */
  progress?: (pass: number, passes: number, bytesRead: number, totalBytes: number) => void;
  /** Most distinct keys the replay follows before it samples keys (default 65,536). */
  maxKeys?: number;
}

const PASSES = 3;
const DEFAULT_MAX_KEYS = 65_536;

/** The log's format: as given, else guessed; throws naming the file when it is empty. */
async function logSource(options: AdviseOptions): Promise<LogSource> {
  if (options.format) return { file: options.log, format: options.format };
  const line = await firstLine(options.log);
  if (line === undefined) throw new Error(`${options.log}: the log is empty`);
  return { file: options.log, format: sniffFormat(line) };
}

/** Pass 1. Throws naming the file, line and reason when no line of the log is a request. */
async function profileLog(source: LogSource, plan: TrafficPlan, domains: TagDomains, options: AdviseOptions): Promise<Profile> {
  const profile = new Profile(plan);
  await forEachAccess(source, new TrafficClassifier(plan, domains), profile, (read, total) => options.progress?.(1, PASSES, read, total));
  if (profile.lines === 0) throw new Error(`${source.file}: the log has no lines`);
  if (profile.malformedCount === profile.lines) {
    const first = profile.malformedExamples[0]!;
    throw new Error(`${source.file}:${first.line}: ${first.reason}; no line is a request in the ${source.format} format (try --format ${source.format === 'json' ? 'combined' : 'json'})`);
  }
  return profile;
}

/** What the replay passes share: the log, how its lines are classified, the share of keys followed. */
interface ReplayRun {
  source: LogSource;
  plan: TrafficPlan;
  classifier: TrafficClassifier;
  sampleRate: number;
  options: AdviseOptions;
}

/** Pass 2 or 3: every configuration replayed side by side in one read of the log. */
async function replayLog(run: ReplayRun, configs: SimConfig[], pass: number): Promise<SimResult[]> {
  const replay = new Replay(configs, run.sampleRate, run.plan.reads.length);
  await forEachAccess(run.source, run.classifier, replay, (read, total) => run.options.progress?.(pass, PASSES, read, total));
  return replay.results();
}

/** The facts later passes estimate from (see FirstPassFacts). */
function firstPassFacts(plan: TrafficPlan, profile: Profile, domains: TagDomains): FirstPassFacts {
  return {
    domains,
    meanBytes: profile.reads.map((p) => p.bytes.mean() || 0),
    meanOriginSeconds: profile.reads.map((p) => p.originSeconds(p.answered.mean() || 0)),
    overheadSeconds: profile.reads.map((p) => p.overheadSeconds()),
    itemBytes: itemBytes(plan, profile),
  };
}

/** Mean body bytes per tag family, over reads that return one item of it (`product:{id}`). */
function itemBytes(plan: TrafficPlan, profile: Profile): Map<string, number> {
  const sums = new Map<string, { bytes: number; count: number }>();
  for (const read of plan.reads) {
    const bytes = profile.reads[read.index]!.bytes;
    if (bytes.count === 0) continue;
    for (const t of read.tags) {
      if (!t.fromRequest || t.template.parts.every((p) => p.kind === 'literal')) continue;
      const sum = sums.get(t.family) ?? { bytes: 0, count: 0 };
      sum.bytes += bytes.sum;
      sum.count += bytes.count;
      sums.set(t.family, sum);
    }
  }
  return new Map([...sums].map(([family, s]) => [family, s.bytes / s.count]));
}

/** Pass 2's configurations: one per ttl of the ladder, every cacheable read at that ttl, no swr, unbounded. */
function ttlConfigs(plan: TrafficPlan): SimConfig[] {
  return TTL_LADDER.map((ttl) => ({
    maxBytes: Infinity,
    policy: 'lru' as const,
    policies: plan.reads.map((r) => (r.keyer ? { ttl, swr: 0 } : undefined)),
    invalidate: true,
  }));
}

/** Pass 3's configurations: each size of the ladder with both policies, and one without invalidation at the largest size. */
function sizeConfigs(sizes: number[], policies: Array<SimPolicy | undefined>): SimConfig[] {
  const configs: SimConfig[] = [];
  for (const maxBytes of sizes) for (const policy of ['tinylfu', 'lru'] as const) configs.push({ maxBytes, policy, policies, invalidate: true });
  configs.push({ maxBytes: sizes.at(-1)!, policy: 'lru', policies, invalidate: false });
  return configs;
}

function hitRatio(result: SimResult): number {
  let hits = 0;
  let lookups = 0;
  for (const o of result.ops) {
    hits += o.hits;
    lookups += o.lookups;
  }
  return lookups === 0 ? 0 : hits / lookups;
}

/** Everything the report needs from the passes. */
interface Findings {
  source: LogSource;
  plan: TrafficPlan;
  profile: Profile;
  sampleRate: number;
  traffic: ReadTraffic[];
  decisions: Decision[];
  ttlResults: SimResult[];
  sizes: number[];
  sizeResults: SimResult[];
}

function sizeCurve(f: Findings): SizePoint[] {
  return f.sizes.map((maxBytes, i) => ({
    maxBytes,
    tinylfu: Math.round(hitRatio(f.sizeResults[2 * i]!) * 10_000) / 10_000,
    lru: Math.round(hitRatio(f.sizeResults[2 * i + 1]!) * 10_000) / 10_000,
  }));
}

/** What the size replay predicts for one operation at the recommended size (counts scaled back up from the sample). */
function prediction(outcome: OpOutcome, twin: OpOutcome, traffic: ReadTraffic, sampleRate: number): Prediction {
  const hits = outcome.hits / sampleRate;
  return {
    hitRatio: outcome.lookups === 0 ? 0 : Math.round((outcome.hits / outcome.lookups) * 10_000) / 10_000,
    lookups: Math.round(outcome.lookups / sampleRate),
    hits: Math.round(hits),
    originSecondsSaved: Math.round(((hits * traffic.meanOriginMs) / 1000) * 10) / 10,
    staleWithoutInvalidation: Math.round(twin.staleByTags / sampleRate),
    staleByPath: Math.round(outcome.staleByPath / sampleRate),
  };
}

/** The advice for read i: its verdict and traffic, its ttl curve, and its prediction when it is cached. */
function operationAdvice(f: Findings, i: number, atKnee: SimResult, twin: SimResult): OperationAdvice {
  const read = f.plan.reads[i]!;
  const decision = f.decisions[i]!;
  const traffic = f.traffic[i]!;
  const advice: OperationAdvice = {
    operationId: read.op.operationId,
    method: read.op.method.toUpperCase(),
    path: read.op.path,
    verdict: decision.verdict,
    reasons: decision.reasons,
    traffic,
    ttlCurve: read.keyer ? ttlCurve(f.ttlResults.map((r) => r.ops[i]!)) : [],
  };
  if (decision.annotation) advice.annotation = decision.annotation;
  if (decision.policy) {
    advice.policy = { ...decision.policy, scope: read.policy.scope, tags: read.tags.map((t) => t.template.source) };
    advice.prediction = prediction(atKnee.ops[i]!, twin.ops[i]!, traffic, f.sampleRate);
  }
  return advice;
}

function buildReport(ir: IrDocument, f: Findings): AdviceReport {
  const { plan, profile, sampleRate } = f;
  const curve = sizeCurve(f);
  const chosen = knee(curve, 'tinylfu');
  const atKnee = f.sizeResults[2 * f.sizes.indexOf(chosen.maxBytes)]!;
  const twin = f.sizeResults.at(-1)!;
  const operations = plan.reads.map((_, i) => operationAdvice(f, i, atKnee, twin));
  const cached = operations.filter((op) => op.prediction);
  const sum = (value: (op: OperationAdvice) => number) => cached.reduce((total, op) => total + value(op), 0);
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '');
  return {
    log: {
      file: f.source.file,
      format: f.source.format,
      lines: profile.lines,
      malformed: profile.malformedCount,
      malformedExamples: profile.malformedExamples,
      unmatched: profile.unmatched,
      unmatchedTop: profile.unmatchedPaths.top().slice(0, 10).map((t) => ({ request: t.item, count: t.count })),
      outOfOrder: profile.outOfOrder,
      from: iso(profile.firstTime),
      to: iso(profile.lastTime),
      seconds: Math.round(profile.seconds * 10) / 10,
      sampleRate,
    },
    spec: ir.file,
    operations,
    writes: plan.writes.map((w) => ({
      operationId: w.op.operationId,
      method: w.op.method.toUpperCase(),
      path: w.op.path,
      writes: profile.writes[w.index]!.writes,
      writesPerSecond: Math.round((profile.writes[w.index]!.writes / profile.seconds) * 1000) / 1000,
      invalidates: w.invalidates.map((t) => t.template.source),
    })),
    l1: {
      maxBytes: chosen.maxBytes,
      policy: 'tinylfu',
      hitRatio: chosen.tinylfu,
      hitRatioLargest: curve.at(-1)!.tinylfu,
      curve,
      originSecondsSaved: Math.round(sum((op) => op.prediction!.originSecondsSaved) * 10) / 10,
      originSecondsTotal: Math.round(sum((op) => (op.traffic.reads * op.traffic.meanOriginMs) / 1000) * 10) / 10,
      staleWithoutInvalidation: sum((op) => op.prediction!.staleWithoutInvalidation),
    },
  };
}

/** Reads the log (three streamed passes) and returns the advice for the spec's operations. */
export async function advise(options: AdviseOptions): Promise<AdviceReport> {
  const source = await logSource(options);
  const plan = planTraffic(options.ir);
  const domains = new TagDomains();
  const profile = await profileLog(source, plan, domains, options);
  const sampleRate = Math.min(1, (options.maxKeys ?? DEFAULT_MAX_KEYS) / Math.max(1, profile.allKeys.estimate()));

  const run: ReplayRun = { source, plan, classifier: new TrafficClassifier(plan, firstPassFacts(plan, profile, domains)), sampleRate, options };
  const traffic = plan.reads.map((read) => trafficOf(read, profile));
  const ttlResults = await replayLog(run, ttlConfigs(plan), 2);
  const decisions = plan.reads.map((read, i) => decide(read, traffic[i]!, read.keyer ? ttlCurve(ttlResults.map((r) => r.ops[i]!)) : [], profile.seconds));

  const policies = decisions.map((d) => d.policy);
  const workingSet = plan.reads.reduce((sum, read, i) => sum + (policies[i] ? traffic[i]!.distinctKeys * (profile.reads[read.index]!.entryBytes.mean() || 0) : 0), 0);
  const sizes = sizeLadder(workingSet);
  const sizeResults = await replayLog(run, sizeConfigs(sizes, policies), 3);
  return buildReport(options.ir, { source, plan, profile, sampleRate, traffic, decisions, ttlResults, sizes, sizeResults });
}
