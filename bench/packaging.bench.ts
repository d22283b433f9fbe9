/**
 * Packaging benchmark: what installing cachegen costs an app, and how long the runtime takes to load.
 *
 * Packs both packages (their dist/ as `npm run build` left it), then installs into fresh folders
 * outside the repository, each its own app:
 *   - runtime, L1 only:   npm i @cachegen/runtime
 *   - runtime + Redis:    npm i @cachegen/runtime ioredis
 *   - ioredis alone:      npm i ioredis            (what "with Redis" is held to)
 *   - cachegen:           npm i -D cachegen        (the CLI and generator, with the runtime it pins)
 * and counts, per app, the packages npm installed (its lockfile) and the bytes of every file under
 * node_modules. Then the cold load time of the runtime in the L1-only app, side by side with
 * node's own start-up, in ROUNDS alternating rounds (medians): a fresh `node -e` each time.
 *
 *   npm run build && npm run bench:packaging          (ROUNDS=21 by default)
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable, machine, writeReport } from './lib/report.js';
import { INSTALL_FLAGS, packPackages, run, scratchEnv, type Tarballs } from '../test/packaging/packed.js';

const ROUNDS = Number(process.env.ROUNDS ?? 21);
const MB = 1e6;

interface Install {
  name: string;
  command: string;
  /** The app's folder. */
  app: string;
  /** Packages in node_modules (the lockfile's entries), all of them / those not published from this repository. */
  packages: number;
  thirdParty: number;
  /** Bytes of every file under node_modules. */
  bytes: number;
  /** The five largest top-level packages and their bytes (their nested node_modules included). */
  largest: Array<{ name: string; bytes: number }>;
}

/** Bytes of every regular file below `dir` (symlinks, such as node_modules/.bin, not followed; npm's own hidden lockfile not counted). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else if (entry.isFile() && entry.name !== '.package-lock.json') total += lstatSync(path).size;
  }
  return total;
}

/** Installs `packages` into a new app under `work` and measures what landed in node_modules. */
async function measureInstall(work: string, name: string, command: string, packages: string[]): Promise<Install> {
  const app = join(work, name.replace(/\W+/g, '-').replace(/-$/, ''));
  mkdirSync(app);
  await run('npm', ['init', '-y'], app);
  await run('npm', ['install', ...packages, ...INSTALL_FLAGS], app);
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const installed = Object.keys(lock.packages).filter((path) => path !== '');
  const ours = installed.filter((path) => /node_modules\/(cachegen|@cachegen\/runtime)$/.test(path));
  const modules = join(app, 'node_modules');
  const topLevel = readdirSync(modules).filter((entry) => !entry.startsWith('.')).flatMap((entry) => (entry.startsWith('@') ? readdirSync(join(modules, entry)).map((sub) => `${entry}/${sub}`) : [entry]));
  const largest = topLevel.map((pkg) => ({ name: pkg, bytes: bytesUnder(join(modules, pkg)) })).sort((a, b) => b.bytes - a.bytes).slice(0, 5);
  return { name, command, app, packages: installed.length, thirdParty: installed.length - ours.length, bytes: bytesUnder(modules), largest };
}

/** One fresh `node -e` run: its wall-clock ms, and the wall-clock and CPU ms the script itself measures around the load. */
function timeNode(script: string, cwd: string): { wall: number; inside: number; cpu: number } {
  const timed = `const t = performance.now(), c = process.cpuUsage(); Promise.resolve().then(() => ${script || 'undefined'}).then(() => { const u = process.cpuUsage(c); console.log(JSON.stringify([performance.now() - t, (u.user + u.system) / 1000])); })`;
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-e', timed], { cwd, env: scratchEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(`node -e ${JSON.stringify(script)} failed: ${result.stderr.toString()}`);
  const [inside, cpu] = JSON.parse(result.stdout.toString()) as [number, number];
  return { wall, inside, cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const LOADS = [
  { name: 'node start-up (baseline)', script: '' },
  { name: "import('@cachegen/runtime')", script: "import('@cachegen/runtime')" },
  { name: "require('@cachegen/runtime')", script: "require('@cachegen/runtime')" },
  { name: "import('@cachegen/runtime/fastify')", script: "import('@cachegen/runtime/fastify')" },
] as const;

/** Medians of ROUNDS alternating rounds of a fresh `node -e` per load, after one warm-up run each. */
function measureLoads(app: string): Array<{ name: string; wallMs: number; overBaselineMs: number; loadMs: number; loadCpuMs: number }> {
  const samples = LOADS.map(() => ({ wall: [] as number[], inside: [] as number[], cpu: [] as number[] }));
  for (const load of LOADS) timeNode(load.script, app);
  for (let round = 0; round < ROUNDS; round++) {
    LOADS.forEach((load, i) => {
      const { wall, inside, cpu } = timeNode(load.script, app);
      samples[i]!.wall.push(wall);
      samples[i]!.inside.push(inside);
      samples[i]!.cpu.push(cpu);
    });
  }
  const baseline = median(samples[0]!.wall);
  return LOADS.map((load, i) => {
    const wallMs = median(samples[i]!.wall);
    return { name: load.name, wallMs, overBaselineMs: wallMs - baseline, loadMs: median(samples[i]!.inside), loadCpuMs: median(samples[i]!.cpu) };
  });
}

function packedSize(tarball: string): number {
  return lstatSync(tarball).size;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cachegen-bench-packaging-'));
  try {
    const tarballs: Tarballs = await packPackages(work);
    const installs = [
      await measureInstall(work, 'runtime, L1 only', 'npm i @cachegen/runtime', [tarballs.runtime]),
      await measureInstall(work, 'runtime + Redis', 'npm i @cachegen/runtime ioredis', [tarballs.runtime, 'ioredis@^5']),
      await measureInstall(work, 'ioredis alone', 'npm i ioredis', ['ioredis@^5']),
      await measureInstall(work, 'cachegen (CLI and generator)', 'npm i -D cachegen', [tarballs.runtime, tarballs.cachegen]),
    ];
    const [l1, redis, ioredis, generator] = installs as [Install, Install, Install, Install];
    const loads = measureLoads(l1.app);

    const redisExtra = redis.bytes - l1.bytes;
    const results = {
      command: `ROUNDS=${ROUNDS} npm run bench:packaging`,
      rounds: ROUNDS,
      packed: { runtime: packedSize(tarballs.runtime), cachegen: packedSize(tarballs.cachegen) },
      installs: installs.map(({ app: _app, ...install }) => install),
      goals: {
        runtimeL1AtMost1MB: l1.bytes <= MB,
        runtimeL1NoThirdParty: l1.thirdParty === 0,
        redisAddsIoredisOnly: redis.packages - l1.packages === ioredis.packages && redisExtra === ioredis.bytes,
      },
      loads,
      loadavg: loadavg(),
      machine: machine(),
    };

    const mb = (bytes: number) => `${(bytes / MB).toFixed(bytes < MB ? 2 : 1)} MB`;
    const markdown = [
      '# Packaging: install size and load time',
      '',
      `What an app installs, counted by npm's lockfile (packages) and by the bytes of every file under node_modules, in a fresh folder per row, from the packed tarballs (\`@cachegen/runtime\` ${mb(results.packed.runtime)} packed, \`cachegen\` ${mb(results.packed.cachegen)}). Goals: the runtime with L1 only at most 1 MB and no third-party package; with Redis, exactly ioredis's own install on top.`,
      '',
      markdownTable(
        ['install', 'command', 'packages', 'third-party', 'size'],
        installs.map((i) => [i.name, `\`${i.command}\``, i.packages, i.thirdParty, mb(i.bytes)]),
      ),
      '',
      `- runtime, L1 only: ${mb(l1.bytes)} and ${l1.thirdParty} third-party packages (goals: ≤ 1 MB ${results.goals.runtimeL1AtMost1MB ? 'met' : 'NOT met'}, 0 third-party ${results.goals.runtimeL1NoThirdParty ? 'met' : 'NOT met'}).`,
      `- with Redis: ${redis.packages - l1.packages} packages and ${redisExtra} bytes more than L1 only; ioredis alone is ${ioredis.packages} packages and ${ioredis.bytes} bytes (${results.goals.redisAddsIoredisOnly ? 'the same: the runtime adds nothing to it' : `a difference of ${redisExtra - ioredis.bytes} bytes`}).`,
      `- \`cachegen\` is a devDependency: ${generator.packages} packages, ${mb(generator.bytes)}, none of it in production; the largest: ${generator.largest.map((p) => `${p.name} ${mb(p.bytes)}`).join(', ')}.`,
      '',
      `Cold load: a fresh \`node -e "<script>"\` in the L1-only app, medians of ${ROUNDS} alternating rounds after one warm-up run each. "process" is the whole run's wall-clock time and "over node" subtracts node's own start-up from the same rounds; "load" is the time the script itself measures from before the import to after it, and "load CPU" the CPU time (user + system) the process spent in that span, which other work on the machine disturbs least.`,
      '',
      markdownTable(
        ['script', 'process ms', 'over node, ms', 'load ms', 'load CPU ms'],
        loads.map((l, i) => [i === 0 ? '`node -e ""`' : `\`${l.name}\``, l.wallMs.toFixed(1), i === 0 ? '–' : l.overBaselineMs.toFixed(1), i === 0 ? '–' : l.loadMs.toFixed(1), i === 0 ? '–' : l.loadCpuMs.toFixed(1)]),
      ),
      '',
      `Machine: ${results.machine.cpus} CPUs shared with other work (load average ${results.loadavg.map((n) => n.toFixed(2)).join(', ')} at the end of the run), Node ${results.machine.node}; load times move with it, sizes do not.`,
      '',
      `Reproduce: \`npm run build && ${results.command}\``,
    ].join('\n');
    const written = writeReport('packaging', results, markdown);
    console.log(markdown);
    console.log(`\nwrote ${written.json} and ${written.markdown}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
