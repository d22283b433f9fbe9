/**
 * Growth (`npm run bench:growth`): how costs grow with the work, as curves, not points.
 *
 *  1. lint and generate a synthetic spec (test/codegen/synthetic-spec.ts: cached public and
 *     private reads, uncached reads, invalidating writes) of 100 to 10,000 operations, as YAML:
 *     load + IR, lint, emit (every generated file, in memory), and all of it;
 *  2. invalidateTags with 1 to 1,000 tags per call: L1 only, and L1 + Redis (stamps in Redis,
 *     one bus message), sequential calls, median µs per call.
 * Sizes alternate in rotated order each round; medians. Writes bench/results/growth.json,
 * docs/benchmarks/growth.md and one SVG chart per curve in docs/benchmarks/.
 *
 *   npm run bench:growth                    (ROUNDS=3 by default; REDIS_URL, else a private redis-server)
 *   ONLY=lint | ONLY=invalidate             (one part; writes nothing)
 *   RENDER=1                                (rewrites the page and charts from bench/results/growth.json)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { createCache } from '@cachegen/runtime';
import { emit } from '../generator/emit/index.js';
import { buildIr } from '../generator/ir/build.js';
import { lint } from '../generator/lint/lint.js';
import { loadSpec } from '../generator/load/load-spec.js';
import { syntheticSpec } from '../test/codegen/synthetic-spec.js';
import { startRedisServer } from '../test/support/services.js';
import { machine, markdownTable, writeReport } from './lib/report.js';
import { service, stopServices } from './lib/services.js';
import { logLogChart } from './lib/svg.js';
import { median } from './lib/timing.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ONLY = process.env.ONLY;
const COMMAND = `${ROUNDS !== 3 ? `ROUNDS=${ROUNDS} ` : ''}npm run bench:growth`;
const OPERATIONS = [100, 300, 1000, 3000, 10_000];
const TAG_COUNTS = [1, 10, 100, 1000];
const CALLS = 50;
const root = fileURLToPath(new URL('..', import.meta.url));
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

interface SpecTimes { loadIr: number; lint: number; emit: number; total: number }

async function lintAndGenerate(file: string, operations: number): Promise<SpecTimes> {
  const t0 = performance.now();
  const ir = buildIr(await loadSpec(file));
  const t1 = performance.now();
  const problems = lint(ir).filter((p) => p.severity === 'error');
  const t2 = performance.now();
  const files = await emit(ir);
  const t3 = performance.now();
  if (ir.operations.length !== operations) throw new Error(`expected ${operations} operations, got ${ir.operations.length}`);
  if (problems.length > 0) throw new Error(`${operations} operations: ${problems.length} lint errors, e.g. ${problems[0]!.message}`);
  if (files.length === 0) throw new Error('emit wrote no file');
  return { loadIr: t1 - t0, lint: t2 - t1, emit: t3 - t2, total: t3 - t0 };
}

async function specGrowth() {
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-bench-growth-'));
  try {
    const files = new Map<number, { file: string; lines: number }>();
    for (const n of OPERATIONS) {
      const yaml = stringify(syntheticSpec(n));
      const file = join(dir, `openapi-${n}.yaml`);
      writeFileSync(file, yaml);
      files.set(n, { file, lines: yaml.split('\n').length });
    }
    await lintAndGenerate(files.get(OPERATIONS[0]!)!.file, OPERATIONS[0]!); // warm-up: module loading and JIT
    const samples = new Map<number, SpecTimes[]>(OPERATIONS.map((n) => [n, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < OPERATIONS.length; i++) {
        const n = OPERATIONS[(i + round) % OPERATIONS.length]!;
        const t = await lintAndGenerate(files.get(n)!.file, n);
        samples.get(n)!.push(t);
        console.log(`  round ${round + 1}/${ROUNDS} ${n} operations: load+IR ${t.loadIr.toFixed(0)} ms, lint ${t.lint.toFixed(0)} ms, emit ${t.emit.toFixed(0)} ms (load ${load()})`);
      }
    }
    return OPERATIONS.map((n) => {
      const runs = samples.get(n)!;
      const m = (k: keyof SpecTimes) => median(runs.map((r) => r[k]));
      return { operations: n, yamlLines: files.get(n)!.lines, loadIrMs: m('loadIr'), lintMs: m('lint'), emitMs: m('emit'), totalMs: m('total') };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function invalidateGrowth() {
  const redisUrl = await service('REDIS_URL', () => startRedisServer());
  const quiet = { warn() {}, info() {} };
  const ns = `bench-growth-${process.pid}`;
  const caches = {
    'L1 only': createCache({ namespace: `${ns}-l1`, logger: quiet }),
    'L1 + Redis': createCache({ namespace: `${ns}-l2`, logger: quiet, l2: { redis: redisUrl, commandTimeoutMs: 5000 } }),
  };
  try {
    // Entries under the tags, so L1's tag index has work to do: each tag names 10 entries.
    for (const cache of Object.values(caches)) {
      for (let e = 0; e < 10_000; e++) await cache.set(`e${e}`, { e }, { ttl: 3600, tags: [`t${e % 1000}`] });
    }
    const tagLists = new Map(TAG_COUNTS.map((n) => [n, Array.from({ length: n }, (_, i) => `t${i}`)]));
    const samples = new Map<string, number[]>();
    for (const name of Object.keys(caches)) for (const n of TAG_COUNTS) samples.set(`${name}|${n}`, []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < TAG_COUNTS.length; i++) {
        const n = TAG_COUNTS[(i + round) % TAG_COUNTS.length]!;
        for (const [name, cache] of Object.entries(caches)) {
          const tags = tagLists.get(n)!;
          for (let c = 0; c < CALLS; c++) {
            const t0 = performance.now();
            const confirmed = await cache.invalidateTags(tags);
            samples.get(`${name}|${n}`)!.push((performance.now() - t0) * 1000);
            if (!confirmed) throw new Error(`${name}: invalidateTags(${n} tags) was not confirmed`);
          }
        }
      }
      console.log(`  round ${round + 1}/${ROUNDS} done (load ${load()})`);
    }
    return TAG_COUNTS.map((n) => ({
      tags: n,
      l1OnlyUs: median(samples.get(`L1 only|${n}`)!),
      l1RedisUs: median(samples.get(`L1 + Redis|${n}`)!),
    }));
  } finally {
    await Promise.all(Object.values(caches).map(async (c) => { await c.clear(); await c.close(); }));
    await stopServices();
  }
}

type SpecRow = Awaited<ReturnType<typeof specGrowth>>[number];
type InvalidateRow = Awaited<ReturnType<typeof invalidateGrowth>>[number];
interface Measured { command: string; rounds: number; loadavgBefore: string; loadavgAfter: string; spec: SpecRow[]; invalidateTags: InvalidateRow[] }

async function main(): Promise<void> {
  if (process.env.RENDER) {
    // Rewrites the page and charts from the last run's bench/results/growth.json, measuring nothing.
    report(JSON.parse(readFileSync(join(root, 'bench/results/growth.json'), 'utf8')) as Measured);
    return;
  }
  const loadBefore = load();
  if (ONLY === 'lint') { console.table(await specGrowth()); return; }
  if (ONLY === 'invalidate') { console.table(await invalidateGrowth()); return; }
  if (ONLY) throw new Error(`ONLY=${ONLY}: expected lint or invalidate`);
  const spec = await specGrowth();
  console.table(spec);
  const inv = await invalidateGrowth();
  console.table(inv);
  report({ command: COMMAND, rounds: ROUNDS, loadavgBefore: loadBefore, loadavgAfter: load(), spec, invalidateTags: inv });
}

/** Writes bench/results/growth.json, docs/benchmarks/growth.md and its two charts. */
function report(m: Measured): void {
  const { spec, invalidateTags: inv } = m;
  mkdirSync(join(root, 'docs/benchmarks'), { recursive: true });
  writeFileSync(join(root, 'docs/benchmarks/growth-spec.svg'), logLogChart([
    { name: 'load + IR', points: spec.map((r) => [r.operations, r.loadIrMs]) },
    { name: 'lint', points: spec.map((r) => [r.operations, r.lintMs]) },
    { name: 'emit', points: spec.map((r) => [r.operations, r.emitMs]) },
    { name: 'total (cachegen generate)', points: spec.map((r) => [r.operations, r.totalMs]) },
  ], { title: 'Lint and generate time by spec size', xLabel: 'operations in the spec', yLabel: 'ms (median)' }));
  writeFileSync(join(root, 'docs/benchmarks/growth-invalidate.svg'), logLogChart([
    { name: 'L1 only', points: inv.map((r) => [r.tags, r.l1OnlyUs]) },
    { name: 'L1 + Redis', points: inv.map((r) => [r.tags, r.l1RedisUs]) },
  ], { title: 'invalidateTags by tags per call', xLabel: 'tags per call', yLabel: 'µs per call (median)' }));

  const perOp = (ms: number, n: number) => `${((ms / n) * 1000).toFixed(0)} µs`;
  const specTable = markdownTable(
    ['operations', 'YAML lines', 'load + IR ms', 'lint ms', 'emit ms', 'total ms', 'total per operation'],
    spec.map((r) => [r.operations, r.yamlLines, r.loadIrMs.toFixed(0), r.lintMs.toFixed(0), r.emitMs.toFixed(0), r.totalMs.toFixed(0), perOp(r.totalMs, r.operations)]),
  );
  const invTable = markdownTable(
    ['tags per call', 'L1 only µs', 'L1 only per tag', 'L1 + Redis µs', 'L1 + Redis per tag'],
    inv.map((r) => [r.tags, r.l1OnlyUs.toFixed(1), `${(r.l1OnlyUs / r.tags).toFixed(2)} µs`, r.l1RedisUs.toFixed(1), `${(r.l1RedisUs / r.tags).toFixed(2)} µs`]),
  );
  // The last tenfold step says whether a phase grows linearly (×10) once fixed costs no longer dominate.
  const from = spec.find((r) => r.operations === spec[spec.length - 1]!.operations / 10);
  const to = spec[spec.length - 1]!;
  const step = from
    ? `From ${from.operations} to ${to.operations} operations (10×): load + IR ×${(to.loadIrMs / from.loadIrMs).toFixed(1)}, lint ×${(to.lintMs / from.lintMs).toFixed(1)}, emit ×${(to.emitMs / from.emitMs).toFixed(1)}, total ×${(to.totalMs / from.totalMs).toFixed(1)}; above ×10 a phase grows faster than the spec. Below 1,000 operations emit's fixed cost dominates (${spec[0]!.emitMs.toFixed(0)} ms at ${spec[0]!.operations} operations).`
    : '';
  const invFrom = inv.find((r) => r.tags === 100);
  const invTo = inv.find((r) => r.tags === 1000);
  const cheapest = inv.reduce((a, b) => (b.l1RedisUs / b.tags < a.l1RedisUs / a.tags ? b : a));
  const invStep = invFrom && invTo
    ? `From 100 to 1,000 tags per call (10×): L1 only ×${(invTo.l1OnlyUs / invFrom.l1OnlyUs).toFixed(1)}, L1 + Redis ×${(invTo.l1RedisUs / invFrom.l1RedisUs).toFixed(1)}. With Redis a tag costs least at ${cheapest.tags} tags per call (${(cheapest.l1RedisUs / cheapest.tags).toFixed(2)} µs per tag in this run): a call with few tags pays its round trips (the script, the bus message), so tags invalidated together belong in one call.`
    : '';
  const markdown = [
    '# Growth: lint, generate and invalidateTags',
    '',
    `Reproduce: \`${m.command}\` (${m.rounds} rounds, sizes alternating in rotated order, medians). Load average before: ${m.loadavgBefore}; after: ${m.loadavgAfter} (${machine().cpus} cores, shared with other work: absolute times move by tens of percent between runs).`,
    '',
    '## Lint and generate, 100 to 10,000 operations',
    '',
    'The synthetic spec of the codegen tests (test/codegen/synthetic-spec.ts) as YAML: per resource a cached list (request and response tags), a cached or private read, a create and a delete that invalidate. load + IR is parsing the YAML and building the IR, lint runs every rule, emit renders every generated file in memory (what `cachegen generate` writes).',
    '',
    specTable,
    '',
    step,
    '',
    '![lint and generate time by spec size](growth-spec.svg)',
    '',
    '## invalidateTags, 1 to 1,000 tags per call',
    '',
    `Sequential calls (${CALLS} per size and round), each awaited until confirmed. 10,000 entries were stored first, 10 under each of 1,000 tags; the first call drops its tags' entries from L1, the later ones find none left, so the rows measure the call itself: L1 only, the tag index's bookkeeping; L1 + Redis, also one script per shard stamping every tag with a new epoch, and one bus message to the other instances.`,
    '',
    invTable,
    '',
    invStep,
    '',
    '![invalidateTags time by tags per call](growth-invalidate.svg)',
    '',
  ].join('\n');
  const written = writeReport('growth', { ...m, machine: machine() }, markdown);
  console.log(`wrote ${written.json}, ${written.markdown}, docs/benchmarks/growth-spec.svg and growth-invalidate.svg\nreproduce: ${m.command}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
