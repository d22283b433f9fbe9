/**
 * `cachegen top`: a live per-endpoint table read from a service's /metrics, refreshed
 * every second, most costly endpoint (weighted miss cost) first. Loads no spec tools.
 */
import type { Command, CommandIO } from '../command.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { parseExposition, type Exposition } from '../../ops/exposition.js';
import { renderTopTable, summarizeEndpoints } from '../../ops/top-table.js';

const help = `Usage: cachegen top --url http://HOST:PORT/metrics [--interval SECONDS] [--once | --count N] [--prefix PREFIX]

Scrapes a cachegen service's Prometheus endpoint and shows one row per endpoint (operationId):
requests per second, hit rate, p50/p99 miss latency, weighted miss cost (miss rate × mean miss
latency, seconds per request) and origin errors, sorted by weighted miss cost. Ctrl-C quits.

Options:
  --url URL            The metrics URL (required), e.g. http://localhost:3000/metrics.
  --interval SECONDS   Seconds between refreshes (default 1).
  --once               Print one table (totals since the service started) and exit: for scripts.
  --count N            Stop after N refreshes.
  --prefix PREFIX      Metric prefix the service uses (default cachegen_).
`;

async function scrape(url: string, timeoutMs: number): Promise<Exposition> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain' } });
  } catch (err) {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout, ...).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot scrape ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  try {
    return parseExposition(await response.text());
  } catch (err) {
    throw new Error(`${url} did not answer in the Prometheus text format: ${(err as Error).message}`);
  }
}

function positiveNumber(value: string | undefined, option: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${option} ${value}: expected a ${integer ? 'whole ' : ''}number > 0`);
  return n;
}

export const command: Command = {
  summary: 'Live per-endpoint table from a service\'s /metrics, sorted by weighted miss cost',
  help,
  async run(args, io: CommandIO) {
    const { values, positionals } = parseCommandArgs('top', args, { url: { type: 'string' }, interval: { type: 'string' }, once: { type: 'boolean' }, count: { type: 'string' }, prefix: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see \`cachegen top --help\`)`);
    if (!values.url) throw new Error('--url is required, e.g. --url http://localhost:3000/metrics');
    let url: URL;
    try {
      url = new URL(values.url);
    } catch {
      throw new Error(`--url ${values.url}: not a URL; expected e.g. http://localhost:3000/metrics`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--url ${values.url}: expected an http:// or https:// URL`);
    const intervalSeconds = positiveNumber(values.interval, '--interval', 1);
    const count = values.once ? 1 : positiveNumber(values.count, '--count', Number.POSITIVE_INFINITY, true);
    const timeoutMs = Math.max(2_000, intervalSeconds * 1_000);
    const live = !values.once && io.stdout.isTTY === true;

    let previous: { exposition: Exposition; at: number } | undefined;
    let stopped = false;
    let lastFailed = false;
    const stop = () => { stopped = true; };
    process.once('SIGINT', stop);
    try {
      for (let i = 0; i < count && !stopped; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, intervalSeconds * 1_000));
        let exposition: Exposition;
        const at = performance.now();
        try {
          exposition = await scrape(url.href, timeoutMs);
        } catch (err) {
          const message = `cachegen top: ${err instanceof Error ? err.message : String(err)}\n`;
          if (values.once) { io.stderr.write(message); return 1; }
          io.stderr.write(message); // keep trying: the service may be restarting
          lastFailed = true;
          continue;
        }
        const elapsed = previous ? (at - previous.at) / 1_000 : undefined;
        const rows = summarizeEndpoints(exposition, previous?.exposition, elapsed, values.prefix);
        const title = `cachegen top — ${url.href} — ${new Date().toISOString().slice(11, 19)} UTC${previous ? ` — rates over ${elapsed!.toFixed(1)}s` : ' — totals since start'}`;
        io.stdout.write((live ? '\x1b[H\x1b[2J' : i > 0 ? '\n' : '') + renderTopTable(rows, title));
        previous = { exposition, at };
        lastFailed = false;
      }
    } finally {
      process.off('SIGINT', stop);
    }
    return lastFailed ? 1 : 0;
  },
};
