/**
 * The corpus (test/fixtures/specs/corpus/README.md): every spec there, and a 2,000-operation spec
 * whose operationIds are named the ways real specs name them, lints without errors, generates,
 * and compiles under tsc --strict together with its handler stubs.
 */
import { readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIr, lint, loadSpec, type IrDocument } from 'cachegen';
import { generate } from '../../generator/emit/generate.js';
import { compileErrors } from './compile.js';
import { namingStressSpec } from './synthetic-spec.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const corpus = join(root, 'test/fixtures/specs/corpus');
const tmp = join(root, 'test/codegen/.tmp', `corpus-${process.pid}`);
const specs = readdirSync(corpus).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

/** Lints (no errors allowed), generates with handler stubs, and returns the files to compile. */
async function generated(name: string, ir: IrDocument): Promise<string[]> {
  expect(lint(ir).filter((p) => p.severity === 'error').map((p) => p.message), name).toEqual([]);
  const folder = join(tmp, name);
  await generate({ ir, output: join(folder, 'generated'), handlers: join(folder, 'handlers') });
  const files = ['types.ts', 'operations.ts', 'server.ts', 'client.ts', 'index.ts'].map((f) => join(folder, 'generated', f));
  return [...files, join(folder, 'handlers/index.ts')];
}

beforeAll(async () => { await mkdir(tmp, { recursive: true }); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('the corpus', () => {
  it('holds the public specs and the naming stress spec', () => {
    expect(specs).toContain('petstore-expanded.yaml');
    expect(specs).toContain('twilio_verify_v2.json');
    expect(specs).toContain('stress-names.yaml');
  });

  it('lints, generates and compiles under tsc --strict, every spec', async () => {
    const files: string[] = [];
    for (const spec of specs) files.push(...(await generated(spec, buildIr(await loadSpec(join(corpus, spec))))));
    expect(compileErrors(files)).toEqual([]);
  }, 300_000);

  it('names every operation of the stress spec once, as a plain identifier', async () => {
    const ir = buildIr(await loadSpec(join(corpus, 'stress-names.yaml')));
    const names = ir.operations.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9]*$/);
    expect(names).toEqual(expect.arrayContaining(['findPets', 'findPets2', 'findPets3', 'delete', 'class', '_2faVerify', 'monitoringGetAppRestartCountMetricsYml']));
  });
});

describe('a 2,000-operation spec named the ways real specs name operations', () => {
  it('lints, generates and compiles under tsc --strict', async () => {
    const file = join(tmp, 'stress-2000.json');
    await writeFile(file, JSON.stringify(namingStressSpec(2000)));
    const ir = buildIr(await loadSpec(file));
    expect(ir.operations).toHaveLength(2000);
    expect(new Set(ir.operations.map((op) => op.name)).size).toBe(2000);
    expect(compileErrors(await generated('stress-2000', ir))).toEqual([]);
  }, 600_000);
});
