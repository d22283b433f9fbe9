/**
 * no-store-violation: a response marked sensitive that is also given cache lifetimes or public scope,
 * or a cached response whose schema holds a secret-looking field (password, token, apiKey, ssn, ...).
 */
import { collectFields } from '../../ir/schema-walk.js';
import { formatFieldPath } from '@cachegen/runtime';
import type { JsonSchema } from '../../ir/types.js';
import type { Rule } from '../types.js';
import { describe, isMutation, successResponses } from './helpers.js';

export interface NoStoreOptions {
  /** Extra field names treated as secret (compared case-insensitively, ignoring `_` and `-`). */
  names: string[];
}

const SECRET_NAMES = ['password', 'passwd', 'secret', 'clientsecret', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'apikey', 'privatekey', 'ssn', 'socialsecuritynumber', 'cardnumber', 'creditcardnumber', 'cvv', 'cvc', 'pin'];
/** Names that end like a secret but are not one (pagination cursors). */
const NOT_SECRET = ['pagetoken', 'nextpagetoken', 'prevpagetoken', 'previouspagetoken', 'continuationtoken'];

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Why a field looks secret, or undefined. Booleans (hasPassword) and `x-sensitive: false` are not secrets. */
function secretReason(name: string, schema: JsonSchema, extra: string[]): string | undefined {
  if (schema['x-sensitive'] === false) return undefined;
  if (schema['x-sensitive'] === true) return 'x-sensitive: true';
  if (schema.format === 'password') return 'format: password';
  if (schema.type === 'boolean') return undefined;
  const n = normalize(name);
  if (NOT_SECRET.includes(n)) return undefined;
  const names = [...SECRET_NAMES, ...extra.map(normalize)];
  const hit = names.find((secret) => n === secret || (secret.length >= 5 && n.endsWith(secret)));
  return hit ? `its name looks secret` : undefined;
}

export const noStoreViolation: Rule<NoStoreOptions> = {
  id: 'no-store-violation',
  description: 'Sensitive responses must never be stored; cached responses must not contain secret-looking fields.',
  defaultSeverity: 'error',
  defaultOptions: { names: [] },
  validateOptions(options) {
    const names = options.names;
    if (names !== undefined && !(Array.isArray(names) && names.every((n) => typeof n === 'string'))) return 'names must be an array of field names';
    return undefined;
  },
  check(ir, { report, options }) {
    for (const op of ir.operations) {
      const cache = op.cache;
      if (!cache || isMutation(op)) continue;
      const { policy } = cache;
      if (policy.sensitive) {
        for (const field of ['ttl', 'swr', 'staleIfError', 'sMaxAge'] as const) {
          const value = policy[field];
          if (cache.explicit.includes(field) && value !== undefined && value > 0) {
            report({ location: cache.fields[field] ?? cache.location, message: `${describe(op)} is sensitive (no-store) but sets ${field}: ${value}; a sensitive response is never stored, remove ${field}` });
          }
        }
        if (cache.explicit.includes('scope') && policy.scope === 'public') {
          report({ location: cache.fields.scope ?? cache.location, message: `${describe(op)} is sensitive (no-store) but declares scope: public; remove scope or the sensitive flag` });
        }
        continue;
      }
      const reported = new Set<string>();
      for (const response of successResponses(op)) {
        for (const media of Object.values(response.content)) {
          if (!media.schema) continue;
          for (const field of collectFields(ir.bundled, media.schema)) {
            const reason = secretReason(field.name, field.schema, options.names);
            const path = formatFieldPath(field.path);
            if (!reason || reported.has(path)) continue;
            reported.add(path);
            const shared = policy.scope === 'public';
            report({
              location: cache.fields.scope ?? cache.location,
              severity: shared ? 'error' : 'warning',
              message: `${describe(op)} caches a ${policy.scope} response with field "${path}" (${reason}); mark the operation sensitive: true, drop the field, or mark the field x-sensitive: false if it is not secret`,
            });
          }
        }
      }
    }
  },
};
