/** One request as an access log records it, whatever the log's format. */
export interface LogRecord {
  /** When the request arrived, ms since the epoch. */
  time: number;
  /** Upper-case HTTP method. */
  method: string;
  /** Path and query as requested, e.g. `/products/7?lang=en`. */
  target: string;
  status: number;
  /** Response body bytes; -1 when the log does not say. */
  bytes: number;
  /** Seconds from request to response; NaN when the log does not say. */
  duration: number;
  /** Who called (a user id, `$remote_user`); undefined when anonymous or not logged. */
  caller: string | undefined;
  /** Request headers the log kept (lower-case names); vary headers are read from here. */
  headers: Record<string, string>;
  /** True when a cache in front already answered it (its duration is not the origin's). */
  cached: boolean;
}

/** The log formats advise reads. */
export const LOG_FORMATS = ['combined', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
