/**
 * Cloudflare: purge by cache-tag, `POST /zones/{zone_id}/purge_cache` with a Bearer token and
 * `{"tags": [...]}` (up to 100 a request); `{"purge_everything": true}` purges everything.
 * Cloudflare reads tags from the `Cache-Tag` response header (comma-separated): see
 * `cacheTagHeader`. Checked against a local recording server only (docs/edge.md).
 */
import { cacheTags } from '../http/surrogate.js';
import { assertAdapterName, baseUrl, EdgePurgeError, sendPurge, type EdgeAdapter } from './adapter.js';

export interface CloudflareOptions {
  zoneId: string;
  /** An API token with the Zone › Cache Purge permission. */
  token: string;
  /** Default `https://api.cloudflare.com/client/v4`. */
  apiUrl?: string;
  /** Tags a request (default 100, Cloudflare's documented limit per purge request). */
  maxBatch?: number;
  name?: string;
}

/** The Cloudflare cache-tag adapter. */
export function cloudflare(options: CloudflareOptions): EdgeAdapter {
  const name = options.name ?? 'cloudflare';
  assertAdapterName(name, 'cloudflare');
  if (!options.zoneId) throw new TypeError('cloudflare: zoneId is required');
  if (!options.token) throw new TypeError('cloudflare: token is required (an API token with Cache Purge)');
  const url = `${baseUrl(options.apiUrl ?? 'https://api.cloudflare.com/client/v4', 'cloudflare: apiUrl')}/zones/${encodeURIComponent(options.zoneId)}/purge_cache`;
  const post = async (body: unknown, signal: AbortSignal) => {
    const response = await sendPurge(name, url, {
      method: 'POST', headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal,
    });
    // Cloudflare answers 200 with `success: false` for some refusals: only `success: true` confirms.
    const answer = await response.json().catch(() => undefined) as { success?: unknown; errors?: unknown } | undefined;
    if (answer?.success !== true) throw new EdgePurgeError(`${name}: purge_cache did not confirm: ${JSON.stringify(answer?.errors ?? answer ?? null).slice(0, 200)}`, response.status);
  };
  return {
    name,
    maxBatch: options.maxBatch ?? 100,
    purge: (tags, signal) => post({ tags: [...new Set(tags.map((tag) => cacheTags([tag])))] }, signal),
    purgeAll: (signal) => post({ purge_everything: true }, signal),
  };
}
