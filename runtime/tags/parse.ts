/**
 * The tag-template grammar, one for every user: the generator validates x-cache `tags` and
 * `x-cache-invalidates` with it, the Fastify routes and the client render it, and CDC's
 * `{column}` templates are the same grammar read over a row.
 *
 *   template    = *( literal / "{" expression "}" )
 *   expression  = name                      ; a path parameter (CDC: a column)
 *               / "path." text / "query." text / "header." text    ; text: any declared name
 *               / ( "response" / "body" ) ( "." field-path / "[]" *( "[]" ) [ "." field-path ] )
 *   field-path  = segment *( "." segment )  ; a segment is a name followed by any number of "[]"
 *   name        = 1*( ALPHA / DIGIT / "_" / "-" )
 *
 * Whitespace inside the braces is ignored; a literal may not contain `{` or `}`.
 */
import type { TagPartSpec, TagTemplateSpec } from './types.js';

/** A parsed template, or what is wrong with it (the message names the template). */
export type ParsedTagTemplate = { parts: TagPartSpec[] } | { error: string };

const NAME = /^[A-Za-z0-9_-]+$/;

/** Parses one template; never throws. */
export function parseTagTemplate(source: string): ParsedTagTemplate {
  if (typeof source !== 'string') return { error: `a tag template must be a string (got ${typeof source})` };
  const parts: TagPartSpec[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (close !== -1 && (open === -1 || close < open)) return { error: `tag template "${source}" has an unbalanced "}"` };
    if (open === -1) {
      parts.push({ kind: 'literal', text: rest });
      break;
    }
    if (open > 0) parts.push({ kind: 'literal', text: rest.slice(0, open) });
    const end = rest.indexOf('}', open);
    const nested = rest.indexOf('{', open + 1);
    if (end === -1 || (nested !== -1 && nested < end)) return { error: `tag template "${source}" has an unbalanced brace: unclosed "{"` };
    const part = parseExpression(rest.slice(open + 1, end).trim());
    if ('error' in part) return { error: `tag template "${source}" ${part.error}` };
    parts.push(part);
    rest = rest.slice(end + 1);
  }
  return { parts };
}

/** Parses one template, throwing an Error with the parser's message when it is not valid. */
export function tagTemplate(source: string): TagTemplateSpec {
  const parsed = parseTagTemplate(source);
  if ('error' in parsed) throw new Error(parsed.error);
  return { source, parts: parsed.parts };
}

function parseExpression(expression: string): TagPartSpec | { error: string } {
  if (expression === '') return { error: 'has an empty placeholder "{}"; write a name, e.g. {id}' };
  // `response[].id`: a top-level array has `[]` straight after the source name.
  const topArray = /^(response|body)(?=\[)/.exec(expression);
  const dot = topArray ? topArray[1]!.length : expression.indexOf('.');
  if (dot === -1) {
    return NAME.test(expression) ? { kind: 'path', name: expression } : { error: `has "{${expression}}", which is not a parameter name (letters, digits, _ and -)` };
  }
  const head = expression.slice(0, dot);
  const tail = topArray ? expression.slice(dot) : expression.slice(dot + 1);
  switch (head) {
    case 'path':
    case 'query':
    case 'header':
      // Any name the spec can declare (`page[size]`, `filter.name`); the spec check is the lint rule's.
      if (tail === '') return { error: `has "{${head}.}", which names no parameter` };
      return head === 'header' ? { kind: 'header', name: tail.toLowerCase() } : { kind: head, name: tail };
    case 'response':
    case 'body': {
      const path = splitFieldPath(tail);
      if (!path) return { error: `has "{${expression}}", which is not a field path (use a.b or items[].id)` };
      return { kind: head, path };
    }
    default:
      return { error: `has "{${expression}}"; a placeholder must be {param}, {query.x}, {header.x}, {response.a.b} or {body.a.b}` };
  }
}

/** `items[].id` → ['items', '[]', 'id']; `[].id` (a top-level array) → ['[]', 'id']. */
function splitFieldPath(text: string): string[] | undefined {
  if (!text) return undefined;
  const path: string[] = [];
  for (const piece of text.split('.')) {
    const match = /^([A-Za-z0-9_$-]*)((?:\[\])*)$/.exec(piece);
    if (!match || (!match[1] && !match[2])) return undefined;
    if (match[1]) path.push(match[1]);
    for (let i = 0; i < match[2]!.length / 2; i++) path.push('[]');
  }
  return path;
}

/** `['items', '[]', 'id']` → `items[].id`; `['[]', 'id']` → `[].id`. */
export function formatFieldPath(path: readonly string[]): string {
  return path.reduce((text, segment) => (segment === '[]' ? `${text}[]` : text ? `${text}.${segment}` : segment), '');
}

/** Parts back to template text, in canonical spelling (for messages and `cachegen explain`). */
export function formatTagParts(parts: readonly TagPartSpec[]): string {
  return parts.map(formatPart).join('');
}

function formatPart(part: TagPartSpec): string {
  switch (part.kind) {
    case 'literal':
      return part.text;
    case 'path':
      return `{${part.name}}`;
    case 'query':
    case 'header':
      return `{${part.kind}.${part.name}}`;
    case 'response':
    case 'body':
      return `{${part.kind}${part.path[0] === '[]' ? '' : '.'}${formatFieldPath(part.path)}}`;
  }
}
