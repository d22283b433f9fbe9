/**
 * The demo's access log: one JSON line per request, in the format `cachegen advise --log` reads
 * (docs/advise.md, "Log formats"). The caller is a digest of the Authorization header, never
 * the token itself.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';

/** One answered request. */
export interface AccessLogEntry {
  /** ms since the epoch. */
  time: number;
  method: string;
  path: string;
  status: number;
  bytes: number;
  durationMs: number;
  /** Request headers sent (authorization is turned into `caller`, not logged). */
  headers: Record<string, string>;
  /** The answer's Cache-Status header, if any. */
  cacheStatus: string | null;
}

/** The JSON line for an entry. */
export function accessLogLine(entry: AccessLogEntry): string {
  const { authorization, ...headers } = entry.headers;
  const line: Record<string, unknown> = {
    time: new Date(entry.time).toISOString(),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    bytes: entry.bytes,
    duration_ms: Math.round(entry.durationMs * 1000) / 1000,
  };
  if (authorization) line.caller = createHash('sha256').update(authorization).digest('base64url').slice(0, 12);
  if (Object.keys(headers).length > 0) line.headers = headers;
  if (entry.cacheStatus) line.cache = /;\s*hit/.test(entry.cacheStatus) ? 'hit' : 'miss';
  return JSON.stringify(line);
}

/** An append-only log file. */
export class AccessLog {
  private readonly stream: WriteStream;

  constructor(file: string) {
    this.stream = createWriteStream(file);
  }

  write(entry: AccessLogEntry): void {
    this.stream.write(accessLogLine(entry) + '\n');
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
