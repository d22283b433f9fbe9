/**
 * HTTP benchmark (`npm run bench:http`), autocannon over loopback, every contender in the
 * same run, alternating, several rounds, medians:
 *  1. the hit path of a generated route vs a hand-written Fastify route sending a constant
 *     Buffer (the ceiling: no cache, no keying), with a ~300 B and a 100 KB body, and vs the
 *     same constant route sending the four headers a cached answer carries (their own cost);
 *  2. the generated route vs the same route hand-cached with bentocache and with cache-manager;
 *  3. generation time for a 1,000-operation spec.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache as createCacheManager } from 'cache-manager';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildIr, loadSpec } from 'cachegen';
import { generate } from '../generator/emit/generate.js';
import { emit } from '../generator/emit/index.js';
import { createCache } from '@cachegen/runtime';
import { syntheticSpec } from '../test/codegen/synthetic-spec.js';
import { machine, markdownTable, writeReport } from './lib/report.js';

interface AutocannonResult { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 3);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const COMMAND = `${ROUNDS !== 3 ? `ROUNDS=${ROUNDS} ` : ''}${SECONDS !== 3 ? `SECONDS_PER_RUN=${SECONDS} ` : ''}npm run bench:http`;
const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench/.tmp/http');

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

/** A product-like JSON body of about `bytes` bytes. */
function body(bytes: number): { id: number; name: string; category: string; description: string } {
  const base = { id: 1, name: 'Quiet Lamp 1', category: 'tools', description: '' };
  return { ...base, description: 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length)) };
}

/** The one-operation spec the generated contender serves. */
function benchSpec(): Record<string, unknown> {
  const item = {
    type: 'object', required: ['id', 'name', 'category', 'description'],
    properties: { id: { type: 'integer' }, name: { type: 'string' }, category: { type: 'string' }, description: { type: 'string' } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'HTTP bench', version: '1.0.0' },
    paths: {
      '/items/{size}/{id}': {
        get: {
          operationId: 'getItem',
          'x-cache': { ttl: 3600, tags: ['item:{id}'] },
          parameters: [
            { name: 'size', in: 'path', required: true, schema: { type: 'string', enum: ['small', 'large'] } },
            { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          ],
          responses: { '200': { description: 'item', content: { 'application/json': { schema: item } } } },
        },
      },
    },
  };
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function load(url: string): Promise<AutocannonResult> {
  return autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 });
}

interface Contender { name: string; url: string }

/** Runs every contender once per round, in rotated order; returns median req/s and latencies per contender. */
async function compare(contenders: Contender[]): Promise<Array<{ name: string; rps: number; p50: number; p99: number; rounds: number[] }>> {
  const samples = new Map(contenders.map((c) => [c.name, [] as AutocannonResult[]]));
  for (const c of contenders) await autocannon({ url: c.url, connections: CONNECTIONS, duration: 1 }); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const c of order) {
      const result = await load(c.url);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${c.name}: ${result.non2xx} non-2xx and ${result.errors} errors; the contender answers wrongly`);
      samples.get(c.name)!.push(result);
      process.stdout.write(`  round ${round + 1}/${ROUNDS} ${c.name}: ${Math.round(result.requests.average)} req/s\n`);
    }
  }
  return contenders.map((c) => {
    const runs = samples.get(c.name)!;
    return { name: c.name, rps: median(runs.map((r) => r.requests.average)), p50: median(runs.map((r) => r.latency.p50)), p99: median(runs.map((r) => r.latency.p99)), rounds: runs.map((r) => Math.round(r.requests.average)) };
  });
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const specFile = join(work, 'api.json');
  writeFileSync(specFile, JSON.stringify(benchSpec()));
  const output = join(work, 'generated');
  await generate({ ir: buildIr(await loadSpec(specFile)), output });
  const generated = (await import(pathToFileURL(join(output, 'server.ts')).href)) as { default: Parameters<FastifyInstance['register']>[0] };

  const bodies = { small: body(300), large: body(100 * 1024) };
  const bytes = { small: Buffer.from(JSON.stringify(bodies.small)), large: Buffer.from(JSON.stringify(bodies.large)) };

  // 1. The generated server, L1 only (the embedded default).
  const cache = createCache({ namespace: 'bench-http', logger: { warn() {} } });
  const gen = Fastify();
  await gen.register(generated.default, {
    handlers: { getItem: async ({ params }: { params: { size: 'small' | 'large'; id: number } }) => ({ ...bodies[params.size], id: params.id }) },
    cache,
  } as never);
  const genUrl = await listen(gen);

  // 2. The ceiling: a constant Buffer, nothing else.
  const constant = Fastify();
  constant.get('/items/:size/:id', (request, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(bytes[(request.params as { size: 'small' | 'large' }).size]);
  });
  const constantUrl = await listen(constant);

  // 2b. The same constant Buffer with the headers a cached answer must carry (Cache-Control, ETag,
  // Age, Cache-Status): what sending them costs by itself, with no cache and no keying.
  const withHeaders = Fastify();
  withHeaders.get('/items/:size/:id', (request, reply) => {
    reply.header('age', '21').header('cache-status', 'cachegen; hit; ttl=3578').header('cache-control', 'public, max-age=3600')
      .header('etag', '"yDbI2bYcWLWSAfpuyDT5WV"').header('content-type', 'application/json; charset=utf-8')
      .send(bytes[(request.params as { size: 'small' | 'large' }).size]);
  });
  const withHeadersUrl = await listen(withHeaders);

  // 3. The same route hand-cached with bentocache (memory L1) and with cache-manager (its default in-memory store).
  const bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) } });
  const bentoApp = Fastify();
  bentoApp.get('/items/:size/:id', async (request) => {
    const { size, id } = request.params as { size: 'small' | 'large'; id: string };
    return bento.getOrSet({ key: `item:${size}:${id}`, factory: async () => ({ ...bodies[size], id: Number(id) }), ttl: '1h' });
  });
  const bentoUrl = await listen(bentoApp);
  const manager = createCacheManager();
  const managerApp = Fastify();
  managerApp.get('/items/:size/:id', async (request) => {
    const { size, id } = request.params as { size: 'small' | 'large'; id: string };
    return manager.wrap(`item:${size}:${id}`, async () => ({ ...bodies[size], id: Number(id) }), 3_600_000);
  });
  const managerUrl = await listen(managerApp);

  const results: Record<string, unknown> = {};
  const rows: string[][] = [];
  for (const size of ['small', 'large'] as const) {
    const path = `/items/${size}/1`;
    const label = size === 'small' ? `${bytes.small.length} B` : `${Math.round(bytes.large.length / 1024)} KB`;
    console.log(`\n${label} body: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds`);
    const contenders: Contender[] = [
      { name: 'constant Buffer (hand-written Fastify)', url: constantUrl + path },
      { name: 'generated route (L1 hit)', url: genUrl + path },
      { name: 'constant Buffer + the 4 cache headers (hand-written)', url: withHeadersUrl + path },
      { name: 'hand-cached with bentocache', url: bentoUrl + path },
      { name: 'hand-cached with cache-manager', url: managerUrl + path },
    ];
    const measured = await compare(contenders);
    const ceiling = measured[0]!.rps;
    // Each round runs the contenders back to back, so a round's ratio shares that round's machine
    // load; their median resists a neighbour's burst better than a ratio of medians.
    const paired = (m: (typeof measured)[number]): number => median(m.rounds.map((r, i) => r / measured[0]!.rounds[i]!));
    results[size] = { bodyBytes: bytes[size].length, contenders: measured.map((m) => ({ ...m, ratioToConstant: m.rps / ceiling, pairedRatioToConstant: paired(m) })) };
    for (const m of measured) {
      rows.push([label, m.name, String(Math.round(m.rps)), `${(m.rps / ceiling).toFixed(2)}x`, `${paired(m).toFixed(2)}x`, `${m.p50} ms`, `${m.p99} ms`, m.rounds.join(' / ')]);
    }
  }

  // 4. Generation time for a 1,000-operation spec (load + IR + emit, in memory), median of 3.
  const bigSpec = join(work, 'big.json');
  writeFileSync(bigSpec, JSON.stringify(syntheticSpec(1000)));
  const genTimes: number[] = [];
  let operations = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const ir = buildIr(await loadSpec(bigSpec));
    await emit(ir);
    genTimes.push(performance.now() - t0);
    operations = ir.operations.length;
  }
  const generationMs = median(genTimes);
  console.log(`\ngeneration of ${operations} operations: ${Math.round(generationMs)} ms (median of 3: ${genTimes.map(Math.round).join(', ')})`);
  results.generation = { operations, ms: generationMs, runs: genTimes };

  await Promise.all([gen.close(), constant.close(), withHeaders.close(), bentoApp.close(), managerApp.close()]);
  await cache.close();
  await bento.disconnect();

  const headers = ['body', 'server', 'req/s (median)', 'vs constant', 'vs constant, per round (median)', 'p50', 'p99', 'req/s per round'];
  const markdown = [
    '# HTTP: the generated route\'s hit path',
    '',
    `Reproduce: \`${COMMAND}\` (autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, contenders alternating in rotated order; medians).`,
    'Server and load generator share the machine; the machine was shared with other work while this ran, so compare ratios within one run, not absolute numbers across runs.',
    '',
    markdownTable(headers, rows),
    '',
    `Generation of a ${operations}-operation spec (load + IR + emit, in memory): ${Math.round(generationMs)} ms (median of 3).`,
    '',
    `Machine: ${JSON.stringify(machine())}`,
    '',
  ].join('\n');
  const written = writeReport('http', { command: COMMAND, machine: machine(), connections: CONNECTIONS, secondsPerRun: SECONDS, rounds: ROUNDS, results }, markdown);
  console.log('\n' + markdownTable(headers, rows));
  console.log(`\nwrote ${written.json} and ${written.markdown}\nreproduce: ${COMMAND}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
