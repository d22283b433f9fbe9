/**
 * RFC 9111 §4.2: how long a stored response stays fresh (§4.2.1, §4.2.2) and how old it is
 * (§4.2.3, §5.1). Pure arithmetic over a response's header fields and this cache's clock
 * (ms); durations in seconds.
 */
import { deltaSeconds, type CacheControlDirectives } from '../cache-control.js';
import { listMembers } from '../syntax.js';
import { parseHttpDate } from './http-date.js';

/** RFC 9110 §15.1: status codes that are heuristically cacheable. */
export const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/** What freshness is computed from: a stored (or just received) response. */
export interface FreshnessInput {
  status: number;
  headers: Headers;
  directives: CacheControlDirectives;
  /** When the request that brought it left, and when it arrived (ms). */
  requestTime: number;
  responseTime: number;
}

export interface FreshnessPolicy {
  shared: boolean;
  /** Fraction of (Date − Last-Modified) used as heuristic freshness; RFC 9111 §4.2.2 suggests 10%. */
  heuristicFraction: number;
  /** Upper bound of heuristic freshness, seconds. */
  maxHeuristic: number;
}

/** RFC 9111 §4.2.3, RFC 9110 §6.6.1: date_value, or the time the response arrived when Date is absent or invalid. */
export function dateValue(input: Pick<FreshnessInput, 'headers' | 'responseTime'>): number {
  return parseHttpDate(input.headers.get('date'), input.responseTime) ?? input.responseTime;
}

/** RFC 9111 §4.2.1 (+ §4.2.2): seconds this response is fresh for, counted from its generation. */
export function freshnessLifetime(input: FreshnessInput, policy: FreshnessPolicy): number {
  const { directives, headers } = input;
  if (policy.shared && directives.sMaxAge !== undefined) return directives.sMaxAge;
  if (directives.maxAge !== undefined) return directives.maxAge;
  const expires = headers.get('expires');
  if (expires !== null) {
    // RFC 9111 §5.3: an invalid date (two Expires lines included) means already expired.
    const at = parseHttpDate(expires, input.responseTime);
    return at === undefined ? 0 : Math.max(0, (at - dateValue(input)) / 1000);
  }
  return heuristicLifetime(input, policy);
}

/** RFC 9111 §4.2.2: a fraction of the time since Last-Modified, for heuristically cacheable or `public` responses only. */
function heuristicLifetime(input: FreshnessInput, policy: FreshnessPolicy): number {
  if (!HEURISTICALLY_CACHEABLE.has(input.status) && !input.directives.public) return 0;
  const lastModified = parseHttpDate(input.headers.get('last-modified'), input.responseTime);
  if (lastModified === undefined) return 0;
  const interval = (dateValue(input) - lastModified) / 1000;
  return Math.min(policy.maxHeuristic, Math.max(0, interval * policy.heuristicFraction));
}

/** RFC 9111 §5.1: age_value — the first member of Age as delta-seconds; an invalid value is ignored (0). */
export function ageValue(headers: Headers): number {
  const first = listMembers(headers.get('age'))[0];
  return first === undefined ? 0 : (deltaSeconds(first) ?? 0);
}

/** RFC 9111 §4.2.3: current_age in seconds — corrected initial age (apparent age, Age + response delay) plus resident time. */
export function currentAge(input: Pick<FreshnessInput, 'headers' | 'requestTime' | 'responseTime'>, now: number): number {
  const apparentAge = Math.max(0, input.responseTime - dateValue(input)) / 1000;
  const responseDelay = Math.max(0, input.responseTime - input.requestTime) / 1000;
  const correctedAgeValue = ageValue(input.headers) + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = Math.max(0, now - input.responseTime) / 1000;
  return correctedInitialAge + residentTime;
}

/** A stored response's freshness now (RFC 9111 §4.2). */
export interface Freshness {
  directives: CacheControlDirectives;
  headers: Headers;
  age: number;
  /** Seconds of freshness left; <= 0 when stale. */
  left: number;
}
