/**
 * The headline (`npm run bench:headline`): "why not put nginx or Varnish in front?"
 *
 * The catalog example's `GET /products/{id}` (a small JSON body), served by
 *   (a) the catalog uncached (every request runs the handler and its origin cost),
 *   (b) the catalog with cachegen L1 (as examples/catalog/app.ts runs it),
 *   (c) the catalog with cachegen L1 + Redis (L2 and the invalidation bus),
 *   (d) (a) behind nginx proxy_cache,
 *   (e) (a) behind Varnish,
 *   (f) a hand-written Fastify route sending the same bytes as a constant Buffer (Node's ceiling),
 *   (g) the same route sending the four headers a cached answer carries (their own cost),
 *   (h) node:http alone sending (g)'s bytes and headers (what Fastify's pipeline costs on top of Node).
 * Every Node contender runs in its own process (bench/lib/headline-server.ts), so the load
 * generator (autocannon, in this process) never shares its event loop. Each contender is checked
 * before it is measured: the second request must be a hit (the uncached one: never a hit).
 * Contenders alternate in rotated order, ROUNDS rounds; medians.
 *
 *   npm run bench:headline                  (ROUNDS=5 SECONDS_PER_RUN=5 CONNECTIONS=50)
 *   ONLY=l1,constant,constant-headers npm run bench:headline   (those contenders only; writes nothing)
 * Installs nginx and Varnish (scripts/test-deps.sh) when missing; REDIS_URL, else a private redis-server.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startNginx, startVarnish, type RunningEdge } from '../test/edge/servers.js';
import { findBinary, startRedisServer } from '../test/support/services.js';
import { groupCpuUs, startNode as startChild, stopNode, type NodeServer } from './lib/child-server.js';
import { machine, markdownTable, writeReport } from './lib/report.js';
import { service, stopServices } from './lib/services.js';
import { median, percentile } from './lib/timing.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Instance = { on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void };
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>, done: (err: unknown, result: AutocannonResult) => void) => Instance;

interface Run { rps: number; p50: number; p99: number; cpuUs: number }

/** One autocannon run; latency percentiles from every response's own time (autocannon's histogram keeps whole ms). */
function run(url: string, seconds: number, group: number): Promise<Run> {
  const times: number[] = [];
  const cpuBefore = groupCpuUs(group);
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1 }, (err, r) => {
      if (err) return reject(err);
      if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) return reject(new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`));
      const sorted = times.sort((a, b) => a - b);
      const round2 = (n: number) => Math.round(n * 100) / 100;
      const cpuUs = (groupCpuUs(group) - cpuBefore) / r.requests.total;
      resolve({ rps: r.requests.average, p50: round2(percentile(sorted, 50)), p99: round2(percentile(sorted, 99)), cpuUs: round2(cpuUs) });
    });
    instance.on('response', (_client, status, _bytes, ms) => { if (status === 200) times.push(ms); });
  });
}

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const PATH = '/products/7';
/** ONLY=l1,constant,…: measure only these contenders, print their table, write nothing. */
const ONLY = process.env.ONLY?.split(',');
const COMMAND = [
  ROUNDS !== 5 ? `ROUNDS=${ROUNDS}` : '', SECONDS !== 5 ? `SECONDS_PER_RUN=${SECONDS}` : '', CONNECTIONS !== 50 ? `CONNECTIONS=${CONNECTIONS}` : '',
  'npm run bench:headline',
].filter(Boolean).join(' ');
const root = fileURLToPath(new URL('..', import.meta.url));
const serverScript = fileURLToPath(new URL('./lib/headline-server.ts', import.meta.url));
/** Starts one Node contender in its own process (bench/lib/headline-server.ts). */
const startNode = (variant: string, env: Record<string, string> = {}): Promise<NodeServer> => startChild(serverScript, variant, env);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

/** nginx and Varnish, installed by scripts/test-deps.sh (as `npm test` does) when missing. */
function ensureProxies(): void {
  try {
    findBinary('nginx', 'nginx');
    findBinary('varnishd', 'varnish');
  } catch {
    console.log('installing nginx and Varnish (scripts/test-deps.sh)');
    const result = spawnSync('bash', ['scripts/test-deps.sh'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('scripts/test-deps.sh failed: install nginx and varnish by hand');
  }
}

/** nginx with one proxy_cache in front of `upstream` (caching by the upstream's Cache-Control). */
function nginxSite(upstream: string) {
  return (port: number, cacheDir: string) => [
    `proxy_cache_path ${cacheDir} levels=1:2 keys_zone=headline:10m max_size=100m inactive=60m use_temp_path=off;`,
    `upstream origin { server ${upstream}; keepalive 16; }`,
    'server {',
    `  listen 127.0.0.1:${port};`,
    '  location / {',
    '    proxy_pass http://origin;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
    '    proxy_cache headline;',
    '    add_header X-Cache $upstream_cache_status;',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Varnish's built-in VCL (caching by the upstream's Cache-Control) plus an X-Cache header. */
function varnishVcl(upstream: string): string {
  const [host, port] = upstream.split(':');
  return [
    'vcl 4.1;',
    `backend origin { .host = "${host}"; .port = "${port}"; }`,
    'sub vcl_deliver { if (obj.hits > 0) { set resp.http.X-Cache = "HIT"; } else { set resp.http.X-Cache = "MISS"; } }',
    '',
  ].join('\n');
}

interface Contender { key: string; name: string; url: string; expect: 'hit' | 'uncached'; processGroup: number }

/** Whether an answer was a cache hit, by the header each contender sets. */
function wasHit(headers: Headers): boolean {
  const status = headers.get('cache-status') ?? '';
  const xCache = headers.get('x-cache');
  return xCache !== null ? xCache === 'HIT' : /;\s*hit/.test(status);
}

/** Two requests: the second must be a hit (the uncached contender: neither). */
async function check(c: Contender, expectedBody: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const response = await fetch(c.url + PATH);
    const text = await response.text();
    if (response.status !== 200 || text !== expectedBody) throw new Error(`${c.name}: answered ${response.status} with another body`);
    const hit = wasHit(response.headers);
    if (c.expect === 'uncached' && hit) throw new Error(`${c.name}: answered a hit; it must not cache`);
    if (c.expect === 'hit' && i === 1 && !hit && c.key !== 'constant') throw new Error(`${c.name}: the second request was not a hit`);
  }
}

interface Measured { key: string; name: string; rps: number; p50: number; p99: number; cpuUs: number; rounds: number[]; p50s: number[]; p99s: number[]; cpuUsPerRound: number[] }

async function compare(contenders: Contender[]): Promise<Measured[]> {
  const samples = new Map(contenders.map((c) => [c.key, [] as Run[]]));
  for (const c of contenders) await run(c.url + PATH, 2, c.processGroup); // warm up (JIT, pools)
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length]!;
      const r = await run(c.url + PATH, SECONDS, c.processGroup);
      samples.get(c.key)!.push(r);
      console.log(`  round ${round + 1}/${ROUNDS} ${c.name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, server CPU ${r.cpuUs} µs/request (load ${load()})`);
    }
  }
  return contenders.map((c) => {
    const runs = samples.get(c.key)!;
    return {
      key: c.key, name: c.name,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuUs: median(runs.map((r) => r.cpuUs)),
      rounds: runs.map((r) => Math.round(r.rps)),
      p50s: runs.map((r) => r.p50),
      p99s: runs.map((r) => r.p99),
      cpuUsPerRound: runs.map((r) => r.cpuUs),
    };
  });
}

async function main(): Promise<void> {
  ensureProxies();
  const loadBefore = load();
  const redisUrl = await service('REDIS_URL', () => startRedisServer());
  const nodes: NodeServer[] = [];
  const edges: RunningEdge[] = [];
  try {
    const uncached = await startNode('uncached');
    nodes.push(uncached);
    const body = await (await fetch(uncached.url + PATH)).text();
    const l1 = await startNode('l1');
    nodes.push(l1);
    const l1Redis = await startNode('l1-redis', { REDIS_URL: redisUrl });
    nodes.push(l1Redis);
    const constant = await startNode('constant', { HEADLINE_BODY: Buffer.from(body).toString('base64') });
    nodes.push(constant);
    const constantHeaders = await startNode('constant-headers', { HEADLINE_BODY: Buffer.from(body).toString('base64') });
    nodes.push(constantHeaders);
    const nodeHttp = await startNode('node-http', { HEADLINE_BODY: Buffer.from(body).toString('base64') });
    nodes.push(nodeHttp);
    const upstream = new URL(uncached.url).host;
    const nginx = await startNginx(nginxSite(upstream));
    edges.push(nginx);
    const varnish = await startVarnish(varnishVcl(upstream));
    edges.push(varnish);

    const all: Contender[] = [
      { key: 'uncached', name: '(a) catalog, uncached', url: uncached.url, expect: 'uncached', processGroup: uncached.processGroup },
      { key: 'l1', name: '(b) catalog, cachegen L1', url: l1.url, expect: 'hit', processGroup: l1.processGroup },
      { key: 'l1-redis', name: '(c) catalog, cachegen L1 + Redis', url: l1Redis.url, expect: 'hit', processGroup: l1Redis.processGroup },
      { key: 'nginx', name: '(d) uncached catalog behind nginx proxy_cache', url: nginx.url, expect: 'hit', processGroup: nginx.processGroup },
      { key: 'varnish', name: '(e) uncached catalog behind Varnish', url: varnish.url, expect: 'hit', processGroup: varnish.processGroup },
      { key: 'constant', name: '(f) constant Buffer, hand-written Fastify route', url: constant.url, expect: 'hit', processGroup: constant.processGroup },
      { key: 'constant-headers', name: '(g) (f) + the four cache headers', url: constantHeaders.url, expect: 'hit', processGroup: constantHeaders.processGroup },
      { key: 'node-http', name: '(h) node:http alone, the bytes and headers of (g)', url: nodeHttp.url, expect: 'hit', processGroup: nodeHttp.processGroup },
    ];
    const contenders = all.filter((c) => !ONLY || ONLY.includes(c.key));
    for (const c of contenders) await check(c, body);
    console.log(`GET ${PATH} (${Buffer.byteLength(body)} B JSON), ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds; load ${loadBefore}`);
    const measured = await compare(contenders);
    if (ONLY) {
      console.table(measured.map(({ name, rps, p50, p99, cpuUs }) => ({ name, rps: Math.round(rps), p50, p99, cpuUs })));
      return;
    }
    const loadAfter = load();
    const byKey = (k: string) => measured.find((m) => m.key === k)!;
    const ours = byKey('l1');
    // Paired ratios: each round's contenders ran back to back under the same machine load.
    const paired = (m: Measured, to: Measured) => median(m.rounds.map((r, i) => r / to.rounds[i]!));
    const rows = measured.map((m) => [
      m.name, String(Math.round(m.rps)), `${(m.rps / ours.rps).toFixed(2)}×`, `${paired(m, ours).toFixed(2)}×`,
      `${m.p50} ms`, `${m.p99} ms`, `${m.cpuUs.toFixed(1)} µs`, m.rounds.join(' / '),
    ]);
    const headers = ['server', 'req/s (median)', 'vs (b)', 'vs (b), per round (median)', 'p50', 'p99', 'server CPU per request', 'req/s per round'];
    const table = markdownTable(headers, rows);
    const ratio = (k: string) => paired(byKey(k), ours);
    const verdict = [
      `Per round, nginx served ${ratio('nginx').toFixed(2)}× our L1 hit's req/s, Varnish ${ratio('varnish').toFixed(2)}×, the constant route ${ratio('constant').toFixed(2)}×;`,
      `per request, nginx spent ${(byKey('nginx').cpuUs / ours.cpuUs).toFixed(2)}× our L1 hit's server CPU, Varnish ${(byKey('varnish').cpuUs / ours.cpuUs).toFixed(2)}×, the constant route ${(byKey('constant').cpuUs / ours.cpuUs).toFixed(2)}×;`,
      `our hit path is ${ratio('varnish') < 1 ? 'above' : 'below'} Varnish's (goal: above) and the constant route's gap is ${((1 - 1 / ratio('constant')) * 100).toFixed(0)}% of its req/s.`,
      // Issue #15, target 3: (b) ≥ 0.95× (f) and ≥ 1.0× (g), by req/s; CPU per request says the same without the machine's noise.
      `Against Node's ceiling: (b) served ${(1 / ratio('constant')).toFixed(2)}× the req/s of (f) (target ≥ 0.95×) and ${(1 / ratio('constant-headers')).toFixed(2)}× (g) (target ≥ 1.0×);`,
      `by server CPU per request, (f) costs ${(byKey('constant').cpuUs / ours.cpuUs).toFixed(2)}× and (g) ${(byKey('constant-headers').cpuUs / ours.cpuUs).toFixed(2)}× what (b) costs.`,
      `Of (g)'s CPU per request, node:http alone (h) accounts for ${((byKey('node-http').cpuUs / byKey('constant-headers').cpuUs) * 100).toFixed(0)}%: the rest is Fastify's pipeline (routing, hooks, reply), which a cachegen hit goes through like any route so that users' hooks (onRequest, onSend, onResponse…) still run.`,
    ].join(' ');
    const markdown = [
      '# Headline: cachegen vs nginx and Varnish in front',
      '',
      `Reproduce: \`${COMMAND}\`. The catalog example's \`GET ${PATH}\` (a ${Buffer.byteLength(body)}-byte JSON product), autocannon from the benchmark's process, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, contenders alternating in rotated order; medians. Every Node server runs in a process of its own; nginx (1 worker) and Varnish (\`-s malloc\`, its default thread pools) run privately on free ports with throw-away configs (bench/headline.bench.ts). The uncached catalog runs its handler on every request, including the example's origin cost (50 ms for a product); nginx and Varnish in front of it cache by its Cache-Control (\`public, max-age=600\`). Each contender is checked first: the second request is a hit (uncached: never). *Server CPU per request* is the user + system time of the server's whole process group (nginx's master and worker, Varnish's manager and child with its threads, the Node process) during a run, over the requests it answered (from /proc): on a shared machine it moves far less than req/s, and it is what decides req/s once a server has a core to itself.`,
      '',
      table,
      '',
      verdict,
      '',
      "Reading the numbers. nginx answers a hit from its cache with a fraction of the CPU that node:http alone (h) needs to send the same bytes: no Node server closes that gap, whatever it does per request. A cachegen hit goes through Fastify's whole pipeline like any route, so users' hooks (onRequest, preHandler, onSend, onResponse: authentication, rate limits, logging) still run on hits; writing prepared header bytes to the socket would need `reply.hijack()`, which skips onSend and onResponse, so the hit path does not do it. What an in-process hit saves is the proxy hop: no second process, no second connection, and an answer that invalidations reach in the same process (docs/two-tier.md).",
      '',
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}. The machine (${machine().cpus} cores) is shared with other work and the load generator shares it too: read ratios within this run, not absolute numbers. Latencies are every 200 response's time as autocannon's clients saw it (percentiles of all responses of a run, median over runs), measured while the server is saturated by ${CONNECTIONS} connections, so they mostly mirror req/s; the proxies' include their hop, cachegen's answer comes from the process that owns the data.`,
      '',
    ].join('\n');
    const written = writeReport('headline', {
      command: COMMAND, machine: machine(), path: PATH, bodyBytes: Buffer.byteLength(body), connections: CONNECTIONS, secondsPerRun: SECONDS, rounds: ROUNDS,
      loadavgBefore: loadBefore, loadavgAfter: loadAfter,
      contenders: measured.map((m) => ({ ...m, ratioToL1: m.rps / ours.rps, pairedRatioToL1: paired(m, ours) })),
    }, markdown);
    console.log(`\n${table}\n\n${verdict}\nwrote ${written.json} and ${written.markdown}\nreproduce: ${COMMAND}`);
  } finally {
    for (const e of edges) await e.stop();
    await Promise.all(nodes.map(stopNode));
    await stopServices();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
