/**
 * Canonical, injective text encoding for key components.
 *
 * Every component of a cache key passes through `encodeComponent`, whose output never
 * contains the key's delimiters (`|`, `&`, `=`, `:`, `,`), so no value can forge a second
 * component. Percent-encoded input is decoded first (`decodeQueryComponent`), so `%7e`,
 * `%7E` and `~` give the same key.
 */

/**
 * Encodes text so that distinct inputs give distinct outputs made only of
 * `A-Z a-z 0-9 - _ . ! ~ * ' ( ) %` (and `%uXXXX` for lone surrogates).
 */
export function encodeComponent(text: string): string {
  // Most key parts (ids, enum-like values) need no escaping: skip the allocation.
  if (PLAIN.test(text)) return text;
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeIllFormed(text);
  }
}

/** encodeURIComponent refuses lone surrogates; `%u` never appears in its output, so this stays injective. */
function encodeIllFormed(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(text.slice(i, i + 2));
        i++;
        continue;
      }
      out += '%u' + unit.toString(16).toUpperCase();
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      out += '%u' + unit.toString(16).toUpperCase();
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

const KEEP = /^[A-Za-z0-9\-_.!~*'()]$/;
/** Text that encodeURIComponent leaves unchanged. */
const PLAIN = /^[A-Za-z0-9\-_.!~*'()]*$/;

/**
 * Canonical encoding of one raw query-string component (a name or a value, as sent on the
 * wire): `+` is a space, percent escapes are decoded, and the result is encoded as
 * `encodeComponent` would. Malformed escapes never throw: the bytes are kept as they are.
 */
export function canonicalQueryComponent(raw: string): string {
  if (PLAIN.test(raw)) return raw;
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return encodeComponent(raw);
  const spaced = raw.indexOf('+') === -1 ? raw : raw.replace(/\+/g, ' ');
  try {
    return encodeURIComponent(decodeURIComponent(spaced));
  } catch {
    return encodeBytes(toBytes(spaced));
  }
}

/** Percent-decodes valid `%XX` escapes to bytes and UTF-8-encodes everything else. */
function toBytes(text: string): Uint8Array {
  const out: number[] = [];
  const encoder = new TextEncoder();
  let literalStart = 0;
  const flush = (end: number) => {
    if (end > literalStart) for (const b of encoder.encode(text.slice(literalStart, end))) out.push(b);
  };
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x25 /* % */) continue;
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) continue;
    flush(i);
    out.push(parseInt(hex, 16));
    i += 2;
    literalStart = i + 1;
  }
  flush(text.length);
  return Uint8Array.from(out);
}

/**
 * The same alphabet as encodeURIComponent over UTF-8 bytes: for valid UTF-8 this equals
 * encodeURIComponent(decoded), and for invalid UTF-8 it is still one string per byte sequence.
 */
function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && KEEP.test(ch) ? ch : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
