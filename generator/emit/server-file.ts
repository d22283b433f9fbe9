/**
 * server.ts: the `Handlers` interface (one typed method per operationId), the route table,
 * and a default-exported Fastify plugin: `app.register(routes, { handlers })`.
 */
import { StructureKind, type Project, type StatementStructures } from 'ts-morph';
import type { IrDocument, IrOperation } from '../ir/types.js';
import { doNotEditHeader } from './header.js';
import { requestTypes, successBodyType, typeRoots } from './operation-shape.js';
import { routeTable, sharedSchemas } from './route-table.js';
import { codeLiteral, commentText, printFile } from './source-file.js';

function handlerDoc(op: IrOperation): string {
  const lines = [`${op.method.toUpperCase()} ${op.path}${op.summary ? `: ${op.summary}` : ''}`];
  const p = op.cache?.policy;
  if (p?.sensitive) lines.push('Never cached (x-cache sensitive).');
  else if (p) lines.push(`Cached: ttl ${p.ttl}s${p.swr ? `, swr ${p.swr}s` : ''}, ${p.scope}${p.tags.length ? `, tags ${p.tags.join(' ')}` : ''}.`);
  if (op.invalidates.length > 0) lines.push(`Invalidates ${op.invalidates.map((t) => t.source).join(' ')} after success.`);
  return lines.map(commentText).join('\n');
}

function handlerSignature(op: IrOperation): string {
  const t = requestTypes(op);
  const params = t.path ?? 'Record<string, never>';
  const query = t.query ?? 'Record<string, never>';
  const headers = t.header ? `${t.header} & IncomingHeaders` : 'IncomingHeaders';
  const body = t.body ? (t.bodyRequired ? t.body : `${t.body} | undefined`) : 'undefined';
  const result = successBodyType(op);
  return `(request: HandlerRequest<${params}, ${query}, ${headers}, ${body}>) => Promise<${result} | HandlerReply>`;
}

/** Adds server.ts to the project and returns its text. */
export function emitServer(project: Project, ir: IrDocument, runtimeImport: string): string {
  const operations = ir.operations.filter((op) => op.method !== 'trace');
  const roots = typeRoots(operations);
  const statements: Array<string | StatementStructures> = [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'fastify', isTypeOnly: true, namedImports: ['FastifyPluginAsync'] },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'node:http', isTypeOnly: true, namedImports: ['IncomingHttpHeaders'] },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: `${runtimeImport}/fastify`, namedImports: ['routesPlugin'] },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `${runtimeImport}/fastify`,
      isTypeOnly: true,
      namedImports: ['HandlerReply', 'HandlerRequest', 'OperationSpec', 'RoutesPluginOptions', 'SharedSchemas'],
    },
  ];
  if (roots.length > 0) statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: './types.js', isTypeOnly: true, namedImports: roots });
  statements.push(
    { kind: StructureKind.TypeAlias, name: 'IncomingHeaders', type: 'IncomingHttpHeaders', docs: ['Request headers as Node gives them (lower-case names).'] },
    {
      kind: StructureKind.Interface,
      name: 'Handlers',
      isExported: true,
      docs: ['Your implementation of the API: one function per operationId. Return the body, or `reply(status, body, headers)`.'],
      properties: operations.map((op) => ({ name: op.name, type: handlerSignature(op), docs: [handlerDoc(op)] })),
    },
  );
  const file = project.createSourceFile('server.ts', { statements }, { overwrite: true });
  // The data is printed by codeLiteral and appended as text: parsing a megabyte of literals
  // through ts-morph would only cost time (seconds for 1,000 operations) and change nothing.
  const data = [
    '',
    '/** Options of the routes plugin: your handlers and the cache (see RoutesPluginOptions for the rest). */',
    'export type Options = RoutesPluginOptions<Handlers>;',
    '',
    '/** Component schemas, registered as Fastify shared schemas (`$ref: "Name#"`). */',
    `export const schemas: SharedSchemas = ${codeLiteral(sharedSchemas(ir))};`,
    '',
    '/** Every operation of the spec: method, URL, schemas and cache policy. */',
    `export const operationTable: readonly OperationSpec[] = ${codeLiteral(routeTable(ir))};`,
    '',
    '/** Registers every operation: `app.register(routes, { handlers })`; the cache is `app.cache`. */',
    'const routes: FastifyPluginAsync<Options> = routesPlugin<Handlers>(operationTable, schemas);',
    '',
    'export default routes;',
  ].join('\n');
  return printFile(file, doNotEditHeader(ir)) + data + '\n';
}
