/**
 * RFC 9110 §5.6: the common syntax of field values (lists, tokens, quoted strings), read by
 * following the grammar. Every function is total: malformed input gives an answer, never a throw.
 */

/** RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
export function isTchar(code: number): boolean {
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return true;
  return code === 33 || (code >= 35 && code <= 39) || code === 42 || code === 43 || code === 45 || code === 46
    || code === 94 || code === 95 || code === 96 || code === 124 || code === 126;
}

/** The length of the token at `start` (0 when there is none). */
export function tokenLength(text: string, start: number): number {
  let i = start;
  while (i < text.length && isTchar(text.charCodeAt(i))) i++;
  return i - start;
}

/** Whether all of `text` is one token. */
export function isToken(text: string): boolean {
  return text.length > 0 && tokenLength(text, 0) === text.length;
}

/** RFC 9110 §5.6.4: the quoted-string at `start` (which is a DQUOTE): its unescaped content and the index after it, or undefined when unterminated. */
export function readQuoted(text: string, start: number): { content: string; end: number } | undefined {
  let content = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { content, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) i++;
    content += text[i];
  }
  return undefined;
}

/** RFC 9110 §5.6.1: the members of a list (#element): split at commas outside quoted strings, OWS trimmed, empty members dropped. */
export function listMembers(value: string | null | undefined): string[] {
  if (typeof value !== 'string' || value.length === 0) return [];
  const members: string[] = [];
  const push = (member: string) => { if (member.length > 0) members.push(member); };
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  push(value.slice(start).trim());
  return members;
}

/** Field names of a list such as Connection or Vary, lower-cased (RFC 9110 §5.1: field names are case-insensitive). */
export function fieldNames(value: string | null | undefined): string[] {
  return listMembers(value).map((name) => name.toLowerCase());
}
