/**
 * Whether a stored response may answer a request now (RFC 9111 §4, §4.2.4, §5.2; RFC 5861): fresh
 * and acceptable, stale where the client or the origin allows it, or not at all.
 */
import { parseCacheControl, type CacheControlDirectives } from '../cache-control.js';
import type { Env, Exchange } from './exchange.js';
import { currentAge, freshnessLifetime, type Freshness } from './freshness.js';
import { headersOf, type StoredResponse } from './stored-response.js';

export type { Freshness } from './freshness.js';

/** RFC 9111 §4.2: a stored response's freshness now. */
export function freshness(env: Env, stored: StoredResponse): Freshness {
  const headers = headersOf(stored);
  const directives = parseCacheControl(headers.get('cache-control'));
  const input = { status: stored.status, headers, directives, requestTime: stored.requestTime, responseTime: stored.responseTime };
  const age = currentAge(input, env.now());
  return { directives, headers, age, left: freshnessLifetime(input, env.policy) - age };
}

/** RFC 9111 §4, §5.2.1: fresh, not to be validated first, and acceptable to the client's max-age and min-fresh. */
export function usable(x: Exchange, f: Freshness): boolean {
  const { requestCC } = x;
  return f.left > 0 && !mustValidate(x, f)
    && (requestCC.maxAge === undefined || f.age <= requestCC.maxAge)
    && (requestCC.minFresh === undefined || f.left >= requestCC.minFresh);
}

/** no-cache from the origin (unqualified) or from the client: validated before any use (§5.2.2.4, §5.2.1.4). */
export function mustValidate(x: Exchange, f: Freshness): boolean {
  return f.directives.noCache === true || x.requestCC.noCache !== undefined;
}

/** RFC 9111 §4.2.4: directives that forbid serving this response stale. */
export function forbidsStale(env: Env, directives: CacheControlDirectives): boolean {
  return directives.mustRevalidate === true || directives.noCache === true
    || (env.shared && (directives.proxyRevalidate === true || directives.sMaxAge !== undefined));
}

/** §5.2.1.2: the client accepts a stale response this old (never where a directive forbids stale use). */
export function staleAllowedByClient(x: Exchange, f: Freshness): boolean {
  const { maxStale, maxAge } = x.requestCC;
  return f.left <= 0 && maxStale !== undefined && -f.left <= maxStale && (maxAge === undefined || f.age <= maxAge)
    && !mustValidate(x, f) && !forbidsStale(x.env, f.directives);
}

/** RFC 5861 §3: within the stale-while-revalidate window. */
export function staleWhileRevalidate(x: Exchange, f: Freshness): boolean {
  const window = f.directives.staleWhileRevalidate;
  return window !== undefined && f.left <= 0 && -f.left <= window && !mustValidate(x, f) && !forbidsStale(x.env, f.directives);
}

/** RFC 5861 §4: within the stale-if-error window of the response or the request. */
export function staleIfError(x: Exchange, f: Freshness): boolean {
  if (forbidsStale(x.env, f.directives)) return false;
  const window = Math.max(f.directives.staleIfError ?? -1, x.requestCC.staleIfError ?? -1);
  return window >= 0 && -f.left <= window;
}
