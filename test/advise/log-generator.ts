/**
 * Synthetic access logs whose right answer is known: a weighted mix of request makers over
 * Zipf-distributed keys, with writes, response sizes and origin latencies, written as JSON lines
 * or nginx combined lines. The generator also counts what it wrote (reads and distinct keys per
 * operation), so a test can check advise against the truth.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { zipf } from '../../examples/catalog/traffic.js';
import { seededRandom } from '../../bench/lib/traces.js';

/** One request to write. */
export interface GeneratedRequest {
  /** Who made it (for the tally), e.g. `getArticle`. */
  operation: string;
  method: string;
  target: string;
  status?: number;
  bytes: number;
  latencyMs: number;
  caller?: string;
  headers?: Record<string, string>;
  /** The key advise should see for it (for counting distinct keys); default the target. */
  key?: string;
}

/** Tools a request maker gets. */
export interface Dice {
  random(): number;
  /** A Zipf sampler over 1..n with exponent s (samplers are cached per n and s). */
  zipf(n: number, s: number): number;
  /** A positive value around `mean` (log-normal, sigma 0.5). */
  around(mean: number): number;
}

export type RequestMaker = (dice: Dice) => GeneratedRequest;

export interface GeneratorOptions {
  seed: number;
  /** Requests per second. */
  rate: number;
  seconds: number;
  start?: number;
  mix: Array<[weight: number, make: RequestMaker]>;
  /** Garbage lines to mix in (every Nth line), to check they are counted and skipped. */
  garbageEvery?: number;
}

/** What was written, per operation. */
export interface Tally {
  lines: number;
  garbage: number;
  requests: Map<string, { count: number; keys: Set<string> }>;
}

function dice(random: () => number): Dice {
  const samplers = new Map<string, () => number>();
  return {
    random,
    zipf(n, s) {
      const id = `${n}:${s}`;
      let sample = samplers.get(id);
      if (!sample) samplers.set(id, (sample = zipf(n, s, random)));
      return sample();
    },
    around(mean) {
      // Box-Muller: a normal draw, then exp, scaled so the mean is `mean`.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.max(1, Math.round(mean * Math.exp(0.5 * z - 0.125)));
    },
  };
}

function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** One request as a log line of the format. */
export function formatLine(format: 'json' | 'combined', time: number, r: GeneratedRequest): string {
  const status = r.status ?? 200;
  if (format === 'combined') {
    return `10.0.0.1 - ${r.caller ?? '-'} [${clfTime(time)}] "${r.method} ${r.target} HTTP/1.1" ${status} ${r.bytes} "-" "${r.headers?.['user-agent'] ?? 'gen/1.0'}" ${(r.latencyMs / 1000).toFixed(3)}`;
  }
  const line: Record<string, unknown> = { time: new Date(time).toISOString(), method: r.method, path: r.target, status, bytes: r.bytes, duration_ms: r.latencyMs };
  if (r.caller) line.caller = r.caller;
  if (r.headers) line.headers = r.headers;
  return JSON.stringify(line);
}

/** Writes the log to `file` (streamed: a long log is never held in memory); resolves to what it wrote. */
export async function generateLog(file: string, format: 'json' | 'combined', options: GeneratorOptions): Promise<Tally> {
  const random = seededRandom(options.seed);
  const d = dice(random);
  const total = options.mix.reduce((s, [w]) => s + w, 0);
  const count = Math.round(options.rate * options.seconds);
  const start = options.start ?? Date.UTC(2026, 2, 1);
  const tally: Tally = { lines: 0, garbage: 0, requests: new Map() };
  const out = createWriteStream(file);
  let chunk = '';
  const write = async (line: string) => {
    tally.lines++;
    chunk += line + '\n';
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  for (let i = 0; i < count; i++) {
    if (options.garbageEvery && i % options.garbageEvery === options.garbageEvery - 1) {
      await write('this is not a request line');
      tally.garbage++;
    }
    let u = random() * total;
    let make = options.mix[0]![1];
    for (const [weight, maker] of options.mix) {
      u -= weight;
      if (u <= 0) {
        make = maker;
        break;
      }
    }
    const request = make(d);
    const time = start + Math.floor((i * 1000) / options.rate);
    await write(formatLine(format, time, request));
    let entry = tally.requests.get(request.operation);
    if (!entry) tally.requests.set(request.operation, (entry = { count: 0, keys: new Set() }));
    entry.count++;
    entry.keys.add(request.key ?? request.target);
  }
  out.end(chunk);
  await once(out, 'finish');
  return tally;
}
