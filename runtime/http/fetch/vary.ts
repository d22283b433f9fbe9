/**
 * RFC 9111 §4.1: the secondary cache key. A stored response records the normalized values of
 * the request fields its Vary names; a later request matches when its values normalize the
 * same. Normalization only merges values known to mean the same (RFC 9111 §4.1): list
 * whitespace and the order and case of language tags and codings of equal preference. Values
 * of other fields are compared as they are.
 */
import { fieldNames, listMembers } from '../syntax.js';

/** Lower-case field name → normalized request value (null: absent). */
export type SecondaryKey = Record<string, string | null>;

/** Fields whose values are lists of case-insensitive tokens with optional q weights (RFC 9110 §12.5). */
const WEIGHTED_TOKEN_LISTS = new Set(['accept-language', 'accept-encoding', 'accept-charset']);
/** List-based fields whose members' whitespace and case are not significant beyond the list syntax. */
const LISTS = new Set(['accept', ...WEIGHTED_TOKEN_LISTS]);

/** The request fields a response varies on (lower-case); includes `*` when present. */
export function varyNames(headers: Headers): string[] {
  return fieldNames(headers.get('vary'));
}

/** RFC 9111 §4.1: a request's value for one selecting field, normalized; null when absent. */
export function selectingValue(name: string, request: Headers): string | null {
  const value = request.get(name);
  if (value === null) return null;
  if (WEIGHTED_TOKEN_LISTS.has(name)) return weightedTokens(value) ?? listMembers(value).join(', ');
  return LISTS.has(name) ? listMembers(value).join(', ') : value;
}

/** The secondary key of `request` for a response that varies on `names`. */
export function secondaryKey(names: readonly string[], request: Headers): SecondaryKey {
  const key: SecondaryKey = {};
  for (const name of names) key[name] = selectingValue(name, request);
  return key;
}

/** RFC 9111 §4.1: does `request` select a response stored under `key`? */
export function matches(key: SecondaryKey, request: Headers): boolean {
  for (const name in key) if (selectingValue(name, request) !== key[name]) return false;
  return true;
}

/** Two stored responses answer the same requests when their secondary keys are equal. */
export function sameKey(a: SecondaryKey, b: SecondaryKey): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((n) => n in b && a[n] === b[n]);
}

/**
 * RFC 9110 §12.4.2, §12.5.4: `en-US, de;q=0.5, fr` → `en-us, fr, de;q=0.5` — tokens lower-cased,
 * ordered by weight then name (members of equal weight carry no order). Undefined when a member
 * does not follow the grammar (the value is then compared as a plain list).
 */
function weightedTokens(value: string): string | undefined {
  const members: Array<{ token: string; q: number; weight: string }> = [];
  for (const member of listMembers(value)) {
    const semicolon = member.indexOf(';');
    const token = (semicolon < 0 ? member : member.slice(0, semicolon)).trim().toLowerCase();
    if (token.length === 0 || token.includes(' ')) return undefined;
    let q = 1;
    if (semicolon >= 0) {
      const parameter = member.slice(semicolon + 1).trim().toLowerCase();
      const weight = parameter.startsWith('q=') ? qvalue(parameter.slice(2)) : undefined;
      if (weight === undefined) return undefined;
      q = weight;
    }
    members.push({ token, q, weight: q === 1 ? '' : `;q=${q}` });
  }
  members.sort((a, b) => b.q - a.q || (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  return members.map((m) => m.token + m.weight).join(', ');
}

/** RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as a number. */
function qvalue(text: string): number | undefined {
  if (text.length === 0 || text.length > 5 || (text[0] !== '0' && text[0] !== '1')) return undefined;
  if (text.length > 1 && text[1] !== '.') return undefined;
  for (let i = 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57 || (text[0] === '1' && c !== 48)) return undefined;
  }
  return Number(text);
}
