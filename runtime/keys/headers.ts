/**
 * Request header values as they enter a key: looked up case-insensitively, the value exactly as
 * the handler reads it (no whitespace or case normalization: `en ,fr` and `en, fr` are two
 * strings to a handler, so they are two keys).
 */

export type HeaderBag = Record<string, string | string[] | undefined>;

/** The value of header `lowerName` (Node gives lower-case names; other casings are found too); arrays joined with `, `. */
export function readHeader(headers: HeaderBag | undefined, lowerName: string): string | undefined {
  if (!headers) return undefined;
  let value = headers[lowerName];
  if (value === undefined) {
    for (const name in headers) {
      if (name.length === lowerName.length && name.toLowerCase() === lowerName) {
        value = headers[name];
        break;
      }
    }
    if (value === undefined) return undefined;
  }
  return typeof value === 'string' ? value : value.join(', ');
}
