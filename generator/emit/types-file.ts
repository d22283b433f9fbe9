/** types.ts: TypeScript types of the whole spec, by openapi-typescript from the bundled document. */
import openapiTS, { astToString } from 'openapi-typescript';
import type { IrDocument } from '../ir/types.js';
import { doNotEditHeader } from './header.js';

/** The text of types.ts. */
export async function emitTypes(ir: IrDocument): Promise<string> {
  const nodes = await openapiTS(structuredClone(ir.bundled) as never, { silent: true });
  const text = astToString(nodes).replace(/\r\n/g, '\n').replace(/\s+$/, '');
  return doNotEditHeader(ir) + text + '\n';
}
