/**
 * The emitters: IR in, generated files out (types.ts, operations.ts, server.ts, client.ts,
 * index.ts), all through one printer (printer.ts). Pure: the same IR and options give the same bytes.
 */
import type { Emit, EmitOptions, GeneratedFile } from './types.js';
import type { IrDocument } from '../ir/types.js';
import { emitClient } from './client-file.js';
import { emitIndex } from './index-file.js';
import { emitOperations } from './operations-file.js';
import { emitServer } from './server-file.js';
import { emitTypes } from './types-file.js';

export type { Emit, EmitOptions, GeneratedFile } from './types.js';
export { emitHandlerStubs } from './handler-stubs.js';

/** The module generated code imports the runtime from unless configured otherwise. */
export const DEFAULT_RUNTIME_IMPORT = '@cachegen/runtime';

/** Every generated file for one spec, sorted by path. */
export const emit: Emit = async (ir: IrDocument, options: EmitOptions = {}): Promise<GeneratedFile[]> => {
  const runtimeImport = options.runtimeImport ?? DEFAULT_RUNTIME_IMPORT;
  return [
    { path: 'client.ts', contents: emitClient(ir, runtimeImport) },
    { path: 'index.ts', contents: emitIndex(ir) },
    { path: 'operations.ts', contents: emitOperations(ir, runtimeImport) },
    { path: 'server.ts', contents: emitServer(ir, runtimeImport) },
    { path: 'types.ts', contents: await emitTypes(ir) },
  ];
};
