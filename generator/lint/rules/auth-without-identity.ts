/**
 * auth-without-identity: an operation that needs authentication, cached `scope: public` without varying
 * on the credential, serves one caller's response to every other caller.
 */
import type { IrDocument, IrOperation } from '../../ir/types.js';
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

/** Request headers that carry the operation's credentials (lower-case). */
function credentialHeaders(ir: IrDocument, op: IrOperation): string[] {
  const headers = new Set<string>();
  for (const scheme of op.security.schemes) {
    const definition = ir.securitySchemes[scheme];
    if (definition?.type === 'apiKey') {
      if (definition.in === 'header' && typeof definition.name === 'string') headers.add(definition.name.toLowerCase());
      if (definition.in === 'cookie') headers.add('cookie');
      // apiKey in query: the key already includes the query string.
    } else headers.add('authorization');
  }
  return [...headers];
}

export const authWithoutIdentity: Rule = {
  id: 'auth-without-identity',
  description: 'An authenticated operation cached with scope: public must vary on its credentials (or be scope: private).',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      const { policy } = op.cache;
      if (policy.scope !== 'public') continue;
      // An Authorization header *parameter* needs no check here: the IR keys every header parameter.
      if (!op.security.required && op.security.schemes.length === 0) continue;
      const credentials = credentialHeaders(ir, op);
      const missing = credentials.filter((h) => !policy.vary.includes(h));
      if (credentials.length > 0 && missing.length === 0) continue;
      const optional = !op.security.required;
      report({
        location: fieldLocation(op.cache, 'scope'),
        severity: optional ? 'warning' : undefined,
        message: `${describe(op)} ${optional ? 'accepts' : 'requires'} authentication (${op.security.schemes.join(', ') || 'Authorization header'}) but is cached scope: public without vary: [${missing.map(titleCase).join(', ')}]; use scope: private so each caller gets their own entry`,
      });
    }
  },
};

function titleCase(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}
