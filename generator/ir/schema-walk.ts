/**
 * Walks JSON Schemas of the bundled document: through `$ref`, allOf/oneOf/anyOf and arrays. Used by
 * lint rules that look for secret fields and by checks that a `{response.a.b}` field exists.
 */
import { fromPointer } from '../load/pointer.js';
import type { JsonSchema } from './types.js';

/** Resolves local `$ref`s (`#/components/schemas/X`, or any pointer) against one document. */
export function resolveSchema(root: Record<string, unknown>, schema: unknown, seen = new Set<string>()): JsonSchema | undefined {
  let current = schema;
  while (typeof current === 'object' && current !== null && typeof (current as JsonSchema).$ref === 'string') {
    const ref = (current as JsonSchema).$ref as string;
    if (!ref.startsWith('#') || seen.has(ref)) return undefined;
    seen.add(ref);
    let node: unknown = root;
    for (const segment of fromPointer(ref)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
    current = node;
  }
  return typeof current === 'object' && current !== null ? (current as JsonSchema) : undefined;
}

/** A schema and the schemas it is composed of (allOf/oneOf/anyOf), refs resolved, each once. */
function variants(root: Record<string, unknown>, schema: unknown, seen: Set<unknown>): JsonSchema[] {
  const resolved = resolveSchema(root, schema);
  if (!resolved || seen.has(resolved)) return [];
  seen.add(resolved);
  const out = [resolved];
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = resolved[key];
    if (Array.isArray(list)) for (const item of list) out.push(...variants(root, item, seen));
  }
  return out;
}

/** One named field found in a schema: its path (`[]` for array items) and its own schema. */
export interface SchemaField {
  path: string[];
  name: string;
  schema: JsonSchema;
}

/** Every property reachable from `schema` (depth-first, each schema object visited once). */
export function collectFields(root: Record<string, unknown>, schema: unknown): SchemaField[] {
  const fields: SchemaField[] = [];
  const visited = new Set<unknown>();
  const walk = (node: unknown, path: string[]): void => {
    for (const variant of variants(root, node, new Set())) {
      if (visited.has(variant)) continue;
      visited.add(variant);
      const properties = variant.properties;
      if (typeof properties === 'object' && properties !== null) {
        for (const [name, child] of Object.entries(properties)) {
          const childSchema = resolveSchema(root, child) ?? {};
          fields.push({ path: [...path, name], name, schema: childSchema });
          walk(child, [...path, name]);
        }
      }
      if (variant.items !== undefined && typeof variant.items === 'object') walk(variant.items, [...path, '[]']);
      if (typeof variant.additionalProperties === 'object' && variant.additionalProperties !== null) walk(variant.additionalProperties, [...path, '*']);
    }
  };
  walk(schema, []);
  return fields;
}

/** The outcome of looking a field path up in a schema. */
export type FieldLookup = { found: true } | { found: false; missing: string; at: string[] };

/**
 * Whether `path` (e.g. ['items', '[]', 'id']) can exist in values of `schema`. Schemas that do not
 * say (no properties, additionalProperties allowed, no type) answer yes: no false positives.
 */
export function lookupField(root: Record<string, unknown>, schema: unknown, path: readonly string[]): FieldLookup {
  const step = (node: unknown, index: number): FieldLookup => {
    if (index === path.length) return { found: true };
    const segment = path[index]!;
    const options = variants(root, node, new Set());
    if (options.length === 0) return { found: true };
    let firstMiss: FieldLookup | undefined;
    let open = false;
    for (const variant of options) {
      if (segment === '[]') {
        if (variant.items !== undefined) {
          const result = step(variant.items, index + 1);
          if (result.found) return result;
          firstMiss ??= result;
        } else if (!declaresType(variant) || typeIncludes(variant, 'array')) open = true;
        else firstMiss ??= { found: false, missing: '[]', at: path.slice(0, index) };
        continue;
      }
      const properties = variant.properties as Record<string, unknown> | undefined;
      if (properties && segment in properties) {
        const result = step(properties[segment], index + 1);
        if (result.found) return result;
        firstMiss ??= result;
      } else if (!hasShape(variant) || (variant.additionalProperties !== undefined && variant.additionalProperties !== false)) open = true;
    }
    if (open) return { found: true };
    return firstMiss ?? { found: false, missing: segment, at: path.slice(0, index) };
  };
  return step(schema, 0);
}

function declaresType(schema: JsonSchema): boolean {
  return schema.type !== undefined || schema.properties !== undefined;
}

function typeIncludes(schema: JsonSchema, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

/** True when a schema constrains its shape (so a missing property really is missing). */
function hasShape(schema: JsonSchema): boolean {
  return schema.properties !== undefined || schema.items !== undefined || (schema.type !== undefined && schema.type !== 'object') || schema.additionalProperties === false;
}
