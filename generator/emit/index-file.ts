/** index.ts: one import for everything generated. */
import type { IrDocument } from '../ir/types.js';
import { printFile } from './printer.js';

/** The text of index.ts. */
export function emitIndex(ir: IrDocument): string {
  return printFile(ir, [], [
    [
      "export type * from './types.js';",
      "export { operationTable } from './operations.js';",
      "export { default as routes, routeTable, schemas, type Handlers, type Options } from './server.js';",
      "export { createClient, ApiError, type Client, type ClientOptions } from './client.js';",
    ].join('\n'),
  ]);
}
