/**
 * Fastly: batch surrogate-key purge, `POST /service/{service_id}/purge` with a `Fastly-Key`
 * token and `{"surrogate_keys": [...]}` (up to 256 keys a request), `fastly-soft-purge: 1` for a
 * soft purge; `POST /service/{service_id}/purge_all` purges everything. Shapes checked against a
 * local recording server only (docs/edge.md): no live account was used.
 */
import { surrogateKeys } from '../http/surrogate.js';
import { assertAdapterName, baseUrl, sendPurge, type EdgeAdapter } from './adapter.js';

export interface FastlyOptions {
  serviceId: string;
  /** An API token with the purge_select scope (purge_all for purgeAll). */
  token: string;
  soft?: boolean;
  /** Default `https://api.fastly.com` (tests point it at a local server). */
  apiUrl?: string;
  name?: string;
}

/** Fastly's documented limit of keys in one batch purge. */
const FASTLY_MAX_KEYS = 256;

/** The Fastly surrogate-key adapter. */
export function fastly(options: FastlyOptions): EdgeAdapter {
  const name = options.name ?? 'fastly';
  assertAdapterName(name, 'fastly');
  if (!options.serviceId) throw new TypeError('fastly: serviceId is required');
  if (!options.token) throw new TypeError('fastly: token is required (an API token with purge_select)');
  const service = `${baseUrl(options.apiUrl ?? 'https://api.fastly.com', 'fastly: apiUrl')}/service/${encodeURIComponent(options.serviceId)}`;
  const headers = { 'fastly-key': options.token, accept: 'application/json', ...(options.soft ? { 'fastly-soft-purge': '1' } : {}) };
  return {
    name,
    maxBatch: FASTLY_MAX_KEYS,
    async purge(tags, signal) {
      const keys = [...new Set(tags.map((tag) => surrogateKeys([tag])))];
      await sendPurge(name, `${service}/purge`, {
        method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ surrogate_keys: keys }), signal,
      });
    },
    async purgeAll(signal) {
      await sendPurge(name, `${service}/purge_all`, { method: 'POST', headers: { 'fastly-key': options.token, accept: 'application/json' }, signal });
    },
  };
}
