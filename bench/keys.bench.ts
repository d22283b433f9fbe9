/**
 * Key building for a typical REST request: 3 query parameters, 1 vary header
 * (Accept-Language), private scope with the caller identity from a memoized HMAC of the
 * Authorization header. Contenders run alternately over several rounds; medians compared.
 *
 * Run: npm run bench:keys      (add --quick for fewer rounds)
 * Writes bench/results/keys.json and docs/benchmarks/keys.md.
 */
import { createHash, createHmac } from 'node:crypto';
import { createRestKeyer, type RestKeyInput } from '@cachegen/runtime';
import { machine, markdownTable, writeReport } from './lib/report.js';
import { median, type Contender } from './lib/timing.js';

const quick = process.argv.includes('--quick');
const command = `npm run bench:keys${quick ? ' -- --quick' : ''}`;
const rounds = quick ? 5 : 15;
const opsPerRun = 200_000;
const secret = 'bench-secret-0123456789abcdef';

const policy = { scope: 'private' as const, vary: ['accept-language'], key: { ignoreQuery: ['utm_*'] } };
const languages = ['en-US', 'fr-FR, fr;q=0.9', 'de'];
/** 64 distinct requests from 8 callers: realistic variety, every token seen before (memo warm, as on a hit path). */
const requests: RestKeyInput[] = Array.from({ length: 64 }, (_, i) => ({
  operationId: 'listProducts',
  params: {},
  query: `?category=shoes-${i % 16}&sort=price&page=${1 + (i % 4)}`,
  headers: {
    host: 'api.example.com', accept: 'application/json', 'accept-language': languages[i % 3]!,
    authorization: `Bearer eyJhbGciOiJIUzI1NiJ9.user-${i % 8}.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Njc4OTA`,
    'user-agent': 'bench/1.0',
  },
}));
const parsedRequests: RestKeyInput[] = requests.map((r) => ({
  ...r, query: Object.fromEntries(new URLSearchParams(r.query as string)),
}));

const privateKeyer = createRestKeyer({ policy, secret });
const publicKeyer = createRestKeyer({ policy: { ...policy, scope: 'public' } });
const unmemoizedKeyer = createRestKeyer({
  policy,
  identify: (input) => createHmac('sha256', secret).update(String(input.headers.authorization)).digest('base64url'),
});

let sink = 0;
function contender(name: string, inputs: RestKeyInput[], build: (input: RestKeyInput) => string | undefined): Contender {
  return {
    name,
    prepare() { for (const input of inputs) build(input); },
    run() {
      for (let i = 0; i < opsPerRun; i++) sink += build(inputs[i & 63]!)!.length;
      return opsPerRun;
    },
  };
}

/** The same requests with query strings never seen before (a cold query memo: the first request of each). */
function coldQueries(): Contender {
  let fresh: RestKeyInput[] = [];
  let generation = 0;
  return {
    name: 'cachegen, private, query string never seen before',
    prepare() {
      generation++;
      fresh = Array.from({ length: opsPerRun }, (_, i) => ({ ...requests[i & 63]!, query: `?category=c${generation}-${i}&sort=price&page=${i & 3}` }));
    },
    run() {
      for (let i = 0; i < opsPerRun; i++) sink += privateKeyer(fresh[i]!)!.length;
      return opsPerRun;
    },
  };
}

const contenders: Contender[] = [
  contender('cachegen, private, raw query string (target)', requests, privateKeyer),
  contender('cachegen, private, parsed query object', parsedRequests, privateKeyer),
  contender('cachegen, public (no identity)', requests, publicKeyer),
  coldQueries(),
  contender('cachegen, private, HMAC on every request (no memo)', requests, unmemoizedKeyer),
  contender('naive: JSON.stringify(parts) + sha256', parsedRequests, (input) => createHash('sha256').update(JSON.stringify([
    input.operationId, input.params, input.query, input.headers['accept-language'], input.headers.authorization,
  ])).digest('base64url')),
];

/**
 * Like lib/timing's alternate(), but measuring this process's CPU time beside wall time: on a
 * machine shared with other work, wall time mostly measures the wait for a core.
 */
function alternateCpu(list: readonly Contender[], count: number): { cpu: Map<string, number[]>; wall: Map<string, number[]> } {
  const cpu = new Map<string, number[]>(list.map((c) => [c.name, []]));
  const wall = new Map<string, number[]>(list.map((c) => [c.name, []]));
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < list.length; i++) {
      const c = list[(round + i) % list.length]!;
      c.prepare();
      const cpu0 = process.cpuUsage();
      const wall0 = process.hrtime.bigint();
      const ops = c.run();
      const wallNs = Number(process.hrtime.bigint() - wall0);
      const used = process.cpuUsage(cpu0);
      cpu.get(c.name)!.push(((used.user + used.system) * 1000) / ops);
      wall.get(c.name)!.push(wallNs / ops);
    }
  }
  return { cpu, wall };
}

for (const c of contenders) { c.prepare(); c.run(); } // warm up the JIT
const { cpu: samples, wall: wallSamples } = alternateCpu(contenders, rounds);
const target = contenders[0]!.name;
const targetMedian = median(samples.get(target)!);
const rows = contenders.map((c) => {
  const s = samples.get(c.name)!;
  const med = median(s);
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return { name: c.name, cpuMedianNs: round1(med), cpuMinNs: round1(Math.min(...s)), wallMedianNs: round1(median(wallSamples.get(c.name)!)), vsTarget: Math.round((med / targetMedian) * 100) / 100 };
});

console.log(`\nKey building, ns/op of CPU time (and wall time), median of ${rounds} alternating rounds of ${opsPerRun.toLocaleString()} keys\n`);
console.table(rows);
const verdict = targetMedian < 1000
  ? `meets the < 1 µs target (${targetMedian.toFixed(0)} ns of CPU per key)`
  : `MISSES the < 1 µs target (${targetMedian.toFixed(0)} ns of CPU per key)`;
console.log(`\ntarget contender ${verdict}\nreproduce: ${command}\n`);

const env = machine();
const markdown = [
  '# Key building (REST)',
  '',
  'A typical request: `GET /products?category=…&sort=price&page=…` with `Accept-Language` in `vary`, `scope: private`,',
  'the identity an HMAC-SHA256 of the Authorization header (memoized: a cache hit does not recompute it).',
  `64 distinct requests from 8 callers; ${rounds} alternating rounds of ${opsPerRun.toLocaleString()} keys per contender; medians.`,
  '',
  markdownTable(['contender', 'CPU ns/op (median)', 'CPU ns/op (min)', 'wall ns/op (median)', '× target (CPU)'], rows.map((r) => [r.name, r.cpuMedianNs, r.cpuMinNs, r.wallMedianNs, r.vsTarget])),
  '',
  'CPU time is this process\'s user+system time (`process.cpuUsage`); wall time also counts waiting for a core.',
  '',
  `Target: under 1 µs per key. Result: ${verdict}.`,
  '',
  `Machine: ${env.cpu} (${env.cpus} CPUs), Node ${env.node}, ${env.platform}, ${env.date}. The machine was shared with other work while this ran; expect noise.`,
  '',
  `Reproduce: \`${command}\``,
].join('\n');
const written = writeReport('keys', { command, machine: env, rounds, opsPerRun, targetNs: 1000, rows, cpuSamples: Object.fromEntries(samples), wallSamples: Object.fromEntries(wallSamples), loadAverage: (await import('node:os')).loadavg() }, markdown);
console.log(`wrote ${written.json} and ${written.markdown}`);
if (sink === 42) console.log('');
