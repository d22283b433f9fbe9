/**
 * RFC 9111 §3: whether a response may be stored, and §3.5 for a shared cache. A reason when it
 * may not (for tests and Cache-Status), undefined when it may.
 */
import type { CacheControlDirectives } from '../cache-control.js';
import { fieldNames } from '../syntax.js';
import { HEURISTICALLY_CACHEABLE } from './freshness.js';

/** Status codes whose caching rules this cache implements (RFC 9111 §3 "understood", §5.2.2.3 must-understand). */
const UNDERSTOOD = new Set([200, 203, 204, 206, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);

export interface StorabilityInput {
  method: string;
  status: number;
  request: CacheControlDirectives;
  response: CacheControlDirectives;
  responseHeaders: Headers;
  hasAuthorization: boolean;
  shared: boolean;
}

/** RFC 9111 §3: may this response be stored? The reason it may not, or undefined when it may. */
export function whyNotStorable(input: StorabilityInput): string | undefined {
  const { request, response, responseHeaders, shared } = input;
  if (input.method !== 'GET') return 'method';
  if (input.status < 200 || input.status === 304) return 'status';
  // must-understand: only a cache that implements the status's rules stores it, and then it may ignore no-store (§5.2.2.3).
  if (response.mustUnderstand) {
    if (!UNDERSTOOD.has(input.status)) return 'must-understand';
  } else if (response.noStore) {
    return 'no-store';
  }
  if (request.noStore) return 'request no-store';
  if (shared && response.private === true) return 'private';
  if (shared && input.hasAuthorization && !response.mustRevalidate && !response.public && response.sMaxAge === undefined) return 'authorization';
  // A shared cache never keeps one client's cookie for another, unless the origin named it as private or no-cache (then it is left out).
  if (shared && responseHeaders.has('set-cookie') && !namesField(response, 'set-cookie')) return 'set-cookie';
  if (fieldNames(responseHeaders.get('vary')).includes('*')) return 'vary *';
  const explicit = response.maxAge !== undefined || (shared && response.sMaxAge !== undefined) || responseHeaders.has('expires');
  if (!explicit && !response.public && !(response.private && !shared) && !HEURISTICALLY_CACHEABLE.has(input.status)) return 'no freshness';
  return undefined;
}

/** Whether `private="…"` or `no-cache="…"` names `field`: the origin says the rest of the response may be stored without it. */
function namesField(response: CacheControlDirectives, field: string): boolean {
  return (Array.isArray(response.private) && response.private.includes(field))
    || (Array.isArray(response.noCache) && response.noCache.includes(field));
}
