/**
 * operations.ts: the one operation table of the spec, which server.ts and client.ts both read.
 * Plain data: method, path, success status and media type when not 200 JSON, x-cache without its
 * defaults, and tag templates as the spec writes them (the runtime parses them once, when a
 * server or a client is created).
 */
import { compactPolicy, type OperationEntry, type OperationMethod } from '@cachegen/runtime';
import type { IrDocument, IrOperation } from '../ir/types.js';
import { servedOperations, successContentType, successStatus } from './operation-shape.js';
import { codeLiteral, printFile, propertyKey } from './printer.js';

/** One operation's entry in the table. */
export function operationEntry(op: IrOperation, credentials: IrDocument['credentials'] = []): OperationEntry {
  const entry: OperationEntry = { method: op.method.toUpperCase() as OperationMethod, path: op.path };
  const status = successStatus(op);
  if (status !== 200) entry.status = status;
  const contentType = successContentType(op);
  if (contentType !== 'application/json') entry.contentType = contentType;
  if (op.cache) {
    entry.cache = {
      ...compactPolicy(op.cache.policy),
      ...(op.identity.length > 0 ? { identity: op.identity } : {}),
      ...(credentials.length > 0 ? { credentials } : {}),
    };
  }
  if (op.invalidates.length > 0) entry.invalidates = op.invalidates.map((t) => t.source);
  return entry;
}

/** The text of operations.ts. */
export function emitOperations(ir: IrDocument, runtimeImport: string): string {
  const entries = servedOperations(ir.operations).map((op) => {
    const key = propertyKey(op.name);
    return `  ${key}: ${codeLiteral(operationEntry(op, ir.credentials), '  ', key.length + 4)},`;
  });
  const table = [
    '/** Every operation of the spec: method, path, x-cache (defaults left out), tags it invalidates. */',
    'export const operationTable: OperationTable = {',
    ...entries,
    '};',
  ].join('\n');
  return printFile(ir, [{ from: runtimeImport, names: ['OperationTable'], typeOnly: true }], [table]);
}
