/**
 * Turns tag templates into tags for one request: `product:{id}` with params `{ id: 7 }` is
 * `product:7`; `item:{response.items[].id}` fans out to one tag per array element.
 */
import type { TagPartSpec, TagTemplateSpec } from './types.js';

/** Where the values of a template's placeholders come from. Any may be absent. */
export interface TagSources {
  params?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
  response?: unknown;
}

/** Values at a field path; `[]` segments (or `name[]`) fan out over arrays. Missing fields give none. */
export function valuesAt(root: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [root];
  for (const rawSegment of path) {
    const fanOut = rawSegment.endsWith('[]');
    const segment = fanOut ? rawSegment.slice(0, -2) : rawSegment;
    const next: unknown[] = [];
    for (const value of current) {
      const field = segment === '' ? value : ownField(value, segment);
      if (field === undefined || field === null) continue;
      if (!fanOut) next.push(field);
      // A loop, not push(...field): spreading a very large array overflows the stack.
      else if (Array.isArray(field)) for (const item of field) next.push(item);
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null);
}

/** Own properties only: a placeholder named `constructor` or `__proto__` must not find Object.prototype. */
function ownField(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function field(source: unknown, name: string): unknown[] {
  return valuesAt(source, [name]);
}

/**
 * A placeholder value as tag text, the same on every side (a read's tags, a write's and a CDC
 * row's must agree): strings as they are, numbers and booleans as written, dates in ISO 8601.
 * null, undefined and other objects give no tag (arrays fan out before they get here).
 */
export function tagValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string': return value;
    case 'number': case 'bigint': case 'boolean': return String(value);
    case 'object':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
    default: return undefined;
  }
}

function partValues(part: TagPartSpec, sources: TagSources): string[] | undefined {
  let values: unknown[];
  switch (part.kind) {
    case 'literal':
      return [part.text];
    case 'path':
      values = field(sources.params, part.name);
      break;
    case 'query':
      values = field(sources.query, part.name);
      break;
    case 'header':
      values = field(sources.headers, part.name.toLowerCase());
      break;
    case 'body':
      values = valuesAt(sources.body, part.path);
      break;
    case 'response':
      values = valuesAt(sources.response, part.path);
      break;
  }
  // An array value (a repeated query parameter, an array field or column) fans out: one tag per item.
  const strings: string[] = [];
  for (const value of values) {
    if (!Array.isArray(value)) {
      const text = tagValue(value);
      if (text !== undefined) strings.push(text);
    } else {
      for (const item of value) {
        const text = tagValue(item);
        if (text !== undefined) strings.push(text);
      }
    }
  }
  return strings.length > 0 ? strings : undefined;
}

/** Every tag a template yields for these sources; a template whose placeholder has no value yields none. */
export function renderTag(template: TagTemplateSpec, sources: TagSources): string[] {
  let tags = [''];
  for (const part of template.parts) {
    const values = partValues(part, sources);
    if (!values) return [];
    tags = values.length === 1 ? tags.map((t) => t + values[0]) : tags.flatMap((t) => values.map((v) => t + v));
  }
  return tags;
}

/** The distinct tags of several templates, in template order. */
export function renderTags(templates: readonly TagTemplateSpec[], sources: TagSources): string[] {
  if (templates.length === 0) return [];
  const out = new Set<string>();
  for (const template of templates) for (const tag of renderTag(template, sources)) out.add(tag);
  return [...out];
}

/** True when a template reads the response body, so its tags are known only after the origin call. */
export function readsResponse(template: TagTemplateSpec): boolean {
  return template.parts.some((p) => p.kind === 'response');
}
