/** unknown-tag-parameter: a tag template names a parameter or body field the operation does not have. */
import { lookupField } from '../../ir/schema-walk.js';
import { formatFieldPath } from '@cachegen/runtime';
import type { IrDocument, IrOperation, JsonSchema, TagPart, TagTemplate } from '../../ir/types.js';
import type { Rule } from '../types.js';
import { describe, successResponses } from './helpers.js';

function jsonSchemas(content: Record<string, { schema?: JsonSchema }>): JsonSchema[] {
  return Object.entries(content)
    .filter(([type, media]) => media.schema && /json/i.test(type))
    .map(([, media]) => media.schema!);
}

function fieldText(part: { path: string[] }): string {
  return (part.path[0] === '[]' ? '' : '.') + formatFieldPath(part.path);
}

/** Why `part` cannot be filled in for `op`, or undefined when it can. */
function problemWith(ir: IrDocument, op: IrOperation, part: TagPart, template: TagTemplate): string | undefined {
  const names = (where: string) => op.parameters.filter((p) => p.in === where).map((p) => p.name);
  const list = (items: string[]) => (items.length ? items.join(', ') : 'none');
  switch (part.kind) {
    case 'literal':
      return undefined;
    case 'path':
      return names('path').includes(part.name) ? undefined : `"{${part.name}}" is not a path parameter of ${describe(op)} (path parameters: ${list(names('path'))})`;
    case 'query':
      return names('query').includes(part.name) ? undefined : `"{query.${part.name}}" is not a query parameter of ${describe(op)} (query parameters: ${list(names('query'))})`;
    case 'header':
      return names('header').includes(part.name) || op.cache?.policy.vary.includes(part.name) ? undefined : `"{header.${part.name}}" is neither a header parameter nor in vary of ${describe(op)}`;
    case 'response':
    case 'body': {
      const schemas = part.kind === 'response' ? successResponses(op).flatMap((r) => jsonSchemas(r.content)) : jsonSchemas(op.requestBody?.content ?? {});
      if (schemas.length === 0) {
        // A response without a declared schema cannot be checked; a missing request body can.
        return part.kind === 'body' ? `"{body${fieldText(part)}}" in "${template.source}": ${describe(op)} has no JSON request body` : undefined;
      }
      const misses = schemas.map((schema) => lookupField(ir.bundled, schema, part.path));
      if (misses.some((m) => m.found)) return undefined;
      const miss = misses[0]!;
      if (miss.found) return undefined;
      const parent = miss.at.length ? `${part.kind}${fieldText({ path: miss.at })}` : `the ${part.kind === 'response' ? 'response' : 'request'} body`;
      const why = miss.missing === '[]' ? `${parent} is not an array` : `${parent} has no field "${miss.missing}"`;
      return `"{${part.kind}${fieldText(part)}}": ${why} in the schema of ${describe(op)}`;
    }
  }
}

export const unknownTagParameter: Rule = {
  id: 'unknown-tag-parameter',
  description: 'Every {placeholder} in a tag template must name a parameter or a field of the operation.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of ir.operations) {
      const templates = [...(op.cache?.tags ?? []), ...op.invalidates];
      for (const template of templates) {
        for (const part of template.parts) {
          if (part.kind === 'body' && op.cache?.tags.includes(template)) {
            report({ location: template.location, message: `"${template.source}" uses {body.…} in x-cache tags; a cached read has no request body (use path, query or response fields)` });
            continue;
          }
          const message = problemWith(ir, op, part, template);
          if (message) report({ location: template.location, message });
        }
      }
    }
  },
};
