/**
 * HTTP benchmark (`npm run bench:http`):
 *  1. over loopback sockets, autocannon in this process and every server in a process of its
 *     own (bench/lib/http-server.ts), so the load generator never shares a server's event loop;
 *     req/s and the server's CPU time per request (from /proc): the hit path of a generated route
 *     vs a hand-written Fastify route sending a constant Buffer (the ceiling: no cache, no keying),
 *     with a ~300 B and a 100 KB body, vs the same route sending the four headers a cached answer
 *     carries (their own cost), and vs the route hand-cached with bentocache and with cache-manager;
 *  2. without sockets (bench/lib/null-socket.ts): the CPU each server spends on a request in
 *     JavaScript, so what each piece of Fastify's pipeline (a no-op hook of each kind, a params
 *     schema, …) and the generated route's hit cost shows to a fraction of a microsecond;
 *  3. section 1's three Fastify contenders again with the servers in this process, as bench:http
 *     measured until 2026-11 (the load generator sharing their event loop);
 *  4. generation time for a 1,000-operation spec.
 * Contenders alternate in rotated order, several rounds; medians.
 *
 *   npm run bench:http       (ROUNDS=5 SECONDS_PER_RUN=5 CONNECTIONS=32 PIPELINE_ROUNDS=61 PIPELINE_REQUESTS=2000)
 *   ONLY=constant,generated SIZES=small npm run bench:http   (those contenders only, sections 1 and 2; writes nothing)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIr, loadSpec } from 'cachegen';
import { generate } from '../generator/emit/generate.js';
import { emit } from '../generator/emit/index.js';
import { syntheticSpec } from '../test/codegen/synthetic-spec.js';
import { groupCpuUs, startNode, stopNode, type NodeServer } from './lib/child-server.js';
import { buildApp, type BenchApp } from './lib/http-apps.js';
import { benchSpec, bodyBytes, type Size } from './lib/http-fixture.js';
import { cpuPerRequest } from './lib/null-socket.js';
import { machine, markdownTable, writeReport } from './lib/report.js';
import { median } from './lib/timing.js';

interface AutocannonResult { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number }
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const PIPELINE_ROUNDS = Number(process.env.PIPELINE_ROUNDS ?? 61);
const PIPELINE_REQUESTS = Number(process.env.PIPELINE_REQUESTS ?? 2000);
/** ONLY=generated,constant,…: measure only these contenders (section 1 and 2), print, write nothing. */
const ONLY = process.env.ONLY?.split(',');
const SIZES = (process.env.SIZES?.split(',') ?? ['small', 'large']) as Size[];
const COMMAND = [
  ROUNDS !== 5 ? `ROUNDS=${ROUNDS}` : '', SECONDS !== 5 ? `SECONDS_PER_RUN=${SECONDS}` : '', CONNECTIONS !== 32 ? `CONNECTIONS=${CONNECTIONS}` : '',
  PIPELINE_ROUNDS !== 61 ? `PIPELINE_ROUNDS=${PIPELINE_ROUNDS}` : '', PIPELINE_REQUESTS !== 2000 ? `PIPELINE_REQUESTS=${PIPELINE_REQUESTS}` : '',
  'npm run bench:http',
].filter(Boolean).join(' ');
const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench/.tmp/http');
const serverScript = fileURLToPath(new URL('./lib/http-server.ts', import.meta.url));
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** The contenders of section 1, by variant of bench/lib/http-server.ts. */
const MAIN = [
  { key: 'constant', name: 'constant Buffer (hand-written Fastify)' },
  { key: 'generated', name: 'generated route (L1 hit)' },
  { key: 'constant-headers', name: 'constant Buffer + the 4 cache headers (hand-written)' },
  { key: 'bentocache', name: 'hand-cached with bentocache' },
  { key: 'cache-manager', name: 'hand-cached with cache-manager' },
];
/** Section 2: the constant route with one more piece of Fastify's pipeline, node:http without any, and the generated route's hit. */
const PARTS = [
  { key: 'constant', name: 'constant route (no hook, no schema)' },
  { key: 'constant+onRequest', name: '+ one no-op onRequest hook' },
  { key: 'constant+preParsing', name: '+ one no-op preParsing hook' },
  { key: 'constant+preValidation', name: '+ one no-op preValidation hook' },
  { key: 'constant+preHandler', name: '+ one no-op preHandler hook' },
  { key: 'constant+onSend', name: '+ one no-op onSend hook' },
  { key: 'constant+onResponse', name: '+ one no-op onResponse hook' },
  { key: 'constant+params-schema', name: '+ the generated route\'s params schema (validation, coercion)' },
  { key: 'constant+async', name: '+ an async handler instead of a callback one' },
  { key: 'constant-headers', name: '+ the 4 cache headers, one reply.header() each' },
  { key: 'constant+headers-object', name: '+ the 4 cache headers as one reply.headers({…})' },
  { key: 'generated', name: 'generated route, L1 hit (params schema, key, lookup, the 4 headers)' },
  { key: 'node-http', name: 'node:http alone, the bytes and headers of constant-headers' },
];

interface Run { rps: number; p50: number; p99: number; cpuUs: number; clientUs: number }
interface Target { key: string; name: string; url: string; processGroup: number | undefined }
interface Measured { key: string; name: string; rps: number; p50: number; p99: number; cpuUs: number | undefined; clientUs: number; rounds: number[]; cpuUsPerRound: number[] }

/** One autocannon run; the server's CPU per request when it runs in a process group of its own. */
async function run(target: Target, path: string, seconds: number): Promise<Run> {
  const cpuBefore = target.processGroup === undefined ? 0 : groupCpuUs(target.processGroup);
  const clientBefore = process.cpuUsage();
  const r = await autocannon({ url: target.url + path, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`${target.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts; the contender answers wrongly`);
  const client = process.cpuUsage(clientBefore);
  const cpuUs = target.processGroup === undefined ? NaN : (groupCpuUs(target.processGroup) - cpuBefore) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs: round2(cpuUs), clientUs: round2((client.user + client.system) / r.requests.total) };
}

/** Runs every contender once per round, in rotated order; medians per contender. */
async function compare(targets: Target[], path: string): Promise<Measured[]> {
  const samples = new Map(targets.map((t) => [t.key, [] as Run[]]));
  for (const t of targets) await run(t, path, 1); // warm up (JIT, pools)
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + round) % targets.length]!;
      const r = await run(t, path, SECONDS);
      samples.get(t.key)!.push(r);
      console.log(`  round ${round + 1}/${ROUNDS} ${t.name}: ${Math.round(r.rps)} req/s, server CPU ${r.cpuUs} µs/request, load generator ${r.clientUs} µs/request (load ${load()})`);
    }
  }
  return targets.map((t) => {
    const runs = samples.get(t.key)!;
    return {
      key: t.key, name: t.name,
      rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)),
      cpuUs: t.processGroup === undefined ? undefined : median(runs.map((r) => r.cpuUs)), clientUs: median(runs.map((r) => r.clientUs)),
      rounds: runs.map((r) => Math.round(r.rps)), cpuUsPerRound: runs.map((r) => r.cpuUs),
    };
  });
}

/** Each round's contenders ran back to back under the same machine load: the median of their per-round ratios. */
const paired = (m: Measured, to: Measured): number => median(m.rounds.map((r, i) => r / to.rounds[i]!));

/** The first answer must be right (status, body) and a generated route's second one a hit. */
async function check(target: Target, size: Size): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const response = await fetch(`${target.url}/items/${size}/1`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200 || !bytes.equals(bodyBytes[size])) throw new Error(`${target.name}: answered ${response.status} with another body`);
    if (target.key === 'generated' && i === 1 && !/;\s*hit/.test(response.headers.get('cache-status') ?? '')) throw new Error(`${target.name}: the second request was not a hit`);
  }
}

interface PipelineMeasured { key: string; name: string; min: number; p25: number; us: number; runs: number[] }

/** Section 2: every contender built in this process, served without sockets, alternating; CPU µs per request. */
async function pipeline(contenders: Array<{ key: string; name: string }>, serverTs: string): Promise<PipelineMeasured[]> {
  const apps = new Map<string, BenchApp>();
  try {
    for (const c of contenders) apps.set(c.key, await buildApp(c.key, serverTs));
    const url = '/items/small/1';
    for (const c of contenders) await cpuPerRequest(apps.get(c.key)!.server, url, 2 * PIPELINE_REQUESTS); // warm up (JIT; the generated route's first request fills L1)
    const runs = new Map(contenders.map((c) => [c.key, [] as number[]]));
    for (let round = 0; round < PIPELINE_ROUNDS; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + round) % contenders.length]!;
        runs.get(c.key)!.push(round2(await cpuPerRequest(apps.get(c.key)!.server, url, PIPELINE_REQUESTS)));
      }
    }
    const at = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
    return contenders.map((c) => {
      const r = runs.get(c.key)!;
      console.log(`  ${c.name}: ${median(r).toFixed(2)} µs per request (rounds: ${r.join(' ')})`);
      return { key: c.key, name: c.name, min: Math.min(...r), p25: at(r, 0.25), us: median(r), runs: r };
    });
  } finally {
    for (const app of apps.values()) await app.close();
  }
}

/** Section 1's three Fastify servers in this process, as bench:http ran them before every server had its own. */
async function inProcessTargets(serverTs: string): Promise<{ targets: Target[]; close(): Promise<void> }> {
  const apps: BenchApp[] = [];
  const targets: Target[] = [];
  for (const c of MAIN.slice(0, 3)) {
    const app = await buildApp(c.key, serverTs);
    apps.push(app);
    targets.push({ key: c.key, name: `${c.name}, in this process`, url: await app.listen(), processGroup: undefined });
  }
  return { targets, close: async () => { for (const app of apps) await app.close(); } };
}

async function main(): Promise<void> {
  const loadBefore = load();
  mkdirSync(work, { recursive: true });
  const specFile = join(work, 'api.json');
  writeFileSync(specFile, JSON.stringify(benchSpec()));
  const output = join(work, 'generated');
  await generate({ ir: buildIr(await loadSpec(specFile)), output });
  const serverTs = join(output, 'server.ts');

  const wanted = MAIN.map((c) => c.key).filter((k) => !ONLY || ONLY.includes(k));
  const servers = new Map<string, NodeServer>();
  try {
    for (const key of wanted) servers.set(key, await startNode(serverScript, key, { HTTP_BENCH_GENERATED: serverTs }));
    const targetsOf = (list: Array<{ key: string; name: string }>): Target[] => list.filter((c) => servers.has(c.key))
      .map((c) => ({ key: c.key, name: c.name, url: servers.get(c.key)!.url, processGroup: servers.get(c.key)!.processGroup }));
    for (const size of SIZES) for (const t of targetsOf(MAIN)) await check(t, size);

    const results: Record<string, unknown> = {};
    const rows: string[][] = [];
    const label = (size: Size) => size === 'small' ? `${bodyBytes.small.length} B` : `${Math.round(bodyBytes.large.length / 1024)} KB`;
    for (const size of SIZES) {
      console.log(`\n${label(size)} body: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds; load ${load()}`);
      const measured = await compare(targetsOf(MAIN), `/items/${size}/1`);
      const ceiling = measured.find((m) => m.key === 'constant');
      results[size] = {
        bodyBytes: bodyBytes[size].length,
        contenders: measured.map((m) => ({ ...m, ...(ceiling ? { ratioToConstant: m.rps / ceiling.rps, pairedRatioToConstant: paired(m, ceiling) } : {}) })),
      };
      for (const m of measured) {
        rows.push([
          label(size), m.name, String(Math.round(m.rps)), ceiling ? `${paired(m, ceiling).toFixed(2)}x` : '',
          `${m.cpuUs!.toFixed(1)} µs`, ceiling ? `${(ceiling.cpuUs! / m.cpuUs!).toFixed(2)}x` : '', `${m.clientUs.toFixed(1)} µs`,
          `${m.p50} ms`, `${m.p99} ms`, m.rounds.join(' / '),
        ]);
      }
    }
    const mainHeaders = ['body', 'server', 'req/s (median)', 'req/s vs constant, per round (median)', 'server CPU per request (median)', 'constant\'s CPU / this CPU', 'load generator CPU per request', 'p50', 'p99', 'req/s per round'];
    console.log('\n' + markdownTable(mainHeaders, rows));

    // 2. What each piece of Fastify's pipeline costs, without sockets (small body).
    for (const server of servers.values()) await stopNode(server);
    servers.clear();
    console.log(`\nFastify's pipeline without sockets, piece by piece (${label('small')} body), ${PIPELINE_ROUNDS} rounds of ${PIPELINE_REQUESTS} requests; load ${load()}`);
    const parts = await pipeline(PARTS.filter((c) => !ONLY || ONLY.includes(c.key)), serverTs);
    const base = parts.find((m) => m.key === 'constant');
    const signed = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(2)} µs`;
    // Another process taking the core mid-run only ever adds CPU time: a contender's fastest rounds are its cleanest.
    const partRows = parts.map((m) => [
      m.name, `${m.min.toFixed(2)} µs`, base && m !== base ? signed(m.min - base.min) : '', `${m.p25.toFixed(2)} µs`, base && m !== base ? signed(m.p25 - base.p25) : '', `${m.us.toFixed(2)} µs`,
    ]);
    const partHeaders = ['server (300 B body, no sockets)', 'CPU per request, fastest round', 'vs constant', 'CPU per request, p25 of rounds', 'vs constant', 'median of rounds'];
    console.log('\n' + markdownTable(partHeaders, partRows));
    results.pipeline = { rounds: PIPELINE_ROUNDS, requestsPerRound: PIPELINE_REQUESTS, contenders: parts };
    if (ONLY) return;

    // 3. The old methodology, in this same run: servers in the load generator's process.
    console.log(`\nin-process (the load generator shares the servers' event loop), ${label('small')} body; load ${load()}`);
    const inProcess = await inProcessTargets(serverTs);
    let inRows: string[][];
    try {
      const measured = await compare(inProcess.targets, '/items/small/1');
      const ceiling = measured[0]!;
      results.inProcess = measured.map((m) => ({ key: m.key, name: m.name, rps: m.rps, rounds: m.rounds, pairedRatioToConstant: paired(m, ceiling) }));
      inRows = measured.map((m) => [m.name, String(Math.round(m.rps)), `${paired(m, ceiling).toFixed(2)}x`, m.rounds.join(' / ')]);
    } finally {
      await inProcess.close();
    }
    const inHeaders = ['server (300 B body)', 'req/s (median)', 'req/s vs constant, per round (median)', 'req/s per round'];

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
    const loadAfter = load();

    const small = (results.small as { contenders: Array<Measured & { pairedRatioToConstant: number }> }).contenders;
    const by = (k: string) => small.find((m) => m.key === k)!;
    const gen = by('generated');
    const byPart = (k: string) => parts.find((m) => m.key === k);
    const inByKey = (k: string) => (results.inProcess as Array<{ key: string; pairedRatioToConstant: number }>).find((m) => m.key === k)!;
    const verdict = [
      `Issue #15, target 3 (${label('small')} body): the generated route's L1 hit served ${gen.pairedRatioToConstant.toFixed(2)}x the constant route's req/s per round (target >= 0.95x)`,
      `and ${paired(gen, by('constant-headers')).toFixed(2)}x the constant route with the four cache headers (target >= 1.0x);`,
      `by server CPU per request it costs ${(gen.cpuUs! / by('constant').cpuUs!).toFixed(2)}x the constant route and ${(gen.cpuUs! / by('constant-headers').cpuUs!).toFixed(2)}x the one with the headers.`,
    ].join(' ');
    const usOf = (k: string, q: 'min' | 'p25') => byPart(k)?.[q];
    const gap = (a: string, b: string, q: 'min' | 'p25') => { const x = usOf(a, q); const y = usOf(b, q); return x === undefined || y === undefined ? 'n/a' : `${(x - y) >= 0 ? '+' : ''}${(x - y).toFixed(2)} µs`; };
    const cheaper = (a: string, b: string) => { const x = usOf(a, 'min'); const y = usOf(b, 'min'); return x === undefined || y === undefined ? 'n/a' : `${Math.abs(y - x).toFixed(2)} µs ${x <= y ? 'cheaper' : 'dearer'}`; };
    const pipelineVerdict = [
      `Without sockets, a hit of the generated route cost ${gap('generated', 'constant', 'min')} of CPU over the constant route (fastest rounds; ${gap('generated', 'constant', 'p25')} by the rounds' lower quartile),`,
      `${gap('generated', 'constant-headers', 'min')} (${gap('generated', 'constant-headers', 'p25')}) over the constant route sending the four cache headers,`,
      `of which Fastify's validation of the route's params schema is ${gap('constant+params-schema', 'constant', 'min')} (${gap('constant+params-schema', 'constant', 'p25')}); the rest is the key (the URL memo), the L1 lookup and Cache-Status and Age.`,
      `The four cache headers cost ${gap('constant-headers', 'constant', 'min')} through one reply.header() each and ${gap('constant+headers-object', 'constant', 'min')} as one reply.headers({…}) (which calls reply.header() per name); Node validates and writes each header either way.`,
      `Writing a hit's prepared header bytes to the socket would need reply.hijack(), which skips onSend and onResponse hooks, so the hit path does not do it; node:http alone, sending the same bytes and headers with no framework at all, is the floor of any such shortcut: ${cheaper('node-http', 'constant-headers')} than the constant route with the headers.`,
    ].join(' ');
    const markdown = [
      '# HTTP: the generated route\'s hit path',
      '',
      `Reproduce: \`${COMMAND}\` (autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, contenders alternating in rotated order; medians). Every server runs in a process of its own (bench/lib/http-server.ts), so autocannon, in the benchmark's process, never shares a server's event loop. *Server CPU per request* is the user + system time of the server's process during a run over the requests it answered (from /proc); *load generator CPU per request* is autocannon's (this process's) over the same requests. On this shared 2-core machine the load generator and the server each need a core, so req/s moves with whatever else runs; CPU per request moves less, and it is what decides req/s once the server has a core to itself.`,
      '',
      markdownTable(mainHeaders, rows),
      '',
      verdict,
      '',
      '## What each piece of Fastify\'s pipeline costs',
      '',
      `Each server built in the benchmark's process and served without sockets (bench/lib/null-socket.ts: Node's own IncomingMessage and ServerResponse over a socket that drops its bytes, through the server's 'request' listener): the CPU a request costs in JavaScript (routing, hooks, validation, the handler, Fastify's reply, Node's header writing), without the kernel's share or a load generator's, which on this machine hide differences under a microsecond. ${PIPELINE_ROUNDS} rounds of ${PIPELINE_REQUESTS} sequential requests per server, alternating in rotated order. Another process taking the core mid-round only ever adds time, so the fastest round is the cleanest reading; the lower quartile says the same with more rounds behind it. The constant route (${label('small')} body) with one piece more: the difference is what that piece costs a request by itself. The generated route adds no hook of its own; a user's hook costs a hit what it costs any route (a hit goes through Fastify's whole pipeline, so they all run).`,
      '',
      markdownTable(partHeaders, partRows),
      '',
      pipelineVerdict,
      '',
      '## The same three Fastify servers in the load generator\'s process',
      '',
      `Until 2026-11 bench:http ran every server in the benchmark's process, on the event loop autocannon runs on, so a server's req/s was bounded by its own CPU per request plus the load generator's, on one core; its last such run (3 rounds of 3 s, load ~2) showed the generated route's hit at 0.85x the constant route (300 B) and 0.89x for the constant route with the four headers, while bench:headline, whose servers each have a process of their own, showed 1.04x and 1.09x. Measured again in this run the old way: the generated route ${inByKey('generated').pairedRatioToConstant.toFixed(2)}x and the constant route with the four headers ${inByKey('constant-headers').pairedRatioToConstant.toFixed(2)}x the constant route, per round (no CPU per request here: the process's time is the server's and autocannon's together). Parsing a response is autocannon's work, so there a longer head (the four headers are ~110 bytes) is paid twice on the same core; the load generator's CPU per request in the first table shows what it spends on each server's answers.`,
      '',
      markdownTable(inHeaders, inRows),
      '',
      `Generation of a ${operations}-operation spec (load + IR + emit, in memory): ${Math.round(generationMs)} ms (median of 3).`,
      '',
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}. Machine: ${JSON.stringify(machine())}`,
      '',
    ].join('\n');
    const written = writeReport('http', {
      command: COMMAND, machine: machine(), connections: CONNECTIONS, secondsPerRun: SECONDS, rounds: ROUNDS, loadavgBefore: loadBefore, loadavgAfter: loadAfter, results,
    }, markdown);
    console.log(`\n${markdownTable(inHeaders, inRows)}\n\n${verdict}\n${pipelineVerdict}\nwrote ${written.json} and ${written.markdown}\nreproduce: ${COMMAND}`);
  } finally {
    for (const s of servers.values()) await stopNode(s);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
