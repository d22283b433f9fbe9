/**
 * Tag templates over row columns: `product:{id}` names the column `id`; rendering a row
 * fills each placeholder with that column's value.
 */

/** One parsed template: literal text between placeholders, and the placeholder column names. */
export interface TagTemplate {
  source: string;
  /** Literal parts; always one more than `columns`. */
  literals: string[];
  columns: string[];
}

const placeholder = /\{([^{}]*)\}/g;

/** Parses `product:{id}`; throws naming the template when a placeholder is empty or a brace is unbalanced. */
export function parseTagTemplate(source: string): TagTemplate {
  const literals: string[] = [];
  const columns: string[] = [];
  let last = 0;
  for (const match of source.matchAll(placeholder)) {
    const column = (match[1] ?? '').trim();
    if (!column) throw new Error(`tag template "${source}" has an empty placeholder {}; write the column name, e.g. {id}`);
    literals.push(source.slice(last, match.index));
    columns.push(column);
    last = match.index + match[0].length;
  }
  literals.push(source.slice(last));
  if (literals.some((l) => l.includes('{') || l.includes('}'))) {
    throw new Error(`tag template "${source}" has an unbalanced brace; placeholders look like {column}`);
  }
  return { source, literals, columns };
}

/** Every column the templates read, in first-seen order, without duplicates. */
export function templateColumns(templates: readonly TagTemplate[]): string[] {
  return [...new Set(templates.flatMap((t) => t.columns))];
}

/** The result of rendering a row: its tags, or `unknown` when a column the templates need is absent. */
export type RenderResult = { tags: string[]; unknown: false } | { tags: string[]; unknown: true; missing: string };

/**
 * Renders every template over one row. A column whose value is SQL NULL yields no tag (nothing
 * can be cached under it); a column missing from the row means the tags cannot be known, which
 * the caller must treat as "invalidate the whole table".
 */
export function renderTags(templates: readonly TagTemplate[], row: Readonly<Record<string, unknown>>): RenderResult {
  const tags: string[] = [];
  for (const template of templates) {
    let tag = template.literals[0] ?? '';
    let skip = false;
    for (let i = 0; i < template.columns.length; i++) {
      const column = template.columns[i]!;
      if (!Object.hasOwn(row, column)) return { tags, unknown: true, missing: column };
      const value = row[column];
      if (value === null || value === undefined) { skip = true; break; }
      tag += formatValue(value) + (template.literals[i + 1] ?? '');
    }
    if (!skip) tags.push(tag);
  }
  return { tags, unknown: false };
}

/** Values render the way PostgreSQL's `::text` renders them, so a tag from a NOTIFY and one from Debezium agree. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
