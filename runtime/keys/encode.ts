/**
 * Canonical, injective text encoding for key components.
 *
 * Every component of a cache key passes through `encodeComponent`, whose output never
 * contains the key's delimiters (`|`, `&`, `=`, `:`, `,`), so no value can forge a second
 * component. A raw query component is decoded first, as the server's query parser decodes it
 * (`decodeQueryComponent`), so `%7e`, `%7E` and `~` give the same key, and text the parser does
 * not decode keeps its own key.
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

/** Text that encodeURIComponent leaves unchanged. */
const PLAIN = /^[A-Za-z0-9\-_.!~*'()]*$/;

/**
 * One raw query-string component (a name or a value, as sent on the wire) decoded exactly as
 * Fastify's query parser (fast-querystring) decodes it: `+` is a space, and percent escapes are
 * decoded when the whole component is valid UTF-8; when it is not (`%31%30%30%`, `%FF`), the
 * handler receives the text as sent, so the key does too (never a repaired twin such as `100%`).
 */
export function decodeQueryComponent(raw: string): string {
  const spaced = raw.indexOf('+') === -1 ? raw : raw.replace(/\+/g, ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced) || spaced;
  } catch {
    return spaced;
  }
}

/** `encodeComponent(decodeQueryComponent(raw))`: the key text of one raw query component. */
export function canonicalQueryComponent(raw: string): string {
  if (PLAIN.test(raw)) return raw;
  return encodeComponent(decodeQueryComponent(raw));
}
