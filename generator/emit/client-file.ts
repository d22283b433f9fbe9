/**
 * client.ts: templates/client.ts (ApiError, the caller) followed by `createClient(options)`,
 * one typed method per operationId. Plain text: the template is formatted source already.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IrDocument, IrOperation } from '../ir/types.js';
import type { ClientOperation } from '../../templates/client.js';
import { doNotEditHeader } from './header.js';
import { requestTypes, successBodyType, typeRoots } from './operation-shape.js';
import { codeLiteral, quote } from './source-file.js';

/** templates/client.ts from the sources (generator/emit) or from the built package (dist/generator/emit). */
const TEMPLATE_CANDIDATES = ['../../templates/client.ts', '../../../templates/client.ts'].map((p) => new URL(p, import.meta.url));
const TEMPLATE_RUNTIME_IMPORT = "'../runtime/index.js'";

let templateText: Promise<string> | undefined;

/** The client template's text, read once per process. */
function clientTemplate(): Promise<string> {
  templateText ??= (async () => {
    const found = TEMPLATE_CANDIDATES.find((url) => existsSync(url));
    if (!found) throw new Error(`cachegen: templates/client.ts not found (looked at ${TEMPLATE_CANDIDATES.map((u) => u.pathname).join(', ')}); reinstall cachegen`);
    return readFile(found, 'utf8');
  })();
  return templateText;
}

function clientOperation(op: IrOperation): ClientOperation {
  const out: ClientOperation = { method: op.method.toUpperCase(), path: op.path, invalidates: op.invalidates.map((t) => ({ source: t.source, parts: t.parts })) };
  if (op.cache) out.cache = { policy: op.cache.policy, tags: op.cache.tags.map((t) => ({ source: t.source, parts: t.parts })) };
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
  return `${op.method.toUpperCase()} ${op.path}${op.summary ? `: ${op.summary}` : ''}`;
}

/** Adds client.ts to the project and returns its text. */
export async function emitClient(ir: IrDocument, runtimeImport: string): Promise<string> {
  // The template's own opening comment speaks of the template; the generated file gets its banner instead.
  const template = (await clientTemplate()).replace(/^\/\*\*[\s\S]*?\*\/\n/, '').split(TEMPLATE_RUNTIME_IMPORT).join(`'${runtimeImport}'`);
  const operations = ir.operations.filter((op) => op.method !== 'trace');
  const roots = typeRoots(operations);
  const table = Object.fromEntries(operations.map((op) => [op.operationId, clientOperation(op)]));
  const methods = operations.map((op) => {
    const args = argsType(op);
    const param = args.optional ? `args: ${args.type} = {}` : `args: ${args.type}`;
    return `    /** ${methodDoc(op).replace(/\*\//g, '*\\/')} */\n    ${op.operationId}: (${param}): Promise<${successBodyType(op)}> => call(${quote(op.operationId)}, args),`;
  });
  const generated = [
    ...(roots.length > 0 ? [`import type { ${roots.join(', ')} } from './types.js';`, ''] : []),
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
  // Text, not a ts-morph tree: the template is already formatted source, and parsing the
  // operation table would cost seconds on large specs for no change in output.
  return doNotEditHeader(ir) + template.replace(/\s+$/, '') + '\n\n' + generated.join('\n') + '\n';
}
