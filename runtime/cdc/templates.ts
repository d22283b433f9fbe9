/**
 * Tag templates over row columns: the one tag grammar of runtime/tags, where `{id}` names the
 * column `id`. A CDC template may use only literals and `{column}` placeholders (a row has no
 * query, headers or response); rendering fills each one with the row's value, as text the
 * same way a request's or response's value is rendered, so a CDC tag and a route's tag agree.
 */
import { renderTag, tagTemplate, type TagTemplateSpec } from '../tags/index.js';

/** One parsed row template (its placeholders are `path` parts naming columns). */
export type RowTemplate = TagTemplateSpec;

/** Parses `product:{id}`; throws naming the template when it is not valid or reads more than columns. */
export function parseRowTemplate(source: string): RowTemplate {
  const template = tagTemplate(source);
  const other = template.parts.find((part) => part.kind !== 'literal' && part.kind !== 'path');
  if (other) throw new Error(`tag template "${source}" reads ${other.kind}; a CDC template names row columns only, e.g. product:{id}`);
  return template;
}

/** The columns one template reads, in order. */
function columnsOf(template: RowTemplate): string[] {
  return template.parts.flatMap((part) => (part.kind === 'path' ? [part.name] : []));
}

/** Every column the templates read, in first-seen order, without duplicates. */
export function templateColumns(templates: readonly RowTemplate[]): string[] {
  return [...new Set(templates.flatMap(columnsOf))];
}

/** The result of rendering a row: its tags, or `unknown` when a column the templates need is absent. */
export type RenderResult = { tags: string[]; unknown: false } | { tags: string[]; unknown: true; missing: string };

/**
 * Renders every template over one row. A column whose value is SQL NULL yields no tag (nothing
 * can be cached under it); a column missing from the row means the tags cannot be known, which
 * the caller must treat as "invalidate the whole table".
 */
export function renderRowTags(templates: readonly RowTemplate[], row: Readonly<Record<string, unknown>>): RenderResult {
  const tags: string[] = [];
  for (const template of templates) {
    const missing = columnsOf(template).find((column) => !Object.hasOwn(row, column));
    if (missing !== undefined) return { tags, unknown: true, missing };
    tags.push(...renderTag(template, { params: row }));
  }
  return { tags, unknown: false };
}
