/** The replay's timing rules on a log written by hand: single flight, invalidation (also of a load in flight), swr, expiry. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIr, loadSpec } from 'cachegen';
import { advise } from '../../generator/advise/advise.js';

const SPEC = fileURLToPath(new URL('./fixtures/items.yaml', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachegen-advise-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 1);
const line = (at: number, method: string, durationMs: number) =>
  JSON.stringify({ time: new Date(T0 + at).toISOString(), method, path: '/items/1', status: 200, bytes: 100, duration_ms: durationMs });

it('counts what the cache would: waits on a load in flight, drops on writes (a load in flight too), serves stale in swr, expires', async () => {
  const log = [
    line(0, 'GET', 100), // miss: the load answers at 100 ms
    line(20, 'GET', 80), // waits for that load: a miss
    line(50, 'GET', 50), // likewise
    line(150, 'GET', 1), // hit 1
    line(200, 'PUT', 5), // drops the entry
    line(300, 'GET', 100), // miss: loads until 400 ms
    line(350, 'PUT', 5), // invalidates the load in flight: the cache refuses its answer
    line(450, 'GET', 10), // miss
    line(500, 'GET', 1), // hit 2
    line(70_000, 'GET', 1), // past ttl (60 s from 460 ms), inside swr: served stale and refreshed, hit 3
    line(75_000, 'GET', 1), // fresh again after the refresh: hit 4
    line(200_000, 'GET', 1), // past ttl + swr: a miss
  ];
  const file = join(dir, 'items.log');
  await writeFile(file, log.join('\n') + '\n');
  const report = await advise({ ir: buildIr(await loadSpec(SPEC)), log: file });
  const item = report.operations.find((o) => o.operationId === 'getItem')!;
  expect(item.verdict).toBe('cached');
  expect(item.prediction).toMatchObject({ lookups: 10, hits: 4 });
  // Without tag invalidation, the hit at 150 ms would have stayed, and served data the PUT at 200 ms had changed.
  expect(item.prediction!.staleWithoutInvalidation).toBeGreaterThan(0);
  expect(report.writes).toEqual([expect.objectContaining({ operationId: 'putItem', writes: 2, invalidates: ['item:{id}'] })]);
});
