/**
 * nginx with ngx_cache_purge (Debian `libnginx-mod-http-cache-purge`): no tags, so each tag
 * becomes the URLs whose nginx cache key it names (nginx-plan.ts), and each URL is one
 * `PURGE /.cachegen-purge<url>` answered 200 (purged) or 404 (was not cached). The config `cachegen edge nginx`
 * writes keys and bypasses requests exactly as this adapter expects (docs/edge.md).
 */
import type { OperationSpec } from '../fastify/operation.js';
import { assertAdapterName, baseUrl, EdgePurgeError, sendPurge, type EdgeAdapter } from './adapter.js';
import { NGINX_PURGE_PREFIX, nginxTagUrls, planNginx } from './nginx-plan.js';
import { edgeRoutes } from './routes.js';

export interface NginxOptions {
  /** Base URL of nginx, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The generated route table (`routeTable` from the generated server.ts). */
  operations: readonly OperationSpec[];
  /** PURGE requests in flight at once (default 8). */
  concurrency?: number;
  name?: string;
}

/** The nginx adapter: one PURGE per URL a tag maps to; tags that map to none are counted as done (nginx never cached them). */
export function nginx(options: NginxOptions): EdgeAdapter {
  const name = options.name ?? 'nginx';
  assertAdapterName(name, 'nginx');
  if (!Array.isArray(options.operations)) throw new TypeError('nginx: operations is required: pass routeTable from the generated server.ts');
  const base = baseUrl(options.url, 'nginx: url');
  const urlsOf = nginxTagUrls(planNginx(edgeRoutes(options.operations)).plans);
  const concurrency = options.concurrency ?? 8;
  return {
    name,
    maxBatch: 256,
    async purge(tags, signal) {
      const urls = [...new Set(tags.flatMap(urlsOf))];
      let next = 0;
      const worker = async () => {
        while (next < urls.length) {
          const url = urls[next++]!;
          await sendPurge(name, base + NGINX_PURGE_PREFIX + url, { method: 'PURGE', signal }, (status) => status === 200 || status === 404);
        }
      };
      const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason instanceof EdgePurgeError ? failed.reason : new EdgePurgeError(`${name}: ${String(failed.reason)}`);
    },
  };
}
