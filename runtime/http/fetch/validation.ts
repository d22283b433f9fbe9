/**
 * RFC 9111 §4.3: validation. The preconditions a cache sends (§4.3.1), how it answers a client's
 * own preconditions from a stored response (§4.3.2), and which stored responses a 304 updates
 * (§4.3.4). Entity tags follow RFC 9110 §8.8.3; a value that is not one (an unquoted tag) is
 * kept and sent back as the origin wrote it, and only ever compared exactly.
 */
import { listMembers } from '../syntax.js';
import { dateValue } from './freshness.js';
import { parseHttpDate } from './http-date.js';
import { bytesOf, fieldOf, headersOf, type StoredResponse } from './stored-response.js';

/** RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; `strong` only for a well-formed tag without W/. */
interface EntityTag { opaque: string; strong: boolean }

function entityTag(value: string): EntityTag {
  const weak = value.startsWith('W/');
  const opaque = weak ? value.slice(2) : value;
  const wellFormed = opaque.length >= 2 && opaque.startsWith('"') && opaque.endsWith('"') && !opaque.slice(1, -1).includes('"');
  return { opaque: wellFormed ? opaque : value, strong: wellFormed && !weak };
}

/** RFC 9110 §8.8.3.2: strong comparison (both strong, same opaque tag). */
export function strongMatch(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const x = entityTag(a);
  const y = entityTag(b);
  return x.strong && y.strong && x.opaque === y.opaque;
}

/** RFC 9110 §8.8.3.2: weak comparison (same opaque tag, W/ ignored). */
function weakMatch(a: string, b: string): boolean {
  return entityTag(a).opaque === entityTag(b).opaque;
}

/** The response's strong entity tag, when it has one (RFC 9111 §3.4 combines parts only under one). */
export function strongTag(stored: StoredResponse): string | undefined {
  const etag = fieldOf(stored, 'etag');
  return etag !== null && entityTag(etag).strong ? etag : undefined;
}

/**
 * RFC 9111 §4.3.1: the preconditions validating `candidates` (stored responses of the URI): every
 * entity tag they carry in If-None-Match (MUST), and If-Modified-Since when a single response
 * with Last-Modified is validated (SHOULD).
 */
export function preconditions(candidates: readonly StoredResponse[]): Record<string, string> {
  const out: Record<string, string> = {};
  const tags = [...new Set(candidates.map((c) => fieldOf(c, 'etag')).filter((t): t is string => t !== null))];
  if (tags.length > 0) out['if-none-match'] = tags.join(', ');
  const lastModified = candidates.length === 1 ? fieldOf(candidates[0]!, 'last-modified') : null;
  if (lastModified !== null) out['if-modified-since'] = lastModified;
  return out;
}

/** Whether a request carries If-None-Match or If-Modified-Since (a client validating its own copy). */
export function hasClientValidators(request: Headers): boolean {
  return request.has('if-none-match') || request.has('if-modified-since');
}

/** RFC 9111 §4.3.2, RFC 9110 §13.2.2: whether a client's preconditions say its copy is current (answer 304 from `stored`). */
export function notModifiedFor(request: Headers, stored: StoredResponse): boolean {
  const ifNoneMatch = request.get('if-none-match');
  if (ifNoneMatch !== null) {
    // If-None-Match wins over If-Modified-Since.
    if (ifNoneMatch.trim() === '*') return true;
    const etag = fieldOf(stored, 'etag');
    return etag !== null && listMembers(ifNoneMatch).some((tag) => weakMatch(tag, etag));
  }
  const since = parseHttpDate(request.get('if-modified-since'), stored.responseTime);
  if (since === undefined) return false;
  const lastModified = parseHttpDate(fieldOf(stored, 'last-modified'), stored.responseTime);
  return (lastModified ?? dateValue({ headers: headersOf(stored), responseTime: stored.responseTime })) <= since;
}

/**
 * RFC 9111 §4.3.4: the stored responses a 304 updates, among the candidates that were validated:
 * those with its strong validator (none if none has it); else the most recent one its weak
 * validator names; else, with no validator at all, the only candidate.
 */
export function updatedBy(notModified: Headers, candidates: readonly StoredResponse[]): StoredResponse[] {
  const etag = notModified.get('etag');
  if (etag !== null && entityTag(etag).strong) return candidates.filter((c) => strongMatch(fieldOf(c, 'etag'), etag));
  const lastModified = notModified.get('last-modified');
  if (etag !== null || lastModified !== null) {
    const named = candidates.filter((c) => {
      const stored = fieldOf(c, 'etag');
      if (etag !== null) return stored !== null && weakMatch(stored, etag);
      return fieldOf(c, 'last-modified') === lastModified;
    });
    const newest = named.reduce<StoredResponse | undefined>((best, c) => (best === undefined || c.responseTime > best.responseTime ? c : best), undefined);
    return newest ? [newest] : [];
  }
  // A 304 with no validator answers the preconditions of the one response they came from.
  return candidates.length === 1 ? [candidates[0]!] : [];
}

/** RFC 9111 §4.3.5: every validator the HEAD response carries equals the stored one's, and so does Content-Length when given. */
export function sameHeadValidators(stored: StoredResponse, head: Headers): boolean {
  for (const field of ['etag', 'last-modified']) {
    const value = head.get(field);
    if (value !== null && value !== fieldOf(stored, field)) return false;
  }
  const length = head.get('content-length');
  return length === null || Number(length) === bytesOf(stored).byteLength;
}
