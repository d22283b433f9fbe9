/** set-cookie-shared: a response that sets a cookie, cached public, hands one caller's cookie to everyone. */
import type { Rule } from '../types.js';
import { describe, fieldLocation, storedOperations } from './helpers.js';

export const setCookieShared: Rule = {
  id: 'set-cookie-shared',
  description: 'A response that declares Set-Cookie must not be cached with scope: public.',
  defaultSeverity: 'error',
  check(ir, { report }) {
    for (const op of storedOperations(ir.operations)) {
      if (op.cache.policy.scope !== 'public') continue;
      const response = op.responses.find((r) => r.headers.includes('set-cookie'));
      if (!response) continue;
      report({
        location: fieldLocation(op.cache, 'scope'),
        message: `${describe(op)} declares Set-Cookie on its ${response.status} response but is cached scope: public; a shared entry would give one caller's cookie to all (use scope: private, or stop setting the cookie here)`,
      });
    }
  },
};
