/** Cache-Status (RFC 9211): what this cache did with the request, for humans and CDNs downstream. */

export interface CacheStatusResult {
  status: 'hit' | 'stale' | 'miss' | 'bypass';
  /** Seconds of freshness left (negative: stale by that much); written for hit and stale only. */
  ttl?: number;
  /** The response was stored after going forward. */
  stored?: boolean;
  /** The request waited for another request's forward and shares its response. */
  collapsed?: boolean;
  /** Free-form detail, e.g. `stale-while-revalidate`, `redis-down`. */
  detail?: string;
  /** Why the request went forward, when it is not `miss`/`bypass` (e.g. `stale`: revalidated, `request`: the client asked). */
  fwd?: 'stale' | 'request' | 'uri-miss' | 'vary-miss' | 'method' | 'partial';
  /** Status of the forwarded response (e.g. 304 after a revalidation). */
  fwdStatus?: number;
}

/**
 * One Cache-Status entry, e.g. `cachegen; hit; ttl=42`, `cachegen; hit; ttl=-3; detail=stale-while-revalidate`
 * (a stale entry served), `cachegen; fwd=miss; stored`, `cachegen; fwd=bypass`.
 */
export function cacheStatus(result: CacheStatusResult, name = 'cachegen'): string {
  let out = sfItem(name);
  switch (result.status) {
    case 'hit':
    case 'stale':
      out += '; hit';
      break;
    case 'miss':
      out += '; fwd=' + (result.fwd ?? 'miss');
      break;
    default:
      out += '; fwd=bypass';
  }
  if (result.fwdStatus !== undefined && result.status !== 'hit' && result.status !== 'stale') out += `; fwd-status=${result.fwdStatus}`;
  // ttl describes what was served from the cache; a forwarded response has none (RFC 9211 examples).
  if (result.ttl !== undefined && Number.isFinite(result.ttl) && (result.status === 'hit' || result.status === 'stale')) {
    const ttl = Math.trunc(result.ttl);
    out += `; ttl=${result.status === 'stale' && ttl >= 0 ? -1 : ttl}`;
  }
  if (result.stored) out += '; stored';
  if (result.collapsed) out += '; collapsed';
  if (result.detail !== undefined) out += '; detail=' + sfItem(result.detail);
  return out;
}

/** A Structured Fields token when the text is one, else an sf-string with `"` and `\` escaped. */
function sfItem(text: string): string {
  if (/^[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*$/.test(text)) return text;
  return '"' + text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&') + '"';
}
