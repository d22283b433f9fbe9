/** Parses tag templates such as `product:{id}`, `category:{query.category}`, `item:{response.items[].id}`. */
import type { TagPart } from './types.js';

/** Parses one template; returns the parts, or an error message saying what is wrong. */
export function parseTagTemplate(source: string): { parts: TagPart[] } | { error: string } {
  const parts: TagPart[] = [];
  let rest = source;
  while (rest.length) {
    const open = rest.indexOf('{');
    const strayClose = rest.indexOf('}');
    if (strayClose !== -1 && (open === -1 || strayClose < open)) return { error: `unbalanced "}" in tag "${source}"` };
    if (open === -1) {
      parts.push({ kind: 'literal', text: rest });
      break;
    }
    if (open > 0) parts.push({ kind: 'literal', text: rest.slice(0, open) });
    const close = rest.indexOf('}', open);
    if (close === -1) return { error: `unclosed "{" in tag "${source}"` };
    const expression = rest.slice(open + 1, close).trim();
    const part = parseExpression(expression);
    if ('error' in part) return { error: `${part.error} in tag "${source}"` };
    parts.push(part);
    rest = rest.slice(close + 1);
  }
  return { parts };
}

function parseExpression(expression: string): TagPart | { error: string } {
  if (!expression) return { error: 'empty "{}"' };
  // `response[].id`: a top-level array has `[]` straight after the source name.
  const topArray = /^(response|body)(?=\[)/.exec(expression);
  const dot = topArray ? topArray[1]!.length : expression.indexOf('.');
  const head = dot === -1 ? expression : expression.slice(0, dot);
  const tail = dot === -1 ? '' : topArray ? expression.slice(dot) : expression.slice(dot + 1);
  switch (dot === -1 ? '' : head) {
    case '':
      if (!/^[A-Za-z0-9_\-]+$/.test(expression)) return { error: `"{${expression}}" is not a path parameter name` };
      return { kind: 'path', name: expression };
    case 'path':
      return tail ? { kind: 'path', name: tail } : { error: '"{path.}" names no parameter' };
    case 'query':
      return tail ? { kind: 'query', name: tail } : { error: '"{query.}" names no parameter' };
    case 'header':
      return tail ? { kind: 'header', name: tail.toLowerCase() } : { error: '"{header.}" names no header' };
    case 'response':
    case 'body': {
      const path = splitFieldPath(tail);
      if (!path) return { error: `"{${expression}}" is not a field path (use a.b or items[].id)` };
      return head === 'response' ? { kind: 'response', path } : { kind: 'body', path };
    }
    default:
      return { error: `"{${expression}}" must be {param}, {query.x}, {header.x}, {response.a.b} or {body.a.b}` };
  }
}

/** `items[].id` → ['items', '[]', 'id']; `[].id` (a top-level array) → ['[]', 'id']. */
function splitFieldPath(text: string): string[] | undefined {
  if (!text) return undefined;
  const path: string[] = [];
  for (const piece of text.split('.')) {
    const match = /^([A-Za-z0-9_$\-]*)((?:\[\])*)$/.exec(piece);
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

/** Renders parts back to template text (used in messages). */
export function formatTagParts(parts: TagPart[]): string {
  return parts
    .map((part) => {
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
    })
    .join('');
}
