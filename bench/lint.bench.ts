/**
 * Lint benchmark: load + IR + lint of a generated 1,000-operation spec (target < 2 s).
 *
 * The spec has 500 resources, each with a cached GET (tags from path and response fields, a
 * $ref'd schema with nested objects and arrays) and a PUT that invalidates them: 1,000
 * operations, about 30,000 lines of YAML. Measured side by side, alternating, ROUNDS rounds:
 *   - cachegen-yaml: loadSpec (parse; single file, so no bundling) → buildIr → lint, YAML;
 *   - cachegen-json: the same spec as JSON;
 *   - redocly-recommended: openapi-core's own `lint` with its recommended ruleset on the same
 *     YAML, as a reference for what a spec linter costs on this file.
 * Each run is checked (1,000 operations, zero problems) before it counts.
 *
 *   npm run bench:lint                      (ROUNDS=7 OPERATIONS=1000 by default)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConfig, lint as redoclyLint } from '@redocly/openapi-core';
import { stringify } from 'yaml';
import { buildIr } from '../generator/ir/build.js';
import { lint } from '../generator/lint/lint.js';
import { loadSpec } from '../generator/load/load-spec.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const OPERATIONS = Number(process.env.OPERATIONS ?? 1000);
const TARGET_MS = 2000;

/** A realistic, lint-clean spec with `operations` operations (half cached reads, half writes). */
function generateSpec(operations: number): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < operations / 2; i++) {
    const name = `Resource${i}`;
    schemas[name] = {
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        price: { type: 'number' },
        owner: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' } } },
        items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, quantity: { type: 'integer' } } } },
      },
    };
    paths[`/resources${i}/{id}`] = {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: `getResource${i}`,
        parameters: [
          { name: 'expand', in: 'query', schema: { type: 'string' } },
          { name: 'lang', in: 'query', schema: { type: 'string' } },
        ],
        'x-cache': { ttl: 600, swr: 60, vary: ['Accept-Language'], tags: [`r${i}:{id}`, `item:{response.items[].id}`, `owner:{response.owner.id}`] },
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } },
          '404': { description: 'not found' },
        },
      },
      put: {
        operationId: `putResource${i}`,
        requestBody: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } },
        'x-cache-invalidates': [`r${i}:{id}`, `owner:{body.owner.id}`],
        responses: { '204': { description: 'updated' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Generated', version: '1.0.0', description: 'Benchmark spec' },
    servers: [{ url: 'https://api.example.com' }],
    paths,
    components: { schemas },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Phases {
  load: number;
  ir: number;
  lint: number;
  total: number;
}

async function runCachegen(file: string): Promise<Phases> {
  const t0 = performance.now();
  const spec = await loadSpec(file);
  const t1 = performance.now();
  const ir = buildIr(spec);
  const t2 = performance.now();
  const problems = lint(ir);
  const t3 = performance.now();
  if (ir.operations.length !== OPERATIONS) throw new Error(`expected ${OPERATIONS} operations, got ${ir.operations.length}`);
  if (problems.length !== 0) throw new Error(`expected no problems, got ${problems.length}: ${problems[0]?.message}`);
  return { load: t1 - t0, ir: t2 - t1, lint: t3 - t2, total: t3 - t0 };
}

async function runRedocly(file: string, config: Awaited<ReturnType<typeof createConfig>>): Promise<number> {
  const t0 = performance.now();
  const problems = await redoclyLint({ ref: file, config });
  const total = performance.now() - t0;
  if (!Array.isArray(problems)) throw new Error('redocly lint returned no problem list');
  return total;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-bench-lint-'));
  try {
    const spec = generateSpec(OPERATIONS);
    const yamlFile = join(dir, 'openapi.yaml');
    const jsonFile = join(dir, 'openapi.json');
    const yamlText = stringify(spec);
    writeFileSync(yamlFile, yamlText);
    writeFileSync(jsonFile, JSON.stringify(spec, null, 2));
    const redoclyConfig = await createConfig({ extends: ['recommended'] });
    console.log(`spec: ${OPERATIONS} operations, ${yamlText.split('\n').length} lines of YAML (${(yamlText.length / 1024).toFixed(0)} KiB); ${ROUNDS} rounds; cpus ${cpus().length}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    // One warm-up of each so module loading and JIT are not timed.
    await runCachegen(yamlFile);
    await runCachegen(jsonFile);
    await runRedocly(yamlFile, redoclyConfig);

    const yaml: Phases[] = [];
    const json: Phases[] = [];
    const redocly: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so drift in machine load spreads over all variants.
      const order = round % 2 === 0 ? ['yaml', 'json', 'redocly'] : ['redocly', 'json', 'yaml'];
      for (const variant of order) {
        if (variant === 'yaml') yaml.push(await runCachegen(yamlFile));
        else if (variant === 'json') json.push(await runCachegen(jsonFile));
        else redocly.push(await runRedocly(yamlFile, redoclyConfig));
      }
    }

    const summarize = (runs: Phases[]) => ({
      load: median(runs.map((r) => r.load)),
      ir: median(runs.map((r) => r.ir)),
      lint: median(runs.map((r) => r.lint)),
      total: median(runs.map((r) => r.total)),
      min: Math.min(...runs.map((r) => r.total)),
      max: Math.max(...runs.map((r) => r.total)),
    });
    const y = summarize(yaml);
    const j = summarize(json);
    const r = { total: median(redocly), min: Math.min(...redocly), max: Math.max(...redocly) };
    const command = `ROUNDS=${ROUNDS} OPERATIONS=${OPERATIONS} npm run bench:lint`;
    const rows = [
      ['cachegen-yaml (load+IR+lint)', y.load, y.ir, y.lint, y.total, y.min, y.max],
      ['cachegen-json (load+IR+lint)', j.load, j.ir, j.lint, j.total, j.min, j.max],
      ['redocly lint, recommended (reference)', NaN, NaN, NaN, r.total, r.min, r.max],
    ] as const;
    const fmt = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(0));
    const table = [
      '| variant | load ms | IR ms | lint ms | total ms (median) | min | max |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map(([name, ...values]) => `| ${name} | ${values.map(fmt).join(' | ')} |`),
    ].join('\n');
    const verdict = y.total < TARGET_MS ? `meets the < ${TARGET_MS} ms target` : `MISSES the < ${TARGET_MS} ms target`;
    console.log(`\n${table}\n\ncachegen-yaml ${verdict}; cachegen-yaml / redocly-recommended = ${(y.total / r.total).toFixed(2)}×\nreproduce: ${command}`);

    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/lint.json',
      JSON.stringify({ command, operations: OPERATIONS, rounds: ROUNDS, yamlLines: yamlText.split('\n').length, cpus: cpus().length, loadavg: loadavg(), targetMs: TARGET_MS, cachegenYaml: y, cachegenJson: j, redoclyRecommended: r, ratioToRedocly: y.total / r.total, date: new Date().toISOString() }, null, 2) + '\n',
    );
    mkdirSync('docs/benchmarks', { recursive: true });
    writeFileSync(
      'docs/benchmarks/lint.md',
      `# Lint: 1,000 operations\n\nload + IR + lint of a generated ${OPERATIONS}-operation spec (${yamlText.split('\n').length} lines of YAML: 500 resources, each a cached GET with path and response-field tags over a \`$ref\`'d schema, and a PUT that invalidates them). Target: under ${TARGET_MS} ms. Medians of ${ROUNDS} alternating rounds after one warm-up; every run checked (all operations, zero problems). \`load\` is the value parse (JSON.parse, or openapi-core's js-yaml) and the check of local \`$ref\`s: a single self-contained file is its own bundle, and line/column positions are computed only for reported problems. A spec split across files is also bundled by @redocly/openapi-core, which this benchmark does not measure.\n\n${table}\n\ncachegen-yaml ${verdict}. For reference, Redocly's own recommended ruleset on the same file takes ${r.total.toFixed(0)} ms (cachegen / redocly = ${(y.total / r.total).toFixed(2)}×).\n\nMachine: ${cpus().length} CPUs shared with other work (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} at the end of the run); numbers move by tens of percent between runs.\n\nReproduce: \`${command}\`\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
