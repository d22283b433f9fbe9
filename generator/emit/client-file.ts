/**
 * client.ts: the runtime's caller over the operation table, and `createClient(options)` with one
 * short typed method per operation.
 */
import type { IrDocument, IrOperation } from '../ir/types.js';
import { operationTypes, requestIsOptional, servedOperations } from './operation-shape.js';
import { docComment, LINE_WIDTH, printFile, propertyKey, quote } from './printer.js';

function method(op: IrOperation): string {
  const types = operationTypes(op);
  const name = propertyKey(op.name);
  const call = `call<${types.response}>(${quote(op.name)}${types.request ? ', request' : ''})`;
  const param = types.request ? `request${requestIsOptional(types) ? '?' : ''}: ${types.request}` : '';
  const doc = docComment([`${op.method.toUpperCase()} ${op.path}${op.summary ? `: ${op.summary}` : ''}`], '    ');
  const line = `    ${name}: (${param}) => ${call},`;
  const body = line.length <= LINE_WIDTH ? line : `    ${name}: (${param}) =>\n      ${call},`;
  return `${doc}\n${body}`;
}

/** The text of client.ts. */
export function emitClient(ir: IrDocument, runtimeImport: string): string {
  const operations = servedOperations(ir.operations);
  const typeNames = operations.map(operationTypes).flatMap((t) => [t.request, t.response]).filter((n): n is string => !!n && n !== 'void');
  const factory = [
    docComment([`A typed client for ${ir.title}: one method per operation.`]),
    'export function createClient(options: ClientOptions) {',
    '  const call = createCaller(options, operationTable);',
    '  return {',
    ...operations.map(method),
    '  };',
    '}',
  ].join('\n');
  return printFile(
    ir,
    [
      { from: runtimeImport, names: ['createCaller', 'type ClientOptions'] },
      { from: './operations.js', names: ['operationTable'] },
      { from: './types.js', names: typeNames, typeOnly: true },
    ],
    [
      `export { ApiError, type ClientOptions } from ${quote(runtimeImport)};`,
      factory,
      '/** The client createClient returns. */\nexport type Client = ReturnType<typeof createClient>;',
    ],
  );
}
