/**
 * credential-in-key: a credential (Authorization, Proxy-Authorization, Cookie, or what an apiKey
 * scheme names) in a tag template or in the `vary` of a public read. Tags are stored in Redis and
 * sent in Surrogate-Key as rendered, so a credential in one is an error. In a key it is only ever
 * its HMAC (runtime/keys), but a public entry per credential is per-user data: a warning.
 */
import type { IrDocument, TagTemplate } from '../../ir/types.js';
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

const ALWAYS = ['authorization', 'proxy-authorization', 'cookie'];

function credentialHeaders(ir: IrDocument): Set<string> {
  return new Set([...ALWAYS, ...ir.credentials.filter((c) => c.in === 'header').map((c) => c.name.toLowerCase())]);
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
  description: 'No tag template may read a credential (tags reach Redis and Surrogate-Key as written); a public read that varies on one caches per credential: use scope: private.',
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
    for (const op of storedOperations(ir.operations)) {
      if (op.cache.policy.scope !== 'public') continue;
      const varied = op.cache.policy.vary.filter((h) => headers.has(h));
      if (varied.length === 0) continue;
      report({
        severity: 'warning',
        location: fieldLocation(op.cache, 'vary'),
        message: `${describe(op)} is public and varies on the credential ${varied.join(', ')}: the key holds only its HMAC (never the raw value), but each credential gets its own public entry; per-user data wants scope: private`,
      });
    }
  },
};
