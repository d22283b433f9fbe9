/**
 * Generation benchmark: `cachegen generate` on a 1,000-operation spec against openapi-typescript
 * alone on the same file (target: at most 1.5×; cachegen runs openapi-typescript for types.ts, so
 * the ratio is what everything else costs on top of it).
 *
 * Side by side, alternating, ROUNDS rounds after one warm-up of each:
 *   - openapi-typescript: read and parse the file, types, printed to text (`openapiTS` + `astToString`);
 *   - cachegen generate: load → IR → lint → every generated file (types.ts, operations.ts,
 *     server.ts, client.ts, index.ts), in memory, as `cachegen generate` does before writing.
 * Each cachegen run is checked (all operations, no lint error, five files).
 *
 *   npm run bench:codegen                   (ROUNDS=7 OPERATIONS=1000 by default)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import openapiTS, { astToString } from 'openapi-typescript';
import { emit } from '../generator/emit/index.js';
import { buildIr } from '../generator/ir/build.js';
import { hasErrors, lint } from '../generator/lint/lint.js';
import { loadSpec } from '../generator/load/load-spec.js';
import { syntheticSpec } from '../test/codegen/synthetic-spec.js';
import { median } from './lib/timing.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const OPERATIONS = Number(process.env.OPERATIONS ?? 1000);
const TARGET_RATIO = 1.5;

async function runOpenapiTs(file: string): Promise<number> {
  const t0 = performance.now();
  const text = astToString(await openapiTS(pathToFileURL(file), { silent: true }));
  const ms = performance.now() - t0;
  if (!text.includes('export interface operations')) throw new Error('openapi-typescript printed no operations');
  return ms;
}

async function runCachegen(file: string): Promise<number> {
  const t0 = performance.now();
  const ir = buildIr(await loadSpec(file));
  if (hasErrors(lint(ir))) throw new Error('the spec has lint errors');
  const files = await emit(ir);
  const ms = performance.now() - t0;
  if (ir.operations.length !== OPERATIONS || files.length !== 5) throw new Error(`expected ${OPERATIONS} operations and 5 files, got ${ir.operations.length} and ${files.length}`);
  return ms;
}

const dir = mkdtempSync(join(tmpdir(), 'cachegen-bench-codegen-'));
try {
  const file = join(dir, 'openapi.json');
  const json = JSON.stringify(syntheticSpec(OPERATIONS), null, 2);
  writeFileSync(file, json);
  await runOpenapiTs(file);
  await runCachegen(file);
  const samples = { openapiTs: [] as number[], cachegen: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first, so drift in the machine's load reaches both alike.
    if (round % 2 === 0) { samples.openapiTs.push(await runOpenapiTs(file)); samples.cachegen.push(await runCachegen(file)); }
    else { samples.cachegen.push(await runCachegen(file)); samples.openapiTs.push(await runOpenapiTs(file)); }
  }
  const summary = (runs: number[]) => ({ median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs });
  const ots = summary(samples.openapiTs);
  const gen = summary(samples.cachegen);
  const ratio = gen.median / ots.median;
  const command = `ROUNDS=${ROUNDS} OPERATIONS=${OPERATIONS} npm run bench:codegen`;
  const fmt = (n: number) => n.toFixed(0);
  const table = [
    '| contender | median ms | min | max |',
    '|---|---:|---:|---:|',
    `| openapi-typescript alone (types only) | ${fmt(ots.median)} | ${fmt(ots.min)} | ${fmt(ots.max)} |`,
    `| cachegen generate (load, IR, lint, five files) | ${fmt(gen.median)} | ${fmt(gen.min)} | ${fmt(gen.max)} |`,
  ].join('\n');
  const verdict = ratio <= TARGET_RATIO ? `meets the ≤ ${TARGET_RATIO}× target` : `MISSES the ≤ ${TARGET_RATIO}× target`;
  const lines = json.split('\n').length;
  console.log(`spec: ${OPERATIONS} operations, ${lines} lines of JSON; ${ROUNDS} rounds\n\n${table}\n\ncachegen / openapi-typescript = ${ratio.toFixed(2)}×: ${verdict}\nreproduce: ${command}`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/codegen.json',
    JSON.stringify({ command, operations: OPERATIONS, rounds: ROUNDS, jsonLines: lines, cpus: cpus().length, loadavg: loadavg(), targetRatio: TARGET_RATIO, openapiTypescript: ots, cachegen: gen, ratio, date: new Date().toISOString() }, null, 2) + '\n',
  );
  mkdirSync('docs/benchmarks', { recursive: true });
  writeFileSync(
    'docs/benchmarks/codegen.md',
    `# Codegen: 1,000 operations\n\n\`cachegen generate\` (load, IR, lint, and every generated file in memory) against openapi-typescript alone (read, types, printed) on the same ${OPERATIONS}-operation spec (${lines} lines of JSON: \`syntheticSpec\` of test/codegen, cached reads with path, query and response tags, private reads, invalidating writes). Target: cachegen at most ${TARGET_RATIO}× openapi-typescript, which it runs itself for types.ts. Medians of ${ROUNDS} alternating rounds after one warm-up of each.\n\n${table}\n\ncachegen / openapi-typescript = ${ratio.toFixed(2)}×: ${verdict}.\n\nMachine: ${cpus().length} CPUs shared with other work (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} at the end of the run).\n\nReproduce: \`${command}\`\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
