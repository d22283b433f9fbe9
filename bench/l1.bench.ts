/**
 * L1 benchmark: (1) hit ratio of our W-TinyLFU and LRU beside lru-cache@11, ARC and Belady's
 * OPT on the access traces in bench/traces and synthetic workloads; (2) get-hit and set-with-eviction speed
 * beside Map (the floor), lru-cache@11 and mnemonist's LRUMap, alternating, medians; (3) growth:
 * get / set ns and metadata bytes per entry from 1k to 10M entries, each contender in a process of
 * its own (bench/lib/l1-scale.ts), alternating, medians.
 *
 * Run: npm run bench:l1            (add --quick to skip OLTP, 8M and 10M entries and use fewer rounds;
 *                                   --hits-only prints the hit-ratio tables alone, writes nothing;
 *                                   --seed=N replays the hit ratios with hash seed N, default 0)
 * Writes bench/results/l1.json, docs/benchmarks/l1.md and docs/benchmarks/l1-growth.svg.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
import { L1Cache } from '@cachegen/runtime';
import { arcHitRatio } from './lib/arc.js';
import { optHitRatio } from './lib/opt.js';
import { l1Subjects, type Subject } from './lib/l1-subjects.js';
import { internKeys, replayHitRatio } from './lib/replay.js';
import { machine, markdownTable, writeReport } from './lib/report.js';
import { logLogChart } from './lib/svg.js';
import { alternate, cpuNs, median, type Contender } from './lib/timing.js';
import { burstTrace, mixTraces, movingWorkingSetTrace, phasedTrace, readTrace, scanMixTrace, zipfTrace, type TraceFormat } from './lib/traces.js';

const quick = process.argv.includes('--quick');
/** --speed-only: time the speed section alone (no report written), for iterating on the hot paths. */
const speedOnly = process.argv.includes('--speed-only');
/** --hits-only: the hit-ratio section alone (no report written), for iterating on the policy; ratios are deterministic. */
const hitsOnly = process.argv.includes('--hits-only');
const command = `npm run bench:l1${quick ? ' -- --quick' : ''}`;

// ---------------------------------------------------------------- hit ratio

interface Reference { lru: number; arc: number; wtlfu: number; hillClimbing: number; opt: number }
interface TraceRow { trace: string; file?: string; format?: TraceFormat; capacity: number; reference?: Reference }

/** Every trace and capacity of bench/traces, with its reference hit ratios (percent). */
const traceRows: TraceRow[] = [
  { trace: 'OLTP', file: 'OLTP.lis.gz', format: 'arc', capacity: 250, reference: { lru: 16.47, arc: 21.23, wtlfu: 22.5, hillClimbing: 24.75, opt: 38.43 } },
  { trace: 'OLTP', file: 'OLTP.lis.gz', format: 'arc', capacity: 1000, reference: { lru: 32.83, arc: 38.95, wtlfu: 35.62, hillClimbing: 40.18, opt: 53.61 } },
  { trace: 'OLTP', file: 'OLTP.lis.gz', format: 'arc', capacity: 2000, reference: { lru: 42.47, arc: 46.08, wtlfu: 42.12, hillClimbing: 46.06, opt: 60.4 } },
  { trace: 'glimpse', file: 'glimpse.trace.gz', format: 'lirs', capacity: 500, reference: { lru: 0.95, arc: 1.38, wtlfu: 33.48, hillClimbing: 33.48, opt: 34.26 } },
  { trace: 'glimpse', file: 'glimpse.trace.gz', format: 'lirs', capacity: 1000, reference: { lru: 11.21, arc: 21.31, wtlfu: 50.76, hillClimbing: 50.76, opt: 53.13 } },
  { trace: 'loop', file: 'loop.trace.gz', format: 'lirs', capacity: 500, reference: { lru: 0, arc: 0, wtlfu: 48.86, hillClimbing: 48.59, opt: 49.36 } },
  { trace: 'multi1', file: 'multi1.trace.gz', format: 'lirs', capacity: 800, reference: { lru: 47.77, arc: 49.63, wtlfu: 63.56, hillClimbing: 63.45, opt: 66.35 } },
  { trace: 'web12', file: 'web12.trace.gz', format: 'int32be', capacity: 100, reference: { lru: 36.22, arc: 37.04, wtlfu: 30.9, hillClimbing: 37.47, opt: 55 } },
  { trace: 'web12', file: 'web12.trace.gz', format: 'int32be', capacity: 500, reference: { lru: 55.78, arc: 58.51, wtlfu: 57.6, hillClimbing: 60.59, opt: 71.81 } },
  { trace: 'web12', file: 'web12.trace.gz', format: 'int32be', capacity: 2000, reference: { lru: 72.56, arc: 74.6, wtlfu: 73.71, hillClimbing: 72.31, opt: 82.34 } },
];

const synthetic: { name: string; make: () => Int32Array; capacities: number[] }[] = [
  { name: 'zipf s=0.8 (100k keys)', make: () => zipfTrace(100_000, 0.8, 500_000, 1), capacities: [1_000, 10_000] },
  { name: 'zipf s=0.99 (100k keys)', make: () => zipfTrace(100_000, 0.99, 500_000, 2), capacities: [1_000, 10_000] },
  { name: 'scan mix (zipf 0.9 over 10k + 1k-key scans)', make: () => scanMixTrace(10_000, 300_000, 2_000, 1_000, 3), capacities: [1_000] },
  // Recency-biased: where LRU beats a frequency filter unless the window grows far and fast.
  { name: 'moving working set (1k keys wide, 1 new key per 20 requests)', make: () => movingWorkingSetTrace(1_000, 0.05, 300_000, 11), capacities: [500, 1_000] },
  { name: 'moving working set (5k keys wide, 1 new key per 5 requests)', make: () => movingWorkingSetTrace(5_000, 0.2, 300_000, 12), capacities: [2_000, 5_000] },
  { name: 'bursts: new keys read 3x, 20-40 requests apart', make: () => burstTrace(3, 20, 40, 0, 1_000, 300_000, 13), capacities: [200] },
  { name: 'bursts: new keys read 3x, 50-400 apart, 50% zipf 0.9 over 5k', make: () => burstTrace(3, 50, 400, 0.5, 5_000, 300_000, 14), capacities: [500, 2_000] },
  { name: 'bursts: new keys read 5x, 100-1000 apart, 30% zipf 0.9 over 10k', make: () => burstTrace(5, 100, 1_000, 0.3, 10_000, 300_000, 15), capacities: [1_000, 4_000] },
  // Added with #15's window-adaptation work, so its tuning is not fitted to the rows above alone:
  // a recency-biased mix, a frequency-biased one, and a workload whose bias flips.
  { name: '70% a moving working set (4k keys wide, 1 new key per 8 of its reads), 30% zipf 0.9 over 2k', make: () => mixTraces(zipfTrace(2_000, 0.9, 300_000, 21), movingWorkingSetTrace(4_000, 0.125, 300_000, 22), 0.3, 1_000_000, 23), capacities: [1_500, 3_000] },
  { name: 'zipf 0.9 over 20k + 40% one-hit keys', make: () => mixTraces(zipfTrace(20_000, 0.9, 300_000, 24), Int32Array.from({ length: 300_000 }, (_, i) => i), 0.6, 1_000_000, 25), capacities: [1_000, 4_000] },
  { name: 'phases of 50k requests: zipf 0.9 over 5k, then a moving working set (3k wide, 1 new key per 10)', make: () => phasedTrace(zipfTrace(5_000, 0.9, 300_000, 26), movingWorkingSetTrace(3_000, 0.1, 300_000, 27), 50_000, 1_000_000), capacities: [2_000] },
];

interface HitRow {
  trace: string; capacity: number; requests: number;
  tinylfu: number; lru: number; lruCache: number; arc: number; opt: number;
  reference?: Reference;
  /** Targets: within 1 point of max(LRU, ARC) or above, and at or above the hill-climbing reference. */
  meetsArcLru?: boolean; meetsHillClimbing?: boolean;
}

const pct = (x: number): number => Math.round(x * 10_000) / 100;
/** The L1's hash seed for the hit-ratio section (--seed=N, default 0): caches seed their hash at random per process. */
const HIT_RATIO_SEED = Number(process.argv.find((a) => a.startsWith('--seed='))?.slice('--seed='.length) ?? 0);

function measureHitRatios(name: string, trace: Int32Array, capacity: number, reference?: Reference): HitRow {
  const keys = internKeys(trace);
  const row: HitRow = {
    trace: name, capacity, requests: trace.length,
    // A fixed hash seed, so that a run replays exactly (caches seed their hash at random per process).
    tinylfu: pct(replayHitRatio(new L1Cache({ maxEntries: capacity }, undefined, HIT_RATIO_SEED), keys)),
    lru: pct(replayHitRatio(new L1Cache({ maxEntries: capacity, policy: 'lru' }, undefined, HIT_RATIO_SEED), keys)),
    lruCache: pct(replayHitRatio(new LRUCache<string, true>({ max: capacity }), keys)),
    arc: pct(arcHitRatio(trace, capacity)),
    opt: pct(optHitRatio(trace, capacity)),
  };
  if (reference) {
    row.reference = reference;
    row.meetsArcLru = row.tinylfu >= Math.max(row.lru, row.arc, reference.lru, reference.arc) - 1;
    row.meetsHillClimbing = row.tinylfu >= reference.hillClimbing;
  } else {
    row.meetsArcLru = row.tinylfu >= Math.max(row.lru, row.arc) - 1;
  }
  console.log(`${name} @ ${capacity}: tinylfu ${row.tinylfu} lru ${row.lru} lru-cache ${row.lruCache} arc ${row.arc} opt ${row.opt}`);
  return row;
}

function hitRatioSection(): HitRow[] {
  const rows: HitRow[] = [];
  const cache = new Map<string, Int32Array>();
  for (const r of traceRows) {
    if (quick && r.trace === 'OLTP') continue;
    let trace = cache.get(r.file!);
    if (!trace) cache.set(r.file!, (trace = readTrace(r.file!, r.format!)));
    rows.push(measureHitRatios(r.trace, trace, r.capacity, r.reference));
  }
  for (const s of synthetic) {
    const trace = s.make();
    for (const capacity of s.capacities) rows.push(measureHitRatios(s.name, trace, capacity));
  }
  return rows;
}

// ---------------------------------------------------------------- speed

const KEYS = 100_000;
const keyNames = Array.from({ length: KEYS }, (_, i) => `GET /api/v1/products/${i}?lang=en`);
const OPS = 1_000_000;

/** A shuffled, repeated index order, so reads do not walk memory in insertion order. */
const order = (() => {
  const out = new Int32Array(OPS);
  let x = 12345;
  for (let i = 0; i < OPS; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x % KEYS;
  }
  return out;
})();

interface SpeedRow {
  implementation: string; getHitNs: number; getBuiltKeyNs: number; setEvictNs: number;
  getHitRuns: number[]; getBuiltKeyRuns: number[]; setEvictRuns: number[];
}

/**
 * get-hit: every key fits; each read must return the value stored (a wrong answer disqualifies).
 * builtKeys: each read builds its key anew, as a server does: a new string whose hash no one
 * has computed yet (a Map caches a string's hash in the string, so reusing one key object makes
 * every later Map lookup skip hashing; a server never reads with the same key object twice).
 */
function getHitContenders(builtKeys: boolean): Contender[] {
  return Object.entries(l1Subjects).map(([name, make]) => {
    let s: Subject;
    return {
      name,
      prepare: () => {
        s = make(KEYS);
        for (let i = 0; i < KEYS; i++) s.set(keyNames[i]!, i);
      },
      run: () => {
        let sum = 0;
        if (builtKeys) for (let i = 0; i < OPS; i++) sum += s.get(`GET /api/v1/products/${order[i]!}?lang=en`)!;
        else for (let i = 0; i < OPS; i++) sum += s.get(keyNames[order[i]!]!)!;
        let expected = 0;
        for (let i = 0; i < OPS; i++) expected += order[i]!;
        if (sum !== expected) throw new Error(`${name} answered a get-hit wrongly: disqualified`);
        return OPS;
      },
    };
  });
}

function speedSection(rounds: number): SpeedRow[] {
  const getContenders = getHitContenders(false);
  const builtKeyContenders = getHitContenders(true);
  // set-with-eviction: 10k entries, keys cycle over 100k so nearly every set evicts one entry.
  const capacity = 10_000;
  const setContenders: Contender[] = Object.entries(l1Subjects).map(([name, make]) => {
    let s: Subject;
    return {
      name,
      prepare: () => {
        s = make(capacity);
        for (let i = 0; i < capacity; i++) s.set(keyNames[KEYS - 1 - i]!, i);
      },
      run: () => {
        for (let i = 0; i < OPS; i++) s.set(keyNames[order[i]!]!, i);
        if (s.size() > capacity) throw new Error(`${name} holds ${s.size()} entries over its bound of ${capacity}: disqualified`);
        return OPS;
      },
    };
  });
  // The get run above includes the verification loop; time it separately so it can be subtracted.
  const verifyNs = median(alternate([{
    name: 'verify', prepare: () => {}, run: () => {
      let expected = 0;
      for (let i = 0; i < OPS; i++) expected += order[i]!;
      if (expected < 0) throw new Error('unreachable');
      return OPS;
    },
  }], rounds, cpuNs).get('verify')!);
  // Building the keys costs the same for every contender: time it alone and subtract it too.
  const buildNs = median(alternate([{
    name: 'build', prepare: () => {}, run: () => {
      let length = 0;
      for (let i = 0; i < OPS; i++) length += `GET /api/v1/products/${order[i]!}?lang=en`.length;
      if (length < 0) throw new Error('unreachable');
      return OPS;
    },
  }], rounds, cpuNs).get('build')!);
  const gets = alternate(getContenders, rounds, cpuNs);
  const builtGets = alternate(builtKeyContenders, rounds, cpuNs);
  const sets = alternate(setContenders, rounds, cpuNs);
  return Object.keys(l1Subjects).map((name) => {
    const getHitRuns = gets.get(name)!.map((ns) => ns - verifyNs);
    const getBuiltKeyRuns = builtGets.get(name)!.map((ns) => ns - verifyNs - buildNs);
    const setEvictRuns = sets.get(name)!;
    return {
      implementation: name,
      getHitNs: round1(median(getHitRuns)), getBuiltKeyNs: round1(median(getBuiltKeyRuns)), setEvictNs: round1(median(setEvictRuns)),
      getHitRuns: getHitRuns.map(round1), getBuiltKeyRuns: getBuiltKeyRuns.map(round1), setEvictRuns: setEvictRuns.map(round1),
    };
  });
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

// ---------------------------------------------------------------- growth and memory

const scaleScript = fileURLToPath(new URL('./lib/l1-scale.ts', import.meta.url));
const scaleContenders = ['Map (FIFO)', 'lru-cache@11', 'cachegen tinylfu'];
// At 10M the Map-based contenders fail: a V8 Map throws past 2^23 live entries under churn (docs/l1.md).
const growthSizes = quick ? [1_000, 10_000, 100_000, 1_000_000] : [1_000, 10_000, 100_000, 1_000_000, 8_000_000, 10_000_000];

interface GrowthRow { implementation: string; entries: number; rounds: number; bytesPerEntry: number; getNs: number; setNs: number; failed?: string }

/** One child process: one contender filled to `entries` (see bench/lib/l1-scale.ts). */
function scaleRun(implementation: string, entries: number): { bytesPerEntry: number; getNs: number; setNs: number } {
  // 8M entries with 16M prebuilt keys need more than the default heap.
  const heap = entries > 2_000_000 ? ['--max-old-space-size=12288'] : [];
  const out = execFileSync(process.execPath, [...heap, '--expose-gc', '--import', 'tsx', '--conditions=@cachegen/source', scaleScript, implementation, String(entries)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { bytesPerEntry: number; getNs: number; setNs: number };
}

const growthSkipped: number[] = [];

function growthSection(rounds: number): GrowthRow[] {
  const rows: GrowthRow[] = [];
  for (const entries of growthSizes) {
    const n = entries >= 8_000_000 ? 1 : rounds;
    const runs = new Map<string, { bytesPerEntry: number; getNs: number; setNs: number }[]>(scaleContenders.map((c) => [c, []]));
    const failures = new Map<string, string>();
    for (let round = 0; round < n; round++) {
      for (let i = 0; i < scaleContenders.length; i++) {
        const name = scaleContenders[(round + i) % scaleContenders.length]!;
        if (failures.has(name)) continue;
        try {
          runs.get(name)!.push(scaleRun(name, entries));
        } catch (error) {
          // A contender that cannot hold this many entries (or the machine that cannot): say which and why.
          const text = String((error as { stderr?: string }).stderr ?? error);
          const reason = /Map maximum size exceeded/.test(text) ? 'RangeError: Map maximum size exceeded' : /heap out of memory/i.test(text) ? 'out of memory' : text.split('\n')[0]!.slice(0, 120);
          console.log(`growth ${name} @ ${entries}: failed (${reason})`);
          failures.set(name, reason);
        }
      }
    }
    if (failures.size === scaleContenders.length) {
      growthSkipped.push(entries);
      continue;
    }
    for (const [implementation, failed] of failures) rows.push({ implementation, entries, rounds: n, bytesPerEntry: NaN, getNs: NaN, setNs: NaN, failed });
    for (const [implementation, r] of runs) {
      if (failures.has(implementation)) continue;
      const row = {
        implementation, entries, rounds: n,
        bytesPerEntry: round1(median(r.map((x) => x.bytesPerEntry))),
        getNs: round1(median(r.map((x) => x.getNs))),
        setNs: round1(median(r.map((x) => x.setNs))),
      };
      console.log(`growth ${implementation} @ ${entries}: ${row.bytesPerEntry} B/entry, get ${row.getNs} ns, set ${row.setNs} ns`);
      rows.push(row);
    }
  }
  return rows;
}

const entriesLabel = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

/** Three log-log charts side by side in one SVG: get ns, set ns, bytes per entry against entries. */
function growthChart(rows: GrowthRow[]): string {
  const series = (field: 'getNs' | 'setNs' | 'bytesPerEntry') => scaleContenders.map((name) => ({
    name, points: rows.filter((r) => r.implementation === name && !r.failed).map((r) => [r.entries, r[field]] as const),
  }));
  const charts = [
    logLogChart(series('getNs'), { title: 'L1 get (hit)', xLabel: 'entries', yLabel: 'ns per op (CPU)' }),
    logLogChart(series('setNs'), { title: 'L1 set (with eviction)', xLabel: 'entries', yLabel: 'ns per op (CPU)' }),
    logLogChart(series('bytesPerEntry'), { title: 'L1 metadata per entry', xLabel: 'entries', yLabel: 'bytes' }),
  ];
  const width = Number(/width="(\d+)"/.exec(charts[0]!)![1]);
  const height = Number(/height="(\d+)"/.exec(charts[0]!)![1]);
  const inner = charts.map((svg, i) => svg.replace('<svg ', `<svg x="${i * width}" `)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * width}" height="${height}" viewBox="0 0 ${3 * width} ${height}">\n${inner}</svg>\n`;
}

/** The two hit-ratio tables (traces with their references, synthetic workloads), as markdown lines. */
function hitTables(hit: HitRow[]): string[] {
  const yes = (b: boolean | undefined): string => (b === undefined ? '' : b ? 'yes' : 'no');
  const traces = hit.filter((r) => r.reference);
  const synth = hit.filter((r) => !r.reference);
  return [
    '## Hit ratio (%) on the access traces (bench/traces)',
    '',
    '`ref` columns are reference simulations of the classic policies (bench/traces/README.md); the others were measured in this run.',
    '',
    markdownTable(
      ['trace @ capacity', 'cachegen tinylfu', 'cachegen lru', 'lru-cache@11', 'ARC', 'OPT', 'ref W-TinyLFU 1%', 'ref W-TinyLFU + HC', 'target: >= max(LRU, ARC) - 1', 'target: >= ref HC'],
      traces.map((r) => [`${r.trace} @ ${r.capacity}`, `**${r.tinylfu}**`, r.lru, r.lruCache, r.arc, r.opt, r.reference!.wtlfu, r.reference!.hillClimbing, yes(r.meetsArcLru), `${yes(r.meetsHillClimbing)} (${(r.tinylfu - r.reference!.hillClimbing).toFixed(2)})`]),
    ),
    '',
    '## Hit ratio (%) on synthetic workloads',
    '',
    markdownTable(
      ['workload @ capacity', 'requests', 'cachegen tinylfu', 'cachegen lru', 'lru-cache@11', 'ARC', 'OPT', 'target: >= max(LRU, ARC) - 1'],
      synth.map((r) => [`${r.trace} @ ${r.capacity}`, r.requests, `**${r.tinylfu}**`, r.lru, r.lruCache, r.arc, r.opt, `${yes(r.meetsArcLru)} (${(r.tinylfu - Math.max(r.lru, r.arc)).toFixed(2)})`]),
    ),
    '',
    `Synthetic workloads are seeded (bench/lib/traces.ts), so every run replays the same requests; the L1's hash seed is fixed too (${HIT_RATIO_SEED}; \`--seed=N\` for another). ` +
      'A cache seeds its hash at random per process, and the seed moves single rows by a few tenths of a point (docs/l1.md, "Measured", has the spread over seeds).',
    '',
  ];
}

function render(hit: HitRow[], speed: SpeedRow[], growth: GrowthRow[], seconds: number, load: string): string {
  const lruCache = speed.find((s) => s.implementation === 'lru-cache@11')!;
  const ours = speed.find((s) => s.implementation === 'cachegen tinylfu')!;
  return [
    '# L1 benchmark',
    '',
    `Reproduce: \`${command}\` (${seconds.toFixed(0)} s on ${machine().cpu}, ${machine().cpus} cores, Node ${process.version}; the machine was shared with other work, load average ${load}, so speed numbers are noisy; times are CPU time of the benchmark process).`,
    '',
    ...hitTables(hit),
    '## Speed (ns/op, median of rounds; 100k keys like `GET /api/v1/products/123?lang=en`)',
    '',
    'get-hit: all 100k keys cached, 1M reads in a shuffled order, each read with the key string that was stored (the same object). ' +
      'get-hit, key built per request: the same reads, each key built anew (`GET /api/v1/products/${id}?lang=en`), as a server builds it from the request; the time to build it is subtracted. ' +
      'set-with-eviction: 10k-entry cache, 1M sets over the 100k keys (almost every set evicts).',
    '',
    'A V8 Map stores a string\'s hash in the string, so a lookup with a string already hashed skips hashing; cachegen hashes the key itself on every call (its seeded hash feeds its own index and the frequency sketch). ' +
      'The first column is therefore the best case for the Map-based caches; the second is what a server sees.',
    '',
    markdownTable(
      ['implementation', 'get-hit ns/op (same key object)', 'get-hit ns/op (key built per request)', 'set-with-eviction ns/op'],
      speed.map((s) => [s.implementation, s.getHitNs, s.getBuiltKeyNs, s.setEvictNs]),
    ),
    '',
    `Targets: get-hit <= lru-cache: **${ours.getHitNs <= lruCache.getHitNs ? 'met' : 'missed'}** with the same key object (${ours.getHitNs} vs ${lruCache.getHitNs}, ${ratio(ours.getHitNs, lruCache.getHitNs)}), ` +
      `**${ours.getBuiltKeyNs <= lruCache.getBuiltKeyNs ? 'met' : 'missed'}** with keys built per request (${ours.getBuiltKeyNs} vs ${lruCache.getBuiltKeyNs}, ${ratio(ours.getBuiltKeyNs, lruCache.getBuiltKeyNs)}); ` +
      `set-with-eviction <= lru-cache: **${ours.setEvictNs <= lruCache.setEvictNs ? 'met' : 'missed'}** (${ours.setEvictNs} vs ${lruCache.setEvictNs}, ${ratio(ours.setEvictNs, lruCache.setEvictNs)}).`,
    '',
    '## Growth: time and memory from 1k to 10M entries',
    '',
    'Each contender in a process of its own per size (bench/lib/l1-scale.ts), alternating, medians' +
      ` (${growth.find((r) => r.entries >= 8_000_000) ? 'one round at 8M and 10M entries; at 10M the Map-based contenders fail: a V8 Map throws past 2^23 live entries under churn' : `not measured at ${growthSkipped.map(entriesLabel).join(', ') || '8M and 10M (--quick)'}`}). ` +
      'get: a hit, 1M (or, above 1M entries, one per entry) reads in a shuffled order. set: a key never seen into the full cache (each evicts one entry). ' +
      'bytes/entry: heap + array buffers the filled cache added (after GC), over its entries; keys and values excluded (built beforehand; values are small integers).',
    '',
    '![L1 get and set time and metadata bytes per entry against entries](l1-growth.svg)',
    '',
    markdownTable(
      ['entries', ...scaleContenders.flatMap((c) => [`${c} get ns`, `${c} set ns`, `${c} B/entry`])],
      growthSizes.filter((n) => growth.some((r) => r.entries === n)).map((n) => [
        entriesLabel(n),
        ...scaleContenders.flatMap((c): (string | number)[] => {
          const r = growth.find((x) => x.entries === n && x.implementation === c)!;
          return r.failed ? [`fails: ${r.failed}`, '', ''] : [r.getNs, r.setNs, r.bytesPerEntry];
        }),
      ]),
    ),
    '',
    memoryTarget(growth),
    '',
  ].join('\n');
}

const ratio = (ours: number, theirs: number): string => `${(ours / theirs).toFixed(2)}x`;

function memoryTarget(growth: GrowthRow[]): string {
  const at = (c: string): GrowthRow | undefined => growth.find((r) => r.entries === 1_000_000 && r.implementation === c);
  const ours = at('cachegen tinylfu');
  const theirs = at('lru-cache@11');
  if (!ours || !theirs) return '';
  return `Target: metadata bytes per entry at 1M entries <= lru-cache: **${ours.bytesPerEntry <= theirs.bytesPerEntry ? 'met' : 'missed'}** (${ours.bytesPerEntry} vs ${theirs.bytesPerEntry}, ${ratio(ours.bytesPerEntry, theirs.bytesPerEntry)}).`;
}

const load = (): string => (os.loadavg() as number[]).map((x) => x.toFixed(1)).join(' ');

if (hitsOnly) {
  console.log(hitTables(hitRatioSection()).join('\n'));
  process.exit(0);
}
const started = performance.now();
const rounds = quick ? 3 : 7;
const loadBefore = load();
const speed = speedSection(rounds);
console.table(speed.map(({ implementation, getHitNs, getBuiltKeyNs, setEvictNs }) => ({ implementation, getHitNs, getBuiltKeyNs, setEvictNs })));
if (speedOnly) process.exit(0);
const growth = growthSection(quick ? 1 : 3);
const hit = hitRatioSection();
const seconds = (performance.now() - started) / 1000;
const loads = `${loadBefore} at the start, ${load()} at the end`;
const markdown = render(hit, speed, growth, seconds, loads);
writeFileSync(fileURLToPath(new URL('../docs/benchmarks/l1-growth.svg', import.meta.url)), growthChart(growth));
const written = writeReport('l1', { command, machine: machine(), load: loads, clock: 'process CPU time', rounds, hitRatio: hit, speed, growth }, markdown);
console.log(markdown);
console.log(`wrote ${written.json} and ${written.markdown}\nreproduce: ${command}`);
