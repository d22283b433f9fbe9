/**
 * The proof that advise's numbers are real: the catalog demo server (L1 only) serves a traffic
 * mix and writes its access log; advise reads the log and picks an L1 size; a fresh server with
 * that L1 serves the same traffic again, and its measured hit ratio must be within 2 points of
 * the one advise predicted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIr, loadSpec } from 'cachegen';
import { advise } from '../../generator/advise/advise.js';
import type { AdviceReport } from '../../generator/advise/types.js';
import { demoTraffic, runCatalog, type RunOutcome, type TimedRequest } from './catalog.js';

const SPEC = fileURLToPath(new URL('../../examples/catalog/openapi.yaml', import.meta.url));
let dir: string;
let traffic: TimedRequest[];
let report: AdviceReport;
let measured: RunOutcome;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachegen-advise-demo-'));
  // 8,000 requests of the demo's mix, 4 ms apart on the servers' clock (250/s for 32 s).
  traffic = demoTraffic(8_000, 2026, Date.UTC(2026, 0, 1), 4);
  const log = join(dir, 'access.log');
  await runCatalog(traffic, 64 * 2 ** 20, log);
  report = await advise({ ir: buildIr(await loadSpec(SPEC)), log });
  measured = await runCatalog(traffic, report.l1.maxBytes);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('advise on the demo server\'s own access log', () => {
  it('predicts the hit ratio a demo server with the recommended L1 then measures, within 2 points', () => {
    // The server caches what the spec caches; advise's prediction for exactly those operations:
    const cached = report.operations.filter((op) => op.verdict === 'cached');
    const hits = cached.reduce((s, op) => s + op.prediction!.hits, 0);
    const lookups = cached.reduce((s, op) => s + op.prediction!.lookups, 0);
    const predicted = hits / lookups;
    const rows = cached.map((op) => {
      const m = measured.byOperation.get(op.operationId)!;
      return `  ${op.operationId.padEnd(18)} predicted ${(op.prediction!.hitRatio * 100).toFixed(1)}%  measured ${((m.hits / (m.hits + m.misses)) * 100).toFixed(1)}%`;
    });
    console.log([`advise on the demo's log: L1 ${report.l1.maxBytes} bytes, predicted ${(predicted * 100).toFixed(2)}%, measured ${(measured.hitRatio * 100).toFixed(2)}%`, ...rows].join('\n'));
    expect(lookups).toBe(measured.hits + measured.misses);
    expect(Math.abs(predicted - measured.hitRatio)).toBeLessThanOrEqual(0.02);
  });

  it('picks a size where the bound matters: smaller L1s lose more than a point', () => {
    const { curve, maxBytes } = report.l1;
    expect(curve[0]!.maxBytes).toBeLessThan(maxBytes);
    expect(curve[0]!.tinylfu).toBeLessThan(report.l1.hitRatioLargest - 0.05);
  });
});
