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
      const field = segment === '' ? value : value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
      if (field === undefined || field === null) continue;
      if (fanOut) {
        if (Array.isArray(field)) next.push(...field);
      } else next.push(field);
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null);
}

function field(source: unknown, name: string): unknown[] {
  return valuesAt(source, [name]);
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
      values = field(sources.query, part.name).flatMap((v) => (Array.isArray(v) ? v : [v]));
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
  const strings = values.filter((v) => typeof v !== 'object').map(String);
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
