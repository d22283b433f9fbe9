/**
 * advise benchmark: how fast `cachegen advise` reads an access log, and how much memory it needs.
 *
 * Speed: a log of LINES lines (default 1,000,000) of the shop fixture's traffic (the tests' log
 * generator: Zipf keys, writes, sizes, latencies), written once in each format (JSON lines, and
 * combined with $request_time), then advised ROUNDS times, the formats alternating; median wall
 * time and CPU time per run (all three passes), as log lines per minute. Goal: ≥ 1,000,000.
 *
 * Memory: advise runs in a fresh process on the LINES log and on one of BIG_LINES lines (default
 * 5,000,000), and reports each process's peak RSS: streaming keeps it flat as the log grows.
 *
 *   npm run bench:advise            (LINES=1000000 BIG_LINES=5000000 ROUNDS=3 by default)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIr, loadSpec, type IrDocument } from 'cachegen';
import { advise } from '../generator/advise/advise.js';
import { generateLog } from '../test/advise/log-generator.js';
import { shopMix } from '../test/advise/shop-traffic.js';
import { markdownTable, machine, writeReport } from './lib/report.js';

const LINES = Number(process.env.LINES ?? 1_000_000);
const BIG_LINES = Number(process.env.BIG_LINES ?? 5_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SPEC = fileURLToPath(new URL('../test/advise/fixtures/shop.yaml', import.meta.url));
/** Requests per second of the generated traffic: the log spans LINES / RATE seconds. */
const RATE = 500;

interface Run {
  wallSeconds: number;
  cpuSeconds: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timed(ir: IrDocument, log: string): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await advise({ ir, log });
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (report.operations.length === 0) throw new Error('advise gave no advice');
  return { wallSeconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** In a fresh process: advise on the log, then its peak RSS. */
function peakRss(log: string): { lines: number; bytes: number; peakRssMB: number; wallSeconds: number } {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--rss', log], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`the --rss run failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { lines: number; bytes: number; peakRssMB: number; wallSeconds: number };
}

async function childRss(log: string): Promise<void> {
  const ir = buildIr(await loadSpec(SPEC));
  const started = performance.now();
  const report = await advise({ ir, log });
  const wallSeconds = (performance.now() - started) / 1000;
  // resourceUsage().maxRSS is in kilobytes.
  console.log(JSON.stringify({ lines: report.log.lines, bytes: statSync(log).size, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), wallSeconds: Math.round(wallSeconds * 10) / 10 }));
}

const loads = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function main(): Promise<void> {
  const loadStart = loads();
  const work = mkdtempSync(join(tmpdir(), 'cachegen-bench-advise-'));
  try {
    const ir = buildIr(await loadSpec(SPEC));
    const formats = ['json', 'combined'] as const;
    const logs = new Map<string, string>();
    for (const format of formats) {
      const file = join(work, `shop-${format}.log`);
      const tally = await generateLog(file, format, { seed: 7, rate: RATE, seconds: LINES / RATE, mix: shopMix() });
      logs.set(format, file);
      console.error(`wrote ${tally.lines} ${format} lines (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
    }
    // Warm-up (JIT, module loads) on a tenth of the traffic, so the timed runs are all steady.
    const warm = join(work, 'warm.log');
    await generateLog(warm, 'json', { seed: 6, rate: RATE, seconds: LINES / RATE / 10, mix: shopMix() });
    await timed(ir, warm);
    const runs = new Map<string, Run[]>(formats.map((f) => [f, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const format of round % 2 ? [...formats].reverse() : formats) {
        const run = await timed(ir, logs.get(format)!);
        runs.get(format)!.push(run);
        console.error(`round ${round + 1} ${format}: ${run.wallSeconds.toFixed(1)} s wall, ${run.cpuSeconds.toFixed(1)} s CPU`);
      }
    }
    const speed = formats.map((format) => {
      const wall = median(runs.get(format)!.map((r) => r.wallSeconds));
      const cpu = median(runs.get(format)!.map((r) => r.cpuSeconds));
      return {
        format,
        lines: LINES,
        bytes: statSync(logs.get(format)!).size,
        wallSeconds: Math.round(wall * 100) / 100,
        cpuSeconds: Math.round(cpu * 100) / 100,
        linesPerMinute: Math.round((LINES / wall) * 60),
        linesPerCpuMinute: Math.round((LINES / cpu) * 60),
      };
    });

    const big = join(work, 'shop-big.log');
    await generateLog(big, 'combined', { seed: 8, rate: RATE, seconds: BIG_LINES / RATE, mix: shopMix() });
    console.error(`wrote ${BIG_LINES} combined lines (${(statSync(big).size / 1e6).toFixed(0)} MB) for the memory run`);
    const memory = [peakRss(logs.get('combined')!), peakRss(big)];

    const result = { command: `LINES=${LINES} BIG_LINES=${BIG_LINES} ROUNDS=${ROUNDS} npm run bench:advise`, machine: machine(), loadavg: { start: loadStart, end: loads() }, speed, memory };
    const markdown = [
      '# cachegen advise',
      '',
      `\`${result.command}\`: the shop fixture's traffic (test/advise/shop-traffic.ts) as ${LINES.toLocaleString('en')} log lines in`,
      'each format, advised end to end (all three streamed passes: profile, ttl replay, size replay),',
      `median of ${ROUNDS} alternating rounds. Goal: at least 1,000,000 lines per minute.`,
      '',
      markdownTable(
        ['format', 'lines', 'MB', 'wall s', 'CPU s', 'lines / min (wall)', 'lines / min (CPU)'],
        speed.map((s) => [s.format, s.lines.toLocaleString('en'), (s.bytes / 1e6).toFixed(0), s.wallSeconds, s.cpuSeconds, s.linesPerMinute.toLocaleString('en'), s.linesPerCpuMinute.toLocaleString('en')]),
      ),
      '',
      'Peak memory of a fresh process advising a log (combined format): streaming keeps it flat as the log grows.',
      '',
      markdownTable(
        ['lines', 'MB on disk', 'peak RSS MB', 'wall s'],
        memory.map((m) => [m.lines.toLocaleString('en'), (m.bytes / 1e6).toFixed(0), m.peakRssMB, m.wallSeconds]),
      ),
      '',
      `Machine: ${result.machine.cpus} × ${result.machine.cpu}, Node ${result.machine.node}; load average ${result.loadavg.start.join(' ')} at the start, ${result.loadavg.end.join(' ')} at the end. The machine is shared: with a load above its 2 cores, wall time stretches and CPU time (advise is single-threaded) is what it would take on an idle machine.`,
    ].join('\n');
    const written = writeReport('advise', result, markdown);
    console.log(markdown);
    console.log(`\nwrote ${written.json} and ${written.markdown}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--rss') await childRss(process.argv[3]!);
else await main();
