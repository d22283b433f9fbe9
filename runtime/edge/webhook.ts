/** A generic webhook: `POST <url>` with `{"tags": [...]}`; any 2xx confirms the purge. */
import { assertAdapterName, baseUrl, sendPurge, type EdgeAdapter } from './adapter.js';

export interface WebhookOptions {
  url: string;
  /** Extra request headers (e.g. an authorization token). */
  headers?: Record<string, string>;
  /** Tags a request (default 1000). */
  maxBatch?: number;
  name?: string;
}

/** The webhook adapter; `purgeAll` posts `{"all": true}`. */
export function webhook(options: WebhookOptions): EdgeAdapter {
  const name = options.name ?? 'webhook';
  assertAdapterName(name, 'webhook');
  baseUrl(options.url, 'webhook: url');
  const url = options.url;
  const post = async (body: unknown, signal: AbortSignal) => {
    await sendPurge(name, url, { method: 'POST', headers: { ...options.headers, 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  };
  return {
    name,
    maxBatch: options.maxBatch ?? 1000,
    purge: (tags, signal) => post({ tags }, signal),
    purgeAll: (signal) => post({ all: true }, signal),
  };
}
