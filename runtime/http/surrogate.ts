/** Tags for CDNs that purge by tag: Fastly's Surrogate-Key (spaces) and Cloudflare's Cache-Tag (commas). */

/** Visible ASCII but the two list separators' kin (`,`) and the escape character (`%`): sent as it is. */
const PLAIN_TAG = /^[\x21-\x24\x26-\x2b\x2d-\x7e]*$/;

/**
 * Tag text made safe for both lists and for any header: every byte of its UTF-8 outside visible
 * ASCII (whitespace, CR/LF, `€`, emoji), and `,` and `%`, percent-encoded. Response headers and
 * purge requests both go through here, so a CDN purges exactly the text it was sent.
 */
function safeTag(tag: string): string {
  if (PLAIN_TAG.test(tag)) return tag;
  let out = '';
  for (const ch of tag) {
    if (PLAIN_TAG.test(ch)) { out += ch; continue; }
    // A lone surrogate becomes U+FFFD: two such tags share a header text, so a purge of one also purges the other (never fewer).
    for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** `product:1 category:shoes`: the tags, deduplicated, space-separated (Surrogate-Key). */
export function surrogateKeys(tags: string[]): string {
  return [...new Set(tags.map(safeTag))].join(' ');
}

/** `product:1,category:shoes`: the tags, deduplicated, comma-separated (Cache-Tag). */
export function cacheTags(tags: string[]): string {
  return [...new Set(tags.map(safeTag))].join(',');
}
