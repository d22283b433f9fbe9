/** Entity tags: a strong ETag made once when an entry is stored, and If-None-Match matching. */
import { createHash } from 'node:crypto';

/** A strong ETag for these bytes: `"` + 22 base64url characters of SHA-256 + `"`. Same bytes, same tag. */
export function strongEtag(body: Uint8Array | string): string {
  return '"' + createHash('sha256').update(body).digest('base64url').slice(0, 22) + '"';
}

/**
 * Whether an If-None-Match header matches `etag` (RFC 9110 §13.1.2): `*` matches any current
 * representation; otherwise any listed tag matching under weak comparison (`W/` ignored on
 * both sides). true means answer 304 Not Modified (GET/HEAD).
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const wanted = opaque(etag);
  if (wanted === undefined) return false;
  for (const tag of listEntityTags(trimmed)) if (tag === wanted) return true;
  return false;
}

/** The opaque-tag of `W/"x"` or `"x"` (quotes included), or undefined when it is not an entity tag. */
function opaque(tag: string): string | undefined {
  const t = tag.trim();
  const body = t.startsWith('W/') ? t.slice(2) : t;
  return body.length >= 2 && body.startsWith('"') && body.endsWith('"') ? body : undefined;
}

/** The opaque tags of a comma-separated list; commas inside quotes belong to the tag. */
function listEntityTags(list: string): string[] {
  const tags: string[] = [];
  let i = 0;
  while (i < list.length) {
    while (i < list.length && (list[i] === ' ' || list[i] === '\t' || list[i] === ',')) i++;
    if (list.startsWith('W/', i)) i += 2;
    if (list[i] !== '"') {
      // Not an entity tag: skip to the next comma.
      while (i < list.length && list[i] !== ',') i++;
      continue;
    }
    const end = list.indexOf('"', i + 1);
    if (end === -1) break;
    tags.push(list.slice(i, end + 1));
    i = end + 1;
  }
  return tags;
}
