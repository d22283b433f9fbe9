/**
 * `npm run demo`: generate the catalog's server from its spec, start it (L1 only; Redis too when
 * REDIS_URL is set; PostgreSQL when DATABASE_URL is set), drive about 10 s of storefront
 * traffic, print what the cache did per endpoint, and exit leaving nothing running.
 *
 * Options: --seconds N (default 10), --concurrency N (default 32).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadProject } from 'cachegen';
import { generate } from '../../generator/emit/generate.js';
import { TrafficReport, type Outcome } from './report.js';
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, concurrency: { type: 'string' } } });
  const seconds = positiveInt('seconds', values.seconds, 10);
  const concurrency = positiveInt('concurrency', values.concurrency, 32);

  const project = await loadProject({ cwd: root });
  const errors = project.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`the spec has lint errors: ${errors.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('; ')}`);
  const result = await generate({
    ir: project.ir,
    output: project.config.output,
    ...(project.config.runtimeImport ? { runtimeImport: project.config.runtimeImport } : {}),
  });
  console.log(`cachegen: ${project.ir.operations.length} operations, lint clean, ${result.written.length} files written, ${result.unchanged.length} unchanged`);

  // Imported after generation: the server is the code just generated.
  const { startCatalog } = await import('./app.js');
  const redisUrl = process.env.REDIS_URL;
  const databaseUrl = process.env.DATABASE_URL;
  const catalog = await startCatalog({
    ...(redisUrl ? { redisUrl, namespace: `cachegen-demo-${process.pid}` } : {}),
    ...(databaseUrl ? { databaseUrl, schema: 'cachegen_demo' } : {}),
  });
  console.log(`catalog API on ${catalog.url}: L1${redisUrl ? ' + Redis L2' : ' only (set REDIS_URL for Redis)'}, ${databaseUrl ? 'PostgreSQL store' : 'in-memory store (set DATABASE_URL for PostgreSQL)'}`);
  console.log(`driving ${seconds} s of traffic, ${concurrency} concurrent clients...`);

  const report = new TrafficReport();
  const next = trafficMix();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const bar = progress(seconds, report, started);
  const ticker = setInterval(() => bar.tick(), 200);
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = next();
      const t0 = performance.now();
      let status = 0;
      let cacheStatus: string | null = null;
      try {
        const response = await fetch(catalog.url + request.path, {
          method: request.method,
          headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
        await response.arrayBuffer();
        status = response.status;
        cacheStatus = response.headers.get('cache-status');
      } catch {
        status = 0;
      }
      report.record(request.endpoint, outcomeOf(cacheStatus), performance.now() - t0, status > 0 && status < 500);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearInterval(ticker);
    bar.tick();
    bar.done();
  }
  const elapsed = (performance.now() - started) / 1000;

  console.log('');
  console.log(report.table());
  console.log('');
  console.log(`${report.total} requests in ${elapsed.toFixed(1)} s (${Math.round(report.total / elapsed)}/s), hit rate ${(report.hitRate() * 100).toFixed(1)}% over cached endpoints.`);
  console.log('miss cost = miss rate x mean miss latency: what the misses add to each request, on average. Latencies are client-side, over loopback.');
  console.log(`metrics: ${catalog.url}/metrics while running; reproduce: npm run demo -- --seconds ${seconds} --concurrency ${concurrency}`);
  await catalog.close();
  if (redisUrl) console.log(`(Redis keys of this run are under cachegen-demo-${process.pid}:*)`);
}

main().then(
  () => { process.exitCode = 0; },
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
