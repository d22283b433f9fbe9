/**
 * header-parameter-vary: a cached read declares a header (or cookie) parameter that x-cache.vary
 * does not list. cachegen keys the entry by it and sends it in Vary anyway (generator/ir/policy.ts,
 * varyOnParameters); this says so, so the key and the Vary header hold no surprise.
 */
import type { Rule } from '../types.js';
import { describe, storedOperations } from './helpers.js';

export const headerParameterVary: Rule = {
  id: 'header-parameter-vary',
  description: 'A header or cookie parameter of a cached read is part of its key and Vary even when x-cache.vary does not list it; list it to say so.',
  defaultSeverity: 'warning',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      for (const header of op.cache.implicitVary) {
        const params = op.parameters.filter((p) => (header === 'cookie' ? p.in === 'cookie' : p.in === 'header' && p.name === header));
        const what = header === 'cookie' ? `cookie parameter ${params.map((p) => p.name).join(', ')}` : `header parameter ${header}`;
        report({
          location: params[0]?.location ?? op.cache.location,
          message: `${describe(op)} declares ${what}, which x-cache.vary does not list: the handler reads it, so cachegen keys the entry by ${header === 'cookie' ? 'the Cookie header' : 'it'} and sends it in Vary (add "${header}" to vary to say so)`,
        });
      }
    }
  },
};
