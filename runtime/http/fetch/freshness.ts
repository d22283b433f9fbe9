/**
 * RFC 9111 arithmetic, kept pure so each rule is easy to test: what may be stored (§3),
 * how long it stays fresh (§4.2.1, §4.2.2), and how old it is (§4.2.3). Times are ms.
 */
import type { CacheControlDirectives } from '../cache-control.js';

/** Status codes that are cacheable by default, i.e. heuristically (RFC 9110 §15.1). */
export const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/** Status codes whose semantics this cache understands (for `must-understand`, RFC 9111 §5.2.2.3). */
const UNDERSTOOD = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);

export interface StorabilityInput {
  method: string;
  status: number;
  request: CacheControlDirectives;
  response: CacheControlDirectives;
  responseHeaders: Headers;
  hasAuthorization: boolean;
  shared: boolean;
}

/** RFC 9111 §3: may this response be stored? Returns the reason it may not, or undefined when it may. */
export function whyNotStorable(input: StorabilityInput): string | undefined {
  const { request, response, responseHeaders } = input;
  if (input.method !== 'GET') return 'method';
  // This cache does not combine partial content, and 304/1xx are not complete responses.
  if (input.status < 200 || input.status === 206 || input.status === 304) return 'status';
  if (response.mustUnderstand && !UNDERSTOOD.has(input.status)) return 'must-understand';
  else if (!response.mustUnderstand && response.noStore) return 'no-store';
  if (request.noStore) return 'request no-store';
  if (input.shared && response.private) return 'private';
  // A shared cache never keeps one client's cookie to hand it to another.
  if (input.shared && responseHeaders.has('set-cookie')) return 'set-cookie';
  if (input.shared && input.hasAuthorization && !response.mustRevalidate && !response.public && response.sMaxAge === undefined) {
    return 'authorization';
  }
  const vary = responseHeaders.get('vary');
  if (vary !== null && vary.split(',').some((name) => name.trim() === '*')) return 'vary *';
  const explicit = response.maxAge !== undefined || (input.shared && response.sMaxAge !== undefined) || responseHeaders.has('expires');
  if (!explicit && !response.public && !HEURISTICALLY_CACHEABLE.has(input.status)) return 'no freshness';
  return undefined;
}

/** An HTTP-date in ms, or undefined when absent or invalid. */
export function httpDate(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface FreshnessInput {
  status: number;
  response: CacheControlDirectives;
  headers: Headers;
  /** When the response was received (ms): stands in for a missing Date. */
  responseTime: number;
  shared: boolean;
  /** Fraction of (Date - Last-Modified) used as heuristic freshness; RFC 9111 §4.2.2 suggests 10%. */
  heuristicFraction: number;
  /** Upper bound of heuristic freshness, seconds. */
  maxHeuristic: number;
}

/** RFC 9111 §4.2.1 (+ §4.2.2): seconds this response is fresh for, counted from its generation. */
export function freshnessLifetime(input: FreshnessInput): number {
  const { response, headers } = input;
  if (input.shared && response.sMaxAge !== undefined) return response.sMaxAge;
  if (response.maxAge !== undefined) return response.maxAge;
  const expiresHeader = headers.get('expires');
  if (expiresHeader !== null) {
    const expires = httpDate(expiresHeader);
    // An invalid Expires (e.g. "0") means already expired.
    if (expires === undefined) return 0;
    const date = httpDate(headers.get('date')) ?? input.responseTime;
    return Math.max(0, (expires - date) / 1000);
  }
  const lastModified = httpDate(headers.get('last-modified'));
  if (lastModified !== undefined && (HEURISTICALLY_CACHEABLE.has(input.status) || response.public)) {
    const date = httpDate(headers.get('date')) ?? input.responseTime;
    return Math.min(input.maxHeuristic, Math.max(0, ((date - lastModified) / 1000) * input.heuristicFraction));
  }
  return 0;
}

export interface AgeInput {
  headers: Headers;
  requestTime: number;
  responseTime: number;
  now: number;
}

/** RFC 9111 §4.2.3: the current age of a stored response, in seconds. */
export function currentAge(input: AgeInput): number {
  const ageHeader = input.headers.get('age');
  const ageValue = ageHeader !== null && /^\s*\d+\s*$/.test(ageHeader) ? Number(ageHeader) : 0;
  const dateValue = httpDate(input.headers.get('date')) ?? input.responseTime;
  const apparentAge = Math.max(0, input.responseTime - dateValue) / 1000;
  const responseDelay = (input.responseTime - input.requestTime) / 1000;
  const correctedAgeValue = ageValue + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = (input.now - input.responseTime) / 1000;
  return correctedInitialAge + residentTime;
}
