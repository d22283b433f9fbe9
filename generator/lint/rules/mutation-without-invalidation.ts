/**
 * mutation-without-invalidation: a write to a resource whose reads are cached, with no
 * x-cache-invalidates, leaves those reads stale until their ttl runs out. `x-cache-invalidates: []`
 * says "nothing to invalidate" on purpose and silences the rule.
 */
import type { Rule } from '../types.js';
import { describe, isMutation, storedOperations } from './helpers.js';

/** `/products/{id}` and `/products` are the same resource: drop trailing parameter segments. */
function resourceOf(path: string): string {
  const segments = path.split('/').filter(Boolean);
  while (segments.length && /^\{.+\}$/.test(segments[segments.length - 1]!)) segments.pop();
  return '/' + segments.join('/');
}

export const mutationWithoutInvalidation: Rule = {
  id: 'mutation-without-invalidation',
  description: 'A mutation on a resource whose reads are cached should declare x-cache-invalidates.',
  defaultSeverity: 'warning',
  check(ir, { report }) {
    const cachedReads = storedOperations(ir.operations);
    for (const op of ir.operations) {
      if (!isMutation(op) || op.invalidatesDeclared) continue;
      const resource = resourceOf(op.path);
      const reads = cachedReads.filter((read) => resourceOf(read.path) === resource);
      if (reads.length === 0) continue;
      report({
        location: op.location,
        message: `${describe(op)} changes ${resource}, whose reads are cached (${reads.map(describe).join(', ')}), but declares no x-cache-invalidates; they stay stale until their ttl ends (write x-cache-invalidates: [] if that is intended)`,
      });
    }
  },
};
