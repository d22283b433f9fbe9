/**
 * Turning measurements into advice: per read, cache or not and why, the ttl and swr, and the
 * L1 size at the knee of the hit-ratio curve. The thresholds are documented, with why, in
 * docs/advise.md ("How advise decides").
 */
import type { XCache } from '../schema/x-cache.js';
import { duration } from './report/format.js';
import type { ReadPlan } from './plan.js';
import type { Profile, ReadProfile } from './profile.js';
import type { OpOutcome, SimPolicy } from './replay.js';
import type { ReadTraffic, SizePoint, TtlPoint, Verdict } from './types.js';

/** The ttls replayed, seconds. */
export const TTL_LADDER = [5, 10, 30, 60, 120, 300, 600, 1800, 3600] as const;
/** Largest share of hits that may serve data a write changed, when no tag covers the write. */
export const STALE_BUDGET = 0.01;
/** A suggested ttl is the shortest within this much hit ratio of the best allowed one. */
export const TTL_SLACK = 0.01;
/** Below this hit ratio (at the best ttl, with an L1 that holds everything) caching is not worth it. */
export const MIN_HIT_RATIO = 0.1;
/** Writes per read from which caching does not pay: fewer than 4 reads per write means most entries die before their second read, and every write costs an invalidation. */
export const WRITE_HEAVY = 0.25;
/** Reads per key below which most keys are read once. */
export const ONE_HIT = 1.5;
/** Responses whose median is larger than this belong in a CDN, not in process memory. */
export const TOO_LARGE_BYTES = 1 << 20;
/** Mean miss cost from which swr (serve stale while one refresh runs) is suggested, seconds. */
export const SWR_FROM_SECONDS = 0.02;
/** Longest swr suggested: long enough for one refresh to run, short enough to bound how stale a hit gets. */
export const MAX_SWR = 60;
/** The recommended L1 is the smallest whose hit ratio is within this of the largest one's. */
export const KNEE_SLACK = 0.01;

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Zipf exponent fitted (least squares, log-log) to the counts of the most read keys; NaN with fewer than 3. */
function zipfExponent(counts: number[]): number {
  const points = counts.slice(0, 20).filter((c) => c >= 2).map((c, i) => [Math.log(i + 1), Math.log(c)] as const);
  if (points.length < 3) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? NaN : round(-sxy / sxx, 2);
}

/** What the profile says about one read operation. */
export function trafficOf(read: ReadPlan, profile: Profile): ReadTraffic {
  const p: ReadProfile = profile.reads[read.index]!;
  const seconds = profile.seconds;
  const writes = read.relatedWrites.reduce((n, w) => n + profile.writes[w]!.succeeded, 0);
  const distinctKeys = p.keyed === 0 ? 0 : Math.min(p.keyed, Math.max(1, p.keys.estimate()));
  const counts = p.top.top().map((t) => t.count);
  const top10 = counts.slice(0, 10).reduce((s, c) => s + c, 0);
  const traffic: ReadTraffic = {
    reads: p.reads,
    readsPerSecond: round(p.reads / seconds, 2),
    writes,
    writesPerSecond: round(writes / seconds, 3),
    readsPerWrite: writes === 0 ? Infinity : round(p.reads / writes, 1),
    distinctKeys,
    readsPerKey: distinctKeys === 0 ? 0 : round(p.keyed / distinctKeys, 1),
    callers: p.callers.estimate(),
    top10Share: p.keyed === 0 ? 0 : round(Math.min(1, top10 / p.keyed)),
    zipf: zipfExponent(counts),
    meanBytes: Math.round(p.bytes.mean() || 0),
    p99Bytes: Math.round(p.bytes.quantile(0.99) || 0),
    meanOriginMs: round(p.originSeconds(p.answered.mean() || 0) * 1000, 1),
    p99OriginMs: round(p.originSeconds(p.answered.quantile(0.99) || 0) * 1000, 1),
    cachedInLog: p.cachedInLog,
  };
  if (p.writeToRead.count > 0) {
    traffic.writeToRead = { count: p.writeToRead.count, p50: round(p.writeToRead.quantile(0.5)), p99: round(p.writeToRead.quantile(0.99)) };
  }
  return traffic;
}

/** The hit ratio at each ttl of the ladder, from the ttl replay's outcomes for this operation. */
export function ttlCurve(outcomes: OpOutcome[]): TtlPoint[] {
  return outcomes.map((o, i) => ({
    ttl: TTL_LADDER[i]!,
    hitRatio: o.lookups === 0 ? 0 : round(o.hits / o.lookups, 4),
    staleShare: o.hits === 0 ? 0 : round(o.staleByPath / o.hits, 4),
  }));
}

export interface Decision {
  verdict: Verdict;
  reasons: string[];
  policy?: SimPolicy;
  annotation?: XCache;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Why a read with a poor best hit ratio is not worth caching, most telling cause first. */
function poorReason(read: ReadPlan, traffic: ReadTraffic, best: number): string {
  if (read.policy.scope === 'private' && traffic.readsPerKey < 2) {
    return `private and low-reuse: each caller's entry is read ${traffic.readsPerKey} times on average (best hit ratio ${pct(best)})`;
  }
  if (traffic.readsPerKey < ONE_HIT) {
    return `one-hit keys: ${traffic.distinctKeys} distinct keys in ${traffic.reads} reads (best hit ratio ${pct(best)})`;
  }
  return `low reuse: at best ${pct(best)} hits at any ttl up to ${TTL_LADDER.at(-1)} s`;
}

/** The suggested ttl: the shortest within TTL_SLACK of the best hit ratio among ttls whose stale share fits the budget. */
function chooseTtl(curve: TtlPoint[]): TtlPoint | undefined {
  const allowed = curve.filter((p) => p.staleShare <= STALE_BUDGET);
  if (allowed.length === 0) return undefined;
  const best = Math.max(...allowed.map((p) => p.hitRatio));
  return allowed.find((p) => p.hitRatio >= best - TTL_SLACK);
}

/** swr for a chosen ttl: half of it (at most MAX_SWR) when misses are slow and serving that much longer stays within the stale budget. */
function chooseSwr(ttl: number, curve: TtlPoint[], traffic: ReadTraffic): number {
  if (traffic.meanOriginMs / 1000 < SWR_FROM_SECONDS) return 0;
  const longer = curve.find((p) => p.ttl >= ttl * 1.5);
  if (longer && longer.staleShare > STALE_BUDGET) return 0;
  return Math.min(MAX_SWR, Math.max(1, Math.round(ttl / 2)));
}

/** The verdict for one read operation, given its traffic and its ttl curve. */
export function decide(read: ReadPlan, traffic: ReadTraffic, curve: TtlPoint[], logSeconds: number): Decision {
  if (read.existing) {
    if (read.blocked) return { verdict: 'never-stored', reasons: [read.blocked] };
    return { verdict: 'cached', reasons: ['the spec caches it: replayed with its own x-cache, left as it is'], policy: { ttl: read.policy.ttl, swr: read.policy.swr } };
  }
  const no = (reason: string): Decision => ({ verdict: 'do-not-cache', reasons: [reason] });
  if (read.blocked) return no(`unsafe to cache (${read.blocked})`);
  if (traffic.reads === 0) return no('no requests in the log');
  if (traffic.distinctKeys === 0) {
    return no(read.policy.scope === 'private' ? 'private (keyed by caller) and the log names no caller for it: without an identity a private response is never cached' : 'no read could be keyed');
  }
  if (traffic.meanBytes > TOO_LARGE_BYTES) return no(`too large: responses average ${(traffic.meanBytes / 2 ** 20).toFixed(1)} MiB; an in-process L1 would hold few of them (cache it at a CDN instead)`);
  const chosen = chooseTtl(curve);
  if (!chosen) {
    const first = curve[0]!;
    return no(`write-heavy: even at ttl ${first.ttl} s, ${pct(first.staleShare)} of hits would serve data a write had changed, and no tag invalidates it`);
  }
  if (traffic.writes >= WRITE_HEAVY * traffic.reads) {
    return no(`write-heavy: ${traffic.readsPerWrite.toFixed(1)} reads per write (${traffic.writes} writes to what it reads, ${traffic.reads} reads): entries are dropped before they are read much, and every write costs an invalidation`);
  }
  if (chosen.hitRatio < MIN_HIT_RATIO) return no(poorReason(read, traffic, Math.max(...curve.map((p) => p.hitRatio))));
  const swr = chooseSwr(chosen.ttl, curve, traffic);
  const annotation: XCache = { ttl: chosen.ttl, ...(swr > 0 ? { swr } : {}), ...(read.annotation?.scope ? { scope: read.annotation.scope } : {}), ...(read.annotation?.tags?.length ? { tags: read.annotation.tags } : {}) };
  const reasons = [`${pct(chosen.hitRatio)} of reads hit at ttl ${chosen.ttl} s with an L1 that holds everything (${traffic.readsPerKey} reads per key)`];
  if (chosen.ttl >= logSeconds) reasons.push(`the log covers ${Math.round(logSeconds)} s, so longer ttls cannot be told apart from this one: a longer log may support a longer ttl`);
  if (annotation.scope === 'private') reasons.push('private: it needs authentication, so each caller gets their own entry (auth-without-identity)');
  if (annotation.tags?.length) reasons.push(`tags ${annotation.tags.join(', ')}: the writes that change it invalidate them`);
  if (traffic.writeToRead) reasons.push(`a write is read again after ${duration(traffic.writeToRead.p50)} (median)${annotation.tags?.length ? '; the tags drop the entry then' : '; no tag covers it, so the ttl bounds how stale a hit can be'}`);
  if (swr > 0) reasons.push(`swr ${swr} s: misses cost ${traffic.meanOriginMs} ms on average, so one background refresh is better than a caller waiting`);
  return { verdict: 'cache', reasons, policy: { ttl: chosen.ttl, swr }, annotation };
}

/** The L1 sizes to replay: powers of two from a 1/1024 share of the working set up to twice it (at least 16 KiB). */
export function sizeLadder(workingSetBytes: number): number[] {
  const top = 2 ** Math.ceil(Math.log2(Math.max(workingSetBytes, 64 * 1024))) * 2;
  const sizes: number[] = [];
  for (let size = top; size >= 16 * 1024 && sizes.length < 12; size /= 2) sizes.unshift(size);
  return sizes;
}

/** The knee: the smallest size whose hit ratio is within KNEE_SLACK of the largest size's. */
export function knee(curve: SizePoint[], policy: 'tinylfu' | 'lru'): SizePoint {
  const largest = curve.at(-1)!;
  return curve.find((p) => p[policy] >= largest[policy] - KNEE_SLACK) ?? largest;
}
