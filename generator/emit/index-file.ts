/** index.ts: one import for everything generated. */
import type { IrDocument } from '../ir/types.js';
import { doNotEditHeader } from './header.js';

/** The text of index.ts. */
export function emitIndex(ir: IrDocument): string {
  return doNotEditHeader(ir) + [
    "export type * from './types.js';",
    "export { default as routes, operationTable, schemas, type Handlers, type Options } from './server.js';",
    "export { createClient, ApiError, type Client, type ClientOptions } from './client.js';",
    '',
  ].join('\n');
}
