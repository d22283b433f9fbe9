/**
 * What an edge cache is to cachegen: something that purges by tag. Varnish, nginx, Fastly,
 * Cloudflare and a webhook implement it here; a user's own is an object with a name and a
 * `purge` (docs/edge.md, "Your own edge").
 */

/** An edge cache the purger keeps in step with invalidations. */
export interface EdgeAdapter {
  /** Names the adapter in metrics and logs, and its queue in Redis: letters, digits, `-` and `_`. */
  readonly name: string;
  /** Most tags one `purge` call receives (default 256). */
  readonly maxBatch?: number;
  /** Purges every response carrying any of the tags; resolves once the edge confirmed, rejects otherwise (the purger retries). */
  purge(tags: readonly string[], signal: AbortSignal): Promise<void>;
  /** Purges everything: used when more tags waited than the purger keeps (see `maxPending`). Optional. */
  purgeAll?(signal: AbortSignal): Promise<void>;
}

/** A purge the edge refused or did not answer; `status` when it answered. */
export class EdgePurgeError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'EdgePurgeError';
  }
}

/** Sends one HTTP request; resolves with the response when `accept(status)`, rejects with an EdgePurgeError naming the adapter otherwise. */
export async function sendPurge(adapter: string, url: string, init: RequestInit, accept: (status: number) => boolean = isSuccess): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new EdgePurgeError(`${adapter}: ${init.method ?? 'GET'} ${redact(url)} failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!accept(response.status)) {
    const body = await response.text().catch(() => '');
    throw new EdgePurgeError(`${adapter}: ${init.method ?? 'GET'} ${redact(url)} answered ${response.status} ${body.slice(0, 200)}`, response.status);
  }
  return response;
}

/** 2xx. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Splits items into runs of at most `max`. */
export function chunks<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
  return out;
}

/** A URL without its query (tokens never travel in one here, but a user's webhook URL might carry one). */
function redact(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at) + '?…';
}

/** Checks an adapter name; throws naming the option otherwise. */
export function assertAdapterName(name: string, option: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new TypeError(`${option}: adapter name ${JSON.stringify(name)} must be 1-64 letters, digits, "-" or "_"`);
  }
}

/** A base URL without its trailing slash; throws naming the option when it is not http(s). */
export function baseUrl(url: string, option: string): string {
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new TypeError(`${option} must be an http(s) URL, got ${JSON.stringify(url)}`); }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${option} must be an http(s) URL, got ${JSON.stringify(url)}`);
  return url.replace(/\/+$/, '');
}
