/**
 * client.ts: imports from the runtime (the caller, ApiError), the operation table, and
 * `createClient(options)` with one typed method per operationId.
 */
import type { ClientOperation } from '@cachegen/runtime';
import type { IrDocument, IrOperation } from '../ir/types.js';
import { doNotEditHeader } from './header.js';
import { requestTypes, successBodyType, typeRoots } from './operation-shape.js';
import { codeLiteral, commentText, quote } from './source-file.js';

function clientOperation(op: IrOperation): ClientOperation {
  const out: ClientOperation = { method: op.method.toUpperCase(), path: op.path, invalidates: op.invalidates.map((t) => ({ source: t.source, parts: t.parts })) };
  if (op.cache) out.cache = { policy: op.cache.policy, tags: op.cache.tags.map((t) => ({ source: t.source, parts: t.parts })), identity: op.identity };
  return out;
}

function argsType(op: IrOperation): { type: string; optional: boolean } {
  const t = requestTypes(op);
  const fields: string[] = [];
  let optional = true;
  if (t.path) { fields.push(`path: ${t.path}`); optional = false; }
  const requiredQuery = op.parameters.some((p) => p.in === 'query' && p.required);
  if (t.query) { fields.push(`query${requiredQuery ? '' : '?'}: ${t.query}`); optional &&= !requiredQuery; }
  const requiredHeader = op.parameters.some((p) => p.in === 'header' && p.required);
  if (t.header) { fields.push(`headers${requiredHeader ? '' : '?'}: ${t.header}`); optional &&= !requiredHeader; }
  if (t.body) { fields.push(`body${t.bodyRequired ? '' : '?'}: ${t.body}`); optional &&= !t.bodyRequired; }
  return { type: fields.length > 0 ? `{ ${fields.join('; ')} }` : 'Record<string, never>', optional };
}

function methodDoc(op: IrOperation): string {
  return commentText(`${op.method.toUpperCase()} ${op.path}${op.summary ? `: ${op.summary}` : ''}`);
}

/** Adds client.ts to the project and returns its text. */
export function emitClient(ir: IrDocument, runtimeImport: string): string {
  const operations = ir.operations.filter((op) => op.method !== 'trace');
  const roots = typeRoots(operations);
  const table = Object.fromEntries(operations.map((op) => [op.name, clientOperation(op)]));
  const methods = operations.map((op) => {
    const args = argsType(op);
    const param = args.optional ? `args: ${args.type} = {}` : `args: ${args.type}`;
    return `    /** ${methodDoc(op)} */\n    ${op.name}: (${param}): Promise<${successBodyType(op)}> => call(${quote(op.name)}, args),`;
  });
  const generated = [
    `import { createCaller, type ClientOperation, type ClientOptions } from ${quote(runtimeImport)};`,
    ...(roots.length > 0 ? [`import type { ${roots.join(', ')} } from './types.js';`] : []),
    '',
    `export { ApiError, type ClientOptions } from ${quote(runtimeImport)};`,
    '',
    '/** Every operation of the spec, as the client calls it. */',
    `const clientOperations: Record<string, ClientOperation> = ${codeLiteral(table)};`,
    '',
    '/** A typed client for the API: one method per operationId. */',
    'export function createClient(options: ClientOptions) {',
    '  const call = createCaller(options, clientOperations);',
    '  return {',
    ...methods,
    '  };',
    '}',
    '',
    '/** The client createClient returns. */',
    'export type Client = ReturnType<typeof createClient>;',
  ];
  // Text, not a ts-morph tree: parsing the operation table would cost seconds on large specs for no change in output.
  return doNotEditHeader(ir) + generated.join('\n') + '\n';
}
