/**
 * The stored responses of one URI: choosing the one a request may use (RFC 9111 §4, §4.1) and
 * adding a new one (a variant replaces the one with its secondary key; parts of one
 * representation combine, §3.4).
 */
import { dateValue } from './freshness.js';
import { contentRange, covers, joinParts, type ByteSpan } from './ranges.js';
import { bytesOf, fieldOf, headersOf, isComplete, type StoredEntry, type StoredResponse } from './stored-response.js';
import { strongTag } from './validation.js';
import { matches, sameKey } from './vary.js';

/** Date of a stored response, for "the most recent" (RFC 9111 §4). */
function recency(stored: StoredResponse): number {
  return dateValue({ headers: headersOf(stored), responseTime: stored.responseTime });
}

/** The most recent of `responses` by Date, the later stored on a tie (RFC 9111 §4: MUST use the most recent). */
function mostRecent(responses: readonly StoredResponse[]): StoredResponse | undefined {
  let best: StoredResponse | undefined;
  for (const r of responses) if (best === undefined || recency(r) >= recency(best)) best = r;
  return best;
}

/** RFC 9111 §4.1: the complete stored responses whose secondary key `request` matches. */
export function variantsFor(entry: StoredEntry | undefined, request: Headers): StoredResponse[] {
  return (entry?.responses ?? []).filter((r) => isComplete(r) && matches(r.vary, request));
}

/** RFC 9111 §4: the stored response that may answer a request for the whole representation. */
export function selectComplete(entry: StoredEntry | undefined, request: Headers): StoredResponse | undefined {
  return mostRecent(variantsFor(entry, request));
}

/** RFC 9111 §3.3: a stored response holding every byte of `wanted` (a complete one, or a part wholly around it). */
export function selectForRange(entry: StoredEntry | undefined, request: Headers, wanted: (size: number) => ByteSpan | undefined): { stored: StoredResponse; span: ByteSpan } | undefined {
  const candidates = (entry?.responses ?? []).filter((r) => matches(r.vary, request));
  for (const stored of [...candidates].sort((a, b) => recency(b) - recency(a))) {
    const size = stored.span?.size ?? bytesOf(stored).byteLength;
    const span = wanted(size);
    if (span === undefined) continue;
    if (stored.span === undefined || covers(stored.span, span)) return { stored, span };
  }
  return undefined;
}

/** The other complete responses of the URI whose validators a request may carry (all variants, §4.3.1). */
export function validatable(entry: StoredEntry | undefined): StoredResponse[] {
  return (entry?.responses ?? []).filter((r) => isComplete(r) && fieldOf(r, 'etag') !== null);
}

/**
 * Adds `stored` to the entry, keeping at most `max` responses (the oldest go first): it replaces
 * the response with its secondary key; a part combines with stored parts of the same
 * representation (same strong validator, RFC 9111 §3.4), and becomes complete when it covers all.
 */
export function place(entry: StoredEntry | undefined, stored: StoredResponse, max: number): StoredEntry {
  let placed = stored;
  const kept: StoredResponse[] = [];
  for (const other of entry?.responses ?? []) {
    if (!sameKey(other.vary, stored.vary)) kept.push(other);
    else if (placed.span !== undefined && other.span !== undefined && sameRepresentation(other, placed)) placed = combine(other, placed) ?? keepBoth(kept, other, placed);
    else if (placed.span !== undefined && other.span === undefined && strongTag(other) !== undefined && strongTag(other) === strongTag(placed)) kept.push(other);
    // Otherwise `other` is an older response for the same requests: the new one replaces it.
  }
  kept.push(placed);
  while (kept.length > max) kept.shift();
  return { v: 2, responses: kept };
}

/** Parts combine only under the same strong validator (RFC 9111 §3.4). */
function sameRepresentation(a: StoredResponse, b: StoredResponse): boolean {
  const tag = strongTag(a);
  return tag !== undefined && tag === strongTag(b) && a.span!.size === b.span!.size;
}

/** Two parts as one; the newer one's header fields win (RFC 9111 §3.4 via §3.2). A complete 200 when it covers every byte. */
function combine(older: StoredResponse, newer: StoredResponse): StoredResponse | undefined {
  const joined = joinParts({ span: older.span!, bytes: bytesOf(older) }, { span: newer.span!, bytes: bytesOf(newer) });
  if (joined === undefined) return undefined;
  const body = Buffer.from(joined.bytes).toString('base64');
  if (joined.span.start === 0 && joined.span.end === joined.span.size - 1) {
    const headers = newer.headers.filter(([name]) => name !== 'content-range' && name !== 'content-length');
    headers.push(['content-length', String(joined.span.size)]);
    const { span: _part, ...rest } = newer;
    return { ...rest, status: 200, statusText: 'OK', headers, body };
  }
  const headers = newer.headers.filter(([name]) => name !== 'content-range' && name !== 'content-length');
  headers.push(['content-range', contentRange(joined.span)], ['content-length', String(joined.bytes.byteLength)]);
  return { ...newer, headers, body, span: joined.span };
}

/** Disjoint parts of one representation are kept side by side. */
function keepBoth(kept: StoredResponse[], older: StoredResponse, newer: StoredResponse): StoredResponse {
  kept.push(older);
  return newer;
}
