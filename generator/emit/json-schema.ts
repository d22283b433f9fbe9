/**
 * OpenAPI schema objects → the JSON Schema Fastify's Ajv and fast-json-stringify accept:
 * `$ref: #/components/schemas/X` → `X#` (a shared schema), 3.0 `nullable` and boolean
 * `exclusiveMinimum/Maximum` → their JSON Schema forms, documentation-only keywords dropped.
 */
import type { JsonSchema } from '../ir/types.js';

const COMPONENT_REF = '#/components/schemas/';

/** Keywords that describe, not constrain: Ajv's strict mode would reject some of them. */
const DROPPED = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'deprecated', 'nullable', '$schema']);

/** Formats Fastify's Ajv knows (ajv-formats); others are documentation only and dropped. */
const KNOWN_FORMATS = new Set([
  'date', 'time', 'date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname',
  'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'relative-json-pointer', 'byte', 'int32', 'int64', 'float',
  'double', 'password', 'binary',
]);

/** The shared-schema id a component schema is registered under. */
export function sharedSchemaId(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Converts one schema (recursively); the input is not modified. */
export function toFastifySchema(schema: unknown): JsonSchema {
  return convert(schema) as JsonSchema;
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const input = node as Record<string, unknown>;
  if (typeof input.$ref === 'string') {
    const ref = input.$ref;
    return { $ref: ref.startsWith(COMPONENT_REF) ? `${sharedSchemaId(decodePointer(ref.slice(COMPONENT_REF.length)))}#` : ref };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (key === 'format' && (typeof value !== 'string' || !KNOWN_FORMATS.has(value))) continue;
    if ((key === 'properties' || key === 'patternProperties' || key === '$defs' || key === 'definitions') && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, convert(sub)]));
      continue;
    }
    out[key] = convert(value);
  }
  // OpenAPI 3.0: `exclusiveMinimum: true` qualifies `minimum`; JSON Schema takes the bound itself.
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (out[flag] === true && typeof out[bound] === 'number') { out[flag] = out[bound]; delete out[bound]; }
    else if (out[flag] === false) delete out[flag];
  }
  if (input.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    else if (!('type' in out)) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
