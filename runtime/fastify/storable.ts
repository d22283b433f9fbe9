/**
 * Whether a cached route may store what its handler answered. The spec says how an operation
 * is cached; the handler's own answer can only narrow that (docs/security.md, guarantee 4): a
 * status other than a complete answer, `Set-Cookie`, `Cache-Control: no-store`/`no-cache`
 * (`private` on a public route; one without `private` on a private route, which would widen
 * it), a `Vary` the key does not cover, or a header Node cannot send
 * (stored, it would fail every hit) keep the answer to its own request.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { parseCacheControl } from '../http/cache-control.js';
import { fieldNames } from '../http/syntax.js';

/** Complete answers to the request as keyed. A 206 answers a Range, a 304 a validator, an error may hinge on anything the key leaves out. */
const STORED_STATUSES = new Set([200, 203, 204]);

/** What the route's key holds. */
export interface KeyCoverage {
  /** The entry is shared by every caller (`scope: public`). */
  shared: boolean;
  /** Lower-case names of the request headers the key is built from. */
  headers: ReadonlySet<string>;
}

/** Why the handler's answer must not be stored (for logs and tests), or undefined when it may. */
export function whyNotStored(status: number, headers: Record<string, string | string[]>, key: KeyCoverage): string | undefined {
  if (!STORED_STATUSES.has(status)) return `status ${status}`;
  for (const name in headers) {
    const value = headers[name]!;
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') return 'set-cookie';
    if (!sendable(name, value)) return `header ${JSON.stringify(name)} cannot be sent`;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (lower === 'cache-control') {
      const directives = parseCacheControl(text);
      if (directives.noStore) return 'no-store';
      if (directives.noCache !== undefined) return 'no-cache';
      if (key.shared && directives.private !== undefined) return 'private';
      // Sent as it is, a Cache-Control without `private` would let a shared cache keep one caller's answer.
      if (!key.shared && directives.private === undefined) return 'not private on a private route';
    } else if (lower === 'vary') {
      for (const field of fieldNames(text)) if (!key.headers.has(field)) return `vary ${field}`;
    }
  }
  return undefined;
}

/** Whether Node would send this header (RFC 9110 field name, no CR/LF/NUL or characters above U+00FF in the value). */
function sendable(name: string, value: string | string[]): boolean {
  try {
    validateHeaderName(name);
    for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, v);
    return true;
  } catch {
    return false;
  }
}
