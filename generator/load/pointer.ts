/** JSON pointers (RFC 6901) as used in `$ref`s and in SourceLocation.pointer (`#/a/b`). */

/** Escapes one reference token: `~` → `~0`, `/` → `~1`. */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Undoes escapeToken (and percent-encoding, which URI fragments may carry). */
export function unescapeToken(token: string): string {
  let decoded = token;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    // Not percent-encoded; use as written.
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Builds `#/a/b` from path segments. */
export function toPointer(segments: ReadonlyArray<string | number>): string {
  return '#' + segments.map((s) => '/' + escapeToken(String(s))).join('');
}

/** Splits `#/a/b` (or `/a/b`, or `#`) into segments. */
export function fromPointer(pointer: string): string[] {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return [];
  return body.replace(/^\//, '').split('/').map(unescapeToken);
}
