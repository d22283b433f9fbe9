/**
 * Parsing one access-log line into a LogRecord. Two formats (docs/advise.md, "Log formats"):
 *
 *   combined  nginx/Apache: `host ident user [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "referer" "agent"`,
 *             optionally followed by `$request_time` (seconds) and a cache status (HIT, MISS, ...).
 *   json      one object per line: method, path|url, status, bytes, time, duration (s) or
 *             duration_ms|responseTime (ms), caller, headers, cache.
 *
 * A parser returns the record, or a string saying why the line is not one.
 */
import type { LogFormat, LogRecord } from './record.js';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const COMBINED = /^\S+ \S+ (\S+) \[([^\]]+)\] "([A-Za-z]+) (\S+)[^"]*" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)$/;
const CLF_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-])(\d{2})(\d{2}))?$/;
const CACHE_HIT = /^(hit|stale|updating|revalidated)$/i;

/** A parser for one format; keeps a memo of the last timestamp (consecutive lines share their second). */
export type LineParser = (line: string) => LogRecord | string;

/** `10/Oct/2000:13:55:36 -0700` → ms since the epoch, or NaN. */
function clfTime(text: string): number {
  const m = CLF_TIME.exec(text);
  if (!m) return NaN;
  const month = MONTHS[m[2]!];
  if (month === undefined) return NaN;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = m[7] ? (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000 : 0;
  return utc - offset;
}

function combinedParser(): LineParser {
  let lastStamp = '';
  let lastTime = NaN;
  return (line) => {
    const m = COMBINED.exec(line);
    if (!m) return 'not in combined format (host ident user [time] "METHOD target PROTOCOL" status bytes ...)';
    const stamp = m[2]!;
    if (stamp !== lastStamp) {
      lastStamp = stamp;
      lastTime = clfTime(stamp);
    }
    if (Number.isNaN(lastTime)) return `unreadable time [${stamp}] (expected e.g. [10/Oct/2000:13:55:36 -0700])`;
    const headers: Record<string, string> = {};
    if (m[7] !== undefined && m[7] !== '-') headers.referer = m[7];
    if (m[8] !== undefined && m[8] !== '-') headers['user-agent'] = m[8];
    let duration = NaN;
    let cached = false;
    for (const token of m[9]!.split(' ')) {
      if (token === '') continue;
      if (Number.isNaN(duration) && /^\d+(\.\d+)?$/.test(token)) duration = Number(token);
      else if (CACHE_HIT.test(token)) cached = true;
    }
    return {
      // $time_local is when the answer went out: the request arrived $request_time earlier.
      time: Number.isNaN(duration) ? lastTime : lastTime - Math.round(duration * 1000),
      method: m[3]!.toUpperCase(),
      target: m[4]!,
      status: Number(m[5]),
      bytes: m[6] === '-' ? 0 : Number(m[6]),
      duration,
      caller: m[1] === '-' ? undefined : m[1],
      headers,
      cached,
    };
  };
}

/** `2026-03-01T00:00:00.250Z`: the whole seconds, then the fraction (consecutive lines share their second). */
const ISO_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3})\d*)?Z$/;

function jsonTimeParser(): (value: unknown) => number {
  let lastSecond = '';
  let lastMs = NaN;
  const time = (value: unknown): number => {
    if (typeof value === 'number') return value > 1e11 ? value : value * 1000;
    if (typeof value !== 'string') return NaN;
    if (/^\d+(\.\d+)?$/.test(value)) return time(Number(value));
    const m = ISO_UTC.exec(value);
    if (!m) return Date.parse(value);
    if (m[1] !== lastSecond) {
      lastSecond = m[1]!;
      lastMs = Date.parse(lastSecond + 'Z');
    }
    return lastMs + (m[2] ? Number(m[2].padEnd(3, '0')) : 0);
  };
  return time;
}

function firstNumber(...values: unknown[]): number {
  for (const value of values) {
    const n = typeof value === 'string' && value !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  return NaN;
}

function stringHeaders(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string') out[name.toLowerCase()] = v;
    else if (Array.isArray(v)) out[name.toLowerCase()] = v.filter((x) => typeof x === 'string').join(', ');
  }
  return out;
}

function jsonParser(): LineParser {
  const jsonTime = jsonTimeParser();
  return (line) => {
    let o: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
      o = parsed as Record<string, unknown>;
    } catch {
      return 'not JSON';
    }
    const method = o.method;
    const target = o.path ?? o.url ?? o.uri;
    if (typeof method !== 'string' || method === '') return 'no "method"';
    if (typeof target !== 'string' || !target.startsWith('/')) return 'no "path" or "url" starting with /';
    const status = firstNumber(o.status, o.statusCode);
    if (!Number.isInteger(status)) return 'no numeric "status"';
    const time = jsonTime(o.time ?? o.timestamp ?? o['@timestamp'] ?? o.ts);
    if (Number.isNaN(time)) return 'no readable "time" (ISO 8601, or seconds or ms since the epoch)';
    const ms = firstNumber(o.duration_ms, o.responseTime);
    const caller = o.caller ?? o.user ?? o.remote_user;
    const cache = o.cache ?? o.cache_status ?? o.upstream_cache_status;
    const bytes = firstNumber(o.bytes, o.body_bytes_sent, o.size);
    return {
      time,
      method: method.toUpperCase(),
      target,
      status,
      bytes: Number.isNaN(bytes) ? -1 : bytes,
      duration: Number.isNaN(ms) ? firstNumber(o.duration, o.request_time) : ms / 1000,
      caller: typeof caller === 'string' && caller !== '' && caller !== '-' ? caller : typeof caller === 'number' ? String(caller) : undefined,
      headers: stringHeaders(o.headers),
      cached: typeof cache === 'string' && CACHE_HIT.test(cache),
    };
  };
}

/** The parser for a format. */
export function lineParser(format: LogFormat): LineParser {
  return format === 'json' ? jsonParser() : combinedParser();
}

/** Guesses the format from a log's first non-empty line: an object is JSON lines, anything else combined. */
export function sniffFormat(firstLine: string): LogFormat {
  return firstLine.trimStart().startsWith('{') ? 'json' : 'combined';
}
