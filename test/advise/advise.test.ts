/**
 * advise on logs whose right answer is known (./log-generator, ./shop-traffic): what it
 * recommends, and the numbers it reports, checked against what the generator wrote.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIr, loadSpec, type IrDocument } from 'cachegen';
import { advise } from '../../generator/advise/advise.js';
import type { AdviceReport, OperationAdvice } from '../../generator/advise/types.js';
import { generateLog, type Tally } from './log-generator.js';
import { shopMix } from './shop-traffic.js';

const SPEC = fileURLToPath(new URL('./fixtures/shop.yaml', import.meta.url));
let dir: string;
let ir: IrDocument;
let tally: Tally;
let report: AdviceReport;

const op = (id: string): OperationAdvice => {
  const found = report.operations.find((o) => o.operationId === id);
  if (!found) throw new Error(`no advice for ${id}`);
  return found;
};

/** Ten minutes of the shop's traffic at 50 requests a second: 30,000 lines. */
const TRAFFIC = { seed: 11, rate: 50, seconds: 600, mix: shopMix() };
/** advise reads a log three times; on a loaded machine that takes a while. */
const SLOW = 180_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachegen-advise-'));
  ir = buildIr(await loadSpec(SPEC));
  tally = await generateLog(join(dir, 'shop.log'), 'json', { ...TRAFFIC, garbageEvery: 5000 });
  report = await advise({ ir, log: join(dir, 'shop.log') });
}, SLOW);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('advise on a log whose answer is known', () => {
  it('recommends caching the read-heavy operations, with the tags their writes invalidate', () => {
    expect(op('getArticle')).toMatchObject({ verdict: 'cache', annotation: { tags: ['article:{id}'] } });
    expect(op('listCatalog').verdict).toBe('cache');
    expect(op('listCatalog').annotation?.tags).toBeUndefined();
    // Slow misses (120 ms) get swr; the ttl is the shortest within a point of the best.
    expect(op('listCatalog').annotation?.swr).toBeGreaterThan(0);
  });

  it('does not cache the write-heavy operations, whether or not their writes declare invalidation', () => {
    expect(op('getCounter').verdict).toBe('do-not-cache');
    expect(op('getCounter').reasons[0]).toMatch(/^write-heavy/);
    expect(op('getStock').verdict).toBe('do-not-cache');
    expect(op('getStock').reasons[0]).toMatch(/^write-heavy: even at ttl 5 s/);
  });

  it('names why the others are not worth caching: one-hit keys, too large, private without a caller', () => {
    expect(op('getSession').reasons[0]).toMatch(/^one-hit keys/);
    expect(op('getFile').reasons[0]).toMatch(/^too large/);
    expect(op('exportAccount').verdict).toBe('do-not-cache');
    expect(op('exportAccount').reasons[0]).toMatch(/private .*names no caller/);
  });

  it('keys an authenticated read by its caller: private, as auth-without-identity asks', () => {
    expect(op('getAccount')).toMatchObject({ verdict: 'cache', annotation: { scope: 'private' } });
    expect(op('getAccount').traffic.distinctKeys).toBeGreaterThan(100);
  });

  it('fails closed on what lint forbids: Set-Cookie and secret fields are never recommended', () => {
    expect(op('getCart')).toMatchObject({ verdict: 'do-not-cache' });
    expect(op('getCart').reasons[0]).toMatch(/set-cookie-shared/);
    expect(op('getCredentials')).toMatchObject({ verdict: 'do-not-cache' });
    expect(op('getCredentials').reasons[0]).toMatch(/no-store-violation/);
    expect(report.operations.map((o) => o.operationId)).not.toContain('createOrder');
  });

  it('leaves an operation the spec already caches as it is, and replays it with its own ttl', () => {
    expect(op('getHealth')).toMatchObject({ verdict: 'cached', policy: { ttl: 5, swr: 0 } });
    expect(op('getHealth').annotation).toBeUndefined();
  });

  it('counts reads and distinct keys as the generator wrote them', () => {
    for (const id of ['getArticle', 'listCatalog', 'getCounter', 'getAccount']) {
      const truth = tally.requests.get(id)!;
      expect(op(id).traffic.reads, id).toBe(truth.count);
      // HyperLogLog: within 3% of the exact count.
      expect(Math.abs(op(id).traffic.distinctKeys - truth.keys.size) / truth.keys.size, id).toBeLessThan(0.03);
    }
    expect(report.log.malformed).toBe(tally.garbage);
    expect(report.log.unmatched).toBe(tally.requests.get('unknown')!.count);
    expect(report.log.unmatchedTop[0]!.request).toMatch(/^GET \/nope\//);
  });

  it('measures popularity skew and the miss cost', () => {
    // The generator draws article ids from Zipf(s = 1) and catalog pages from Zipf(s = 1.2).
    expect(op('getArticle').traffic.zipf).toBeGreaterThan(0.75);
    expect(op('getArticle').traffic.zipf).toBeLessThan(1.25);
    expect(op('listCatalog').traffic.zipf).toBeGreaterThan(op('getArticle').traffic.zipf);
    expect(op('listCatalog').traffic.meanOriginMs).toBeGreaterThan(100);
    expect(op('listCatalog').traffic.meanOriginMs).toBeLessThan(140);
  });

  it('predicts what a cache that never forgets would do: the first read of each key misses, every other hits', () => {
    // No writes touch the catalog, and the log is shorter than the longest ttl.
    const truth = tally.requests.get('listCatalog')!;
    const longest = op('listCatalog').ttlCurve.at(-1)!;
    expect(longest.ttl).toBe(3600);
    expect(longest.hitRatio).toBeCloseTo(1 - truth.keys.size / truth.count, 3);
  });

  it('recommends the smallest L1 within a point of the largest, and the curve rises with size', () => {
    const { curve, maxBytes, hitRatio, hitRatioLargest } = report.l1;
    expect(curve.map((p) => p.maxBytes)).toContain(maxBytes);
    expect(hitRatio).toBeGreaterThanOrEqual(hitRatioLargest - 0.01);
    const smaller = curve.filter((p) => p.maxBytes < maxBytes);
    expect(smaller.length).toBeGreaterThan(0);
    for (const p of smaller) expect(p.tinylfu).toBeLessThan(hitRatioLargest - 0.01);
    expect(curve[0]!.tinylfu).toBeLessThan(curve.at(-1)!.tinylfu);
  });

  it('counts the hits that tag invalidation kept from serving invalidated articles', () => {
    expect(op('getArticle').prediction!.staleWithoutInvalidation).toBeGreaterThan(0);
    expect(report.l1.staleWithoutInvalidation).toBeGreaterThanOrEqual(op('getArticle').prediction!.staleWithoutInvalidation);
  });
});

describe('advise reads the log by streaming it', () => {
  it('gives the same advice from the same traffic written in the combined format', async () => {
    const file = join(dir, 'shop.combined.log');
    await generateLog(file, 'combined', TRAFFIC);
    const combined = await advise({ ir, log: file });
    expect(combined.log.format).toBe('combined');
    // The combined format has no caller for bearer tokens here except $remote_user, which the generator fills.
    for (const o of report.operations) expect(combined.operations.find((c) => c.operationId === o.operationId)!.verdict, o.operationId).toBe(o.verdict);
  }, SLOW);

  it('samples keys beyond maxKeys and still lands near the full replay', async () => {
    const sampled = await advise({ ir, log: join(dir, 'shop.log'), maxKeys: 800 });
    expect(sampled.log.sampleRate).toBeLessThan(0.5);
    const full = report.l1.curve.at(-1)!.tinylfu;
    expect(Math.abs(sampled.l1.curve.at(-1)!.tinylfu - full)).toBeLessThan(0.03);
    expect(op('getArticle').verdict).toBe(sampled.operations.find((o) => o.operationId === 'getArticle')!.verdict);
  }, SLOW);

  it('refuses a log in which no line is a request, naming the file, line and why', async () => {
    const file = join(dir, 'garbage.log');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'hello\nworld\n'));
    await expect(advise({ ir, log: file, format: 'combined' })).rejects.toThrow(`${file}:1: not in combined format`);
    await expect(advise({ ir, log: file, format: 'json' })).rejects.toThrow(`${file}:1: not JSON`);
  });
});
