/** advise fails closed where the spec itself is broken: an x-cache with an error, a broken x-cache-defaults. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIr, loadSpec } from 'cachegen';
import { advise } from '../../generator/advise/advise.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachegen-advise-safety-'));
  const T0 = Date.UTC(2026, 0, 1);
  const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ time: T0 + i * 100, method: 'GET', path: i % 2 ? '/a' : '/b', status: 200, bytes: 10, duration_ms: 30 }));
  await writeFile(join(dir, 'access.log'), lines.join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function adviceFor(spec: string) {
  await writeFile(join(dir, 'openapi.yaml'), spec);
  const report = await advise({ ir: buildIr(await loadSpec(join(dir, 'openapi.yaml'))), log: join(dir, 'access.log') });
  return Object.fromEntries(report.operations.map((op) => [op.operationId, op]));
}

const paths = (aCache: string) => `paths:
  /a:
    get:
      operationId: getA
${aCache}      responses: { '200': { description: ok } }
  /b:
    get:
      operationId: getB
      responses: { '200': { description: ok } }
`;

it('reports an operation whose x-cache has an error as stored nowhere, and still advises the others', async () => {
  const ops = await adviceFor(`openapi: 3.1.0\ninfo: { title: t, version: '1' }\n${paths("      x-cache: { ttl: -5 }\n")}`);
  expect(ops.getA).toMatchObject({ verdict: 'never-stored' });
  expect(ops.getA!.reasons[0]).toMatch(/x-cache has an error/);
  expect(ops.getA!.prediction).toBeUndefined();
  expect(ops.getB!.verdict).toBe('cache');
});

it('suggests nothing while x-cache-defaults is broken: every x-cache would be read as invalid', async () => {
  const ops = await adviceFor(`openapi: 3.1.0\ninfo: { title: t, version: '1' }\nx-cache-defaults: { ttl: soon }\n${paths('')}`);
  for (const id of ['getA', 'getB']) {
    expect(ops[id]!.verdict, id).toBe('do-not-cache');
    expect(ops[id]!.reasons[0], id).toMatch(/x-cache-defaults/);
  }
});
