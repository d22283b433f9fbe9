/** Tags for CDNs that purge by tag: Fastly's Surrogate-Key (spaces) and Cloudflare's Cache-Tag (commas). */

/** Tag text made safe for both lists: whitespace, commas, `%` and control characters percent-encoded. */
function safeTag(tag: string): string {
  return tag.replace(/[\s,%\x00-\x1f\x7f]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** `product:1 category:shoes`: the tags, deduplicated, space-separated (Surrogate-Key). */
export function surrogateKeys(tags: string[]): string {
  return [...new Set(tags.map(safeTag))].join(' ');
}

/** `product:1,category:shoes`: the tags, deduplicated, comma-separated (Cache-Tag). */
export function cacheTags(tags: string[]): string {
  return [...new Set(tags.map(safeTag))].join(',');
}
