/**
 * credential-in-key: a tag template reads a credential (Authorization, Proxy-Authorization, Cookie,
 * or what an apiKey scheme names). Tags are stored in Redis and sent in Surrogate-Key as rendered;
 * keys never hold one (runtime/keys hashes credentials), and neither may a tag.
 */
import { CREDENTIAL_HEADERS } from '@cachegen/runtime';
import type { IrDocument, TagTemplate } from '../../ir/types.js';
import type { Rule } from '../types.js';
import { describe } from './helpers.js';

function credentialHeaders(ir: IrDocument): Set<string> {
  return new Set([...CREDENTIAL_HEADERS, ...ir.credentials.filter((c) => c.in === 'header').map((c) => c.name.toLowerCase())]);
}

/** The credential a template reads, as written (`{header.authorization}`), or undefined. */
function credentialIn(template: TagTemplate, headers: Set<string>, query: Set<string>): string | undefined {
  for (const part of template.parts) {
    if (part.kind === 'header' && headers.has(part.name.toLowerCase())) return `{header.${part.name}}`;
    if (part.kind === 'query' && query.has(part.name)) return `{query.${part.name}}`;
  }
  return undefined;
}

export const credentialInKey: Rule = {
  id: 'credential-in-key',
  description: 'No tag template may read a credential: tags reach Redis and Surrogate-Key as rendered.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    const headers = credentialHeaders(ir);
    const query = new Set(ir.credentials.filter((c) => c.in === 'query').map((c) => c.name));
    for (const op of ir.operations) {
      for (const template of [...(op.cache?.tags ?? []), ...op.invalidates]) {
        const credential = credentialIn(template, headers, query);
        if (credential) {
          report({ location: template.location, message: `"${template.source}" in ${describe(op)} reads the credential ${credential}: tags are stored in Redis and sent in Surrogate-Key as rendered (tag by a user id from the response or a path parameter instead)` });
        }
      }
    }
  },
};
