import type { IrDocument } from '../ir/types.js';

/** One file an emitter produces, path relative to the output folder. */
export interface GeneratedFile {
  path: string;
  contents: string;
  /** Files the user owns (handler stubs): written only when absent, never overwritten. */
  userOwned?: boolean;
}

export interface EmitOptions {
  /** Module specifier generated code imports the runtime from (default `cachegen/runtime`). */
  runtimeImport?: string;
}

/** Turns the IR into files. Pure: same IR and options, same bytes. */
export type Emit = (ir: IrDocument, options?: EmitOptions) => Promise<GeneratedFile[]>;
