/**
 * A starting point for the user's handlers: one function per operation that throws "not
 * implemented". Written only when the file is absent; the user owns it from then on.
 */
import type { IrDocument } from '../ir/types.js';
import { servedOperations } from './operation-shape.js';
import { commentText, propertyKey, quote } from './printer.js';

/** The text of a handlers file importing `Handlers` from `generatedImport` (e.g. `../generated/server.js`). */
export function emitHandlerStubs(ir: IrDocument, generatedImport: string): string {
  const methods = servedOperations(ir.operations).map((op) => {
    const message = quote(`${op.name} (${op.method.toUpperCase()} ${op.path}) is not implemented yet`);
    return `  async ${propertyKey(op.name)}(request) {\n    void request;\n    throw new Error(${message});\n  },`;
  });
  return [
    '// ' + commentText(`Your handlers for ${ir.title}. cachegen wrote this file once and never overwrites it.`),
    `import type { Handlers } from ${quote(generatedImport)};`,
    '',
    'export const handlers: Handlers = {',
    ...methods,
    '};',
    '',
  ].join('\n');
}
