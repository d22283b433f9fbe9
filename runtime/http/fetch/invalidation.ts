/** RFC 9111 §4.4: what a response to an unsafe request invalidates. */

/** RFC 9110 §9.2.1: the methods a cache may answer without writing through. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * RFC 9111 §4.4: after a non-error (2xx, 3xx) response to an unsafe method, the target URI
 * (MUST) and the Location and Content-Location URIs on the same origin (MAY; never another
 * origin). Empty for an error response.
 */
export function invalidatedUris(target: URL, status: number, headers: Headers): string[] {
  if (status < 200 || status >= 400) return [];
  const uris = [target.href];
  for (const field of ['location', 'content-location']) {
    const value = headers.get(field);
    if (value === null) continue;
    try {
      const other = new URL(value, target);
      if (other.origin === target.origin) uris.push(withoutFragment(other));
    } catch { /* not a URI reference: nothing to invalidate */ }
  }
  return uris;
}

/** The target URI as a cache key (RFC 9110 §7.1: the fragment is not part of it). */
export function withoutFragment(url: URL): string {
  if (url.hash === '') return url.href;
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}
