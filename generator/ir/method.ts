/** What an operation's HTTP method says about it, asked by lint, explain and advise alike. */
import type { IrOperation } from './types.js';

const MUTATIONS: ReadonlySet<string> = new Set(['post', 'put', 'patch', 'delete']);

/** POST, PUT, PATCH and DELETE change state: they may invalidate, and their responses are never cached. */
export function isMutation(op: Pick<IrOperation, 'method'>): boolean {
  return MUTATIONS.has(op.method);
}
