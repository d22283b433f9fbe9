import type { IrDocument } from '../ir/types.js';

/** One file an emitter produces, path relative to the output folder. */
export interface GeneratedFile {
  path: string;
  contents: string;
}

export interface EmitOptions {
  /** Package generated code imports the runtime from (default `@cachegen/runtime`; server.ts imports its `/fastify` subpath). */
  runtimeImport?: string;
}

/** Turns the IR into files. Pure: same IR and options, same bytes. */
export type Emit = (ir: IrDocument, options?: EmitOptions) => Promise<GeneratedFile[]>;
