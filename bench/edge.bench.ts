/**
 * Edge benchmark: how long from a write until the edge confirmed the purge.
 *
 * The shop of the edge tests (test/edge/fixtures/shop.yaml: Fastify routes from the generated
 * route table, PostgreSQL store, Redis L2) runs twice, once behind Varnish (xkey, config from
 * `cachegen edge vcl`) and once behind nginx (ngx_cache_purge, config from `cachegen edge nginx`).
 * Each sample warms an item at the edge (the second GET must be an edge HIT), then times from
 * sending `PUT /items/{id}` to the app until the purger reports the edge's confirmation; then
 * checks (untimed) that the next GET through the edge is a MISS with the new value. Edges are
 * alternated round by round. Also reported: the purger's own metric, invalidateTags → confirmed.
 *
 *   npm run bench:edge                      (WRITES=300 ROUNDS=5 by default)
 * Uses DATABASE_URL / REDIS_URL when set, else starts private servers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { nginx, varnish } from '@cachegen/runtime/edge';
import { nginxConfig } from '../generator/edge/nginx.js';
import { varnishVcl } from '../generator/edge/vcl.js';
import { purgeRecorder } from '../test/edge/recorder.js';
import { startNginx, startVarnish, type RunningEdge } from '../test/edge/servers.js';
import { shopIr, startShop, type Shop } from '../test/edge/shop.js';
import { freePort, startPostgres, startRedisServer } from '../test/support/services.js';
import { service, stopServices } from './lib/services.js';
import { percentile } from './lib/timing.js';

const WRITES = Number(process.env.WRITES ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const EDGES = ['varnish', 'nginx'] as const;
type EdgeName = (typeof EDGES)[number];

const round3 = (n: number) => Math.round(n * 1000) / 1000;

interface Contender { name: EdgeName; edge: RunningEdge; shop: Shop; observer: ReturnType<typeof purgeRecorder> }

async function contender(name: EdgeName, redisUrl: string, databaseUrl: string): Promise<Contender> {
  const ir = await shopIr();
  const port = await freePort();
  const edge = name === 'varnish'
    ? await startVarnish(varnishVcl(ir, { backend: `127.0.0.1:${port}` }))
    : await startNginx((listen, cacheDir) => nginxConfig(ir, { upstream: `127.0.0.1:${port}`, listen: `127.0.0.1:${listen}`, cacheDir }).text);
  const observer = purgeRecorder();
  const shop = await startShop({
    port, redisUrl, databaseUrl, observer,
    adapters: (operations) => [name === 'varnish' ? varnish({ url: edge.url }) : nginx({ url: edge.url, operations })],
  });
  return { name, edge, shop, observer };
}

async function edgeGet(c: Contender, id: string): Promise<{ cache: string | null; name: string }> {
  const response = await fetch(`${c.edge.url}/items/${id}`);
  return { cache: response.headers.get('x-cache'), name: ((await response.json()) as { name: string }).name };
}

/** One sample: warm, write, wait for the confirmation; returns [write → confirmed, invalidateTags → confirmed] in ms. */
async function sample(c: Contender, i: number): Promise<[number, number]> {
  const id = ['a', 'b', 'c'][i % 3]!;
  await edgeGet(c, id);
  const warm = await edgeGet(c, id);
  if (warm.cache !== 'HIT') throw new Error(`${c.name}: /items/${id} was not an edge hit before the write (${warm.cache})`);
  const name = `${c.name}-${i}`;
  const confirmed = c.observer.next('sent');
  const t0 = performance.now();
  const response = await fetch(`${c.shop.url}/items/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, name, shelf: 's1' }) });
  if (response.status !== 200) throw new Error(`${c.name}: PUT answered ${response.status}`);
  const event = await confirmed;
  const elapsed = performance.now() - t0;
  await c.shop.purger.drained();
  const after = await edgeGet(c, id);
  if (after.name !== name || after.cache !== 'MISS') throw new Error(`${c.name}: after the purge the edge answered ${after.cache} with "${after.name}", not "${name}"`);
  return [elapsed, (event.seconds ?? NaN) * 1000];
}

async function main(): Promise<void> {
  const [databaseUrl, redisUrl] = await Promise.all([service('DATABASE_URL', startPostgres), service('REDIS_URL', () => startRedisServer())]);
  const contenders: Contender[] = [];
  try {
    for (const name of EDGES) contenders.push(await contender(name, redisUrl, databaseUrl));
    for (const c of contenders) for (let i = 0; i < 20; i++) await sample(c, i); // warm-up, untimed
    const samples = new Map<EdgeName, { write: number[]; metric: number[]; medians: number[] }>(EDGES.map((n) => [n, { write: [], metric: [], medians: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) {
        const mine: number[] = [];
        for (let i = 0; i < WRITES; i++) {
          const [write, metric] = await sample(c, i);
          mine.push(write);
          samples.get(c.name)!.write.push(write);
          samples.get(c.name)!.metric.push(metric);
        }
        samples.get(c.name)!.medians.push(round3(percentile([...mine].sort((a, b) => a - b), 50)));
      }
    }
    const results = EDGES.map((name) => {
      const s = samples.get(name)!;
      const write = [...s.write].sort((a, b) => a - b);
      const metric = [...s.metric].sort((a, b) => a - b);
      return {
        edge: name, writes: write.length,
        p50: round3(percentile(write, 50)), p90: round3(percentile(write, 90)), p99: round3(percentile(write, 99)), max: round3(write[write.length - 1]!),
        metricP50: round3(percentile(metric, 50)), metricP99: round3(percentile(metric, 99)), roundMedians: s.medians,
      };
    });
    const when = new Date().toISOString().slice(0, 16) + 'Z';
    const load = loadavg().map((n) => n.toFixed(1)).join(', ');
    const command = `WRITES=${WRITES} ROUNDS=${ROUNDS} npm run bench:edge`;
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/edge.json', JSON.stringify({ command, when, node: process.version, cpus: cpus().length, loadavg: load, results }, null, 2) + '\n');
    const rows = results.map((r) =>
      `| ${r.edge} | ${r.writes} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.p99 <= 50 ? 'met' : 'missed'} | ${r.metricP50} / ${r.metricP99} | ${r.roundMedians.join(', ')} |`);
    const md = [
      '# Edge: write → edge purged',
      '',
      `Command: \`${command}\` (${when}, Node ${process.version}, loopback, ${cpus().length} cores shared with other work: load average ${load} at the end).`,
      '',
      'Time from sending a mutation (`PUT /items/{id}`) to the app until the edge confirmed the purge: the app commits to PostgreSQL, `invalidateTags` stamps Redis, the `onInvalidated` hook queues the tags in Redis, the purger takes them and the edge answers the purge. Each sample first makes the item an edge HIT and afterwards checks that the edge answers a MISS with the new value. Edges alternated per round.',
      '',
      '| edge | writes | p50 ms | p90 ms | p99 ms | max ms | p99 ≤ 50 ms | invalidateTags → confirmed p50 / p99 ms (the purger\'s metric) | round medians (ms) |',
      '|---|---:|---:|---:|---:|---:|---|---|---|',
      ...rows,
      '',
      '- varnish: `PURGE /` with `xkey-purge: item:<id> shelf:s1` (one request for both tags), VCL from `cachegen edge vcl`.',
      '- nginx: one `PURGE /.cachegen-purge<url>` per URL the tags map to (`/items/<id>`, `/shelves/s1/items`), config from `cachegen edge nginx`.',
      '- Fastly and Cloudflare are not measured: no account here (their request shapes are tested against a local server).',
      '',
    ].join('\n');
    writeFileSync('docs/benchmarks/edge.md', md);
    console.log(md);
  } finally {
    for (const c of contenders) { await c.shop.close(); await c.edge.stop(); }
    await stopServices();
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
