/**
 * Varnish with vmod_xkey (Debian `varnish-modules`): objects carry their Surrogate-Key as xkeys,
 * and `PURGE /` with an `xkey-purge: k1 k2` header removes every object holding any of them.
 * The VCL `cachegen edge vcl` writes answers that request (docs/edge.md).
 */
import { surrogateKeys } from '../http/surrogate.js';
import { assertAdapterName, baseUrl, sendPurge, type EdgeAdapter } from './adapter.js';

export interface VarnishOptions {
  /** Base URL of Varnish, e.g. `http://127.0.0.1:6081`. Several Varnish servers: one adapter each. */
  url: string;
  /** Adapter name (default `varnish`). */
  name?: string;
  /** Soft purge: objects stay usable for grace (stale-while-revalidate) instead of going at once. Default false. */
  soft?: boolean;
  /** Longest `xkey-purge` header sent, bytes (default 6000; Varnish accepts 8 KiB request headers by default). */
  maxHeaderBytes?: number;
}

/** The Varnish xkey adapter. */
export function varnish(options: VarnishOptions): EdgeAdapter {
  const name = options.name ?? 'varnish';
  assertAdapterName(name, 'varnish');
  const base = baseUrl(options.url, 'varnish: url');
  const maxHeaderBytes = options.maxHeaderBytes ?? 6000;
  const extra: Record<string, string> = options.soft ? { 'xkey-soft': '1' } : {};
  return {
    name,
    maxBatch: 512,
    async purge(tags, signal) {
      for (const header of headerRuns(tags, maxHeaderBytes)) {
        await sendPurge(name, `${base}/`, { method: 'PURGE', headers: { 'xkey-purge': header, ...extra }, signal });
      }
    },
    async purgeAll(signal) {
      await sendPurge(name, `${base}/`, { method: 'PURGE', headers: { 'xkey-purge-all': '1' }, signal });
    },
  };
}

/** The tags as Surrogate-Key text, in runs no longer than maxBytes (one tag longer than that goes alone). */
function headerRuns(tags: readonly string[], maxBytes: number): string[] {
  const runs: string[] = [];
  let run = '';
  for (const key of surrogateKeys([...tags]).split(' ')) {
    if (!key) continue;
    if (run && Buffer.byteLength(run) + 1 + Buffer.byteLength(key) > maxBytes) { runs.push(run); run = ''; }
    run = run ? `${run} ${key}` : key;
  }
  if (run) runs.push(run);
  return runs;
}
