/** invalidates-on-read: x-cache-invalidates runs after a successful mutation; on a GET or HEAD it never runs. */
import type { Rule } from '../types.js';
import { describe, isMutation } from './helpers.js';

export const invalidatesOnRead: Rule = {
  id: 'invalidates-on-read',
  description: 'x-cache-invalidates belongs on POST, PUT, PATCH or DELETE; elsewhere it does nothing.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of ir.operations) {
      if (isMutation(op) || op.invalidates.length === 0) continue;
      report({ location: op.invalidates[0]!.location, message: `${describe(op)} declares x-cache-invalidates, which only runs after a mutation (move it to the POST/PUT/PATCH/DELETE that changes the data)` });
    }
  },
};
