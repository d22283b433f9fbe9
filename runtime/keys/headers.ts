/**
 * Request header values as they enter a key: looked up case-insensitively, whitespace
 * normalized, the case of the value kept (a value's case can change the response).
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

const NEEDS_WORK = /^\s|\s$|\s\s|\s,|,(?! )|[\t\r\n]/;

/**
 * `  en-US ,fr;q=0.5 ` → `en-US, fr;q=0.5`: trimmed, list commas followed by one space,
 * runs of whitespace collapsed. Values that are already clean are returned as they are.
 */
export function normalizeHeaderValue(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  return value
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ ?, ?/g, ', ');
}
