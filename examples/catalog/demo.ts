/**
 * `npm run demo`: generate the catalog's server from its spec, start it (L1 only; Redis too when
 * REDIS_URL is set; PostgreSQL when DATABASE_URL is set), drive about 10 s of storefront
 * traffic, print what the cache did per endpoint, and exit leaving nothing running and, with
 * Redis, none of its keys behind. Ctrl-C ends the traffic early and still cleans up.
 *
 * Options: --seconds N (default 10), --concurrency N (default 32), --log FILE (write an access
 * log of the run, JSON lines, for `cachegen advise --log FILE`).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate, loadProject } from 'cachegen';
import { AccessLog } from './access-log.js';
import { deleteNamespace } from './namespace.js';
import { serverTimes, TrafficReport, type Outcome } from './report.js';
import { trafficMix } from './traffic.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got "${value}")`);
  return n;
}

function outcomeOf(cacheStatus: string | null): Outcome {
  if (!cacheStatus) return 'uncached';
  return /;\s*hit/.test(cacheStatus) ? 'hit' : 'miss';
}

/** Redraws one status line on a terminal, prints a plain line every 2 s elsewhere. */
function progress(seconds: number, report: TrafficReport, started: number): { tick(): void; done(): void } {
  const tty = process.stdout.isTTY === true;
  let lastPlain = 0;
  return {
    tick() {
      const elapsed = (performance.now() - started) / 1000;
      const status = `${elapsed.toFixed(1).padStart(4)} s  ${String(report.total).padStart(7)} requests  hit rate ${(report.hitRate() * 100).toFixed(1)}%`;
      if (tty) {
        const width = 30;
        const filled = Math.min(width, Math.round((elapsed / seconds) * width));
        process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status}`);
      } else if (elapsed - lastPlain >= 2) {
        lastPlain = elapsed;
        process.stdout.write(`${status}\n`);
      }
    },
    done() {
      if (tty) process.stdout.write('\n');
    },
  };
}

/** Lints the catalog's spec (refusing errors) and writes its generated server. */
async function generateCatalog(): Promise<void> {
  const project = await loadProject({ cwd: root });
  const errors = project.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`the spec has lint errors: ${errors.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('; ')}`);
  const result = await generate({
    ir: project.ir,
    output: project.config.output,
    ...(project.config.runtimeImport ? { runtimeImport: project.config.runtimeImport } : {}),
  });
  console.log(`cachegen: ${project.ir.operations.length} operations, lint clean, ${result.written.length} files written, ${result.unchanged.length} unchanged`);
}

/** `concurrency` clients send the traffic mix to `url` for `seconds` (less after Ctrl-C); what they saw, per endpoint (and per request, in `accessLog`). */
async function driveTraffic(url: string, seconds: number, concurrency: number, accessLog?: AccessLog): Promise<{ report: TrafficReport; elapsed: number }> {
  const report = new TrafficReport();
  const next = trafficMix();
  const started = performance.now();
  let deadline = started + seconds * 1000;
  const stopEarly = () => { deadline = 0; };
  process.once('SIGINT', stopEarly);
  const bar = progress(seconds, report, started);
  const ticker = setInterval(() => bar.tick(), 200);
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = next();
      const t0 = performance.now();
      const startedAt = Date.now();
      let status = 0;
      let bytes = 0;
      let cacheStatus: string | null = null;
      try {
        const response = await fetch(url + request.path, {
          method: request.method,
          headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
        bytes = (await response.arrayBuffer()).byteLength;
        status = response.status;
        cacheStatus = response.headers.get('cache-status');
      } catch {
        status = 0;
      }
      report.record(request.endpoint, outcomeOf(cacheStatus), performance.now() - t0, status > 0 && status < 500);
      if (status > 0) accessLog?.write({ time: startedAt, method: request.method, path: request.path, status, bytes, durationMs: performance.now() - t0, headers: request.headers ?? {}, cacheStatus });
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', stopEarly);
    bar.tick();
    bar.done();
  }
  return { report, elapsed: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, concurrency: { type: 'string' }, log: { type: 'string' } } });
  const seconds = positiveInt('seconds', values.seconds, 10);
  const concurrency = positiveInt('concurrency', values.concurrency, 32);

  await generateCatalog();
  // Imported after generation: the server is the code just generated.
  const { startCatalog } = await import('./app.js');
  const redisUrl = process.env.REDIS_URL;
  const databaseUrl = process.env.DATABASE_URL;
  const namespace = `cachegen-demo-${process.pid}`;
  const catalog = await startCatalog({
    ...(redisUrl ? { redisUrl, namespace } : {}),
    ...(databaseUrl ? { databaseUrl, schema: 'cachegen_demo' } : {}),
  });
  console.log(`catalog API on ${catalog.url}: L1${redisUrl ? ' + Redis L2' : ' only (set REDIS_URL for Redis)'}, ${databaseUrl ? 'PostgreSQL store' : 'in-memory store (set DATABASE_URL for PostgreSQL)'}`);
  console.log(`driving ${seconds} s of traffic, ${concurrency} concurrent clients...`);

  let run: Awaited<ReturnType<typeof driveTraffic>>;
  let server: ReturnType<typeof serverTimes>;
  let deleted = 0;
  const accessLog = values.log ? new AccessLog(resolve(values.log)) : undefined;
  try {
    run = await driveTraffic(catalog.url, seconds, concurrency, accessLog);
    server = serverTimes(await catalog.metrics.registry.metrics());
  } finally {
    await accessLog?.close();
    await catalog.close();
    // Each run has its own namespace: leave none of it in the user's Redis.
    if (redisUrl) deleted = await deleteNamespace(redisUrl, namespace);
  }

  const { report, elapsed } = run;
  console.log('');
  console.log(report.table(server));
  console.log('');
  console.log(`${report.total} requests in ${elapsed.toFixed(1)} s (${Math.round(report.total / elapsed)}/s), hit rate ${(report.hitRate() * 100).toFixed(1)}% over cached endpoints.`);
  console.log('server: p50 inside the server, from the cache\'s own metrics (what GET /metrics serves); an L1 hit takes microseconds.');
  console.log(`client: p50/p99 seen by ${concurrency} concurrent clients in this process, over loopback (their queueing included).`);
  console.log('miss cost = miss rate x mean client miss time: what the misses add to each request, on average.');
  if (redisUrl) console.log(`deleted this run's ${deleted} Redis keys (${namespace}:*)`);
  if (values.log) console.log(`access log: ${values.log}; what to cache: npx cachegen advise --log ${values.log} --spec examples/catalog/openapi.yaml`);
  console.log(`reproduce: npm run demo -- --seconds ${seconds} --concurrency ${concurrency}`);
}

main().then(
  () => { process.exitCode = 0; },
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
