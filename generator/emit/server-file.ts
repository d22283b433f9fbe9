/**
 * server.ts: one named handler type per operation (`GetProductHandler`), the `Handlers`
 * interface, the route schemas, and a default-exported Fastify plugin:
 * `app.register(routes, { handlers })` (the cache is `app.cache`).
 */
import type { IrDocument, IrOperation } from '../ir/types.js';
import { operationTypes, servedOperations } from './operation-shape.js';
import { routeSchemas, sharedSchemas } from './route-table.js';
import { codeLiteral, docComment, LINE_WIDTH, printFile, propertyKey, type Import } from './printer.js';

function handlerDoc(op: IrOperation): string[] {
  const lines = [`${op.method.toUpperCase()} ${op.path}${op.summary ? `: ${op.summary}` : ''}`];
  const p = op.cache?.policy;
  if (p?.sensitive) lines.push('Never cached (x-cache sensitive).');
  else if (p) lines.push(`Cached: ttl ${p.ttl}s${p.swr ? `, swr ${p.swr}s` : ''}, ${p.scope}${p.tags.length ? `, tags ${p.tags.join(' ')}` : ''}.`);
  if (op.invalidates.length > 0) lines.push(`Invalidates ${op.invalidates.map((t) => t.source).join(' ')} after success.`);
  return lines;
}

function handlerType(op: IrOperation): string {
  const types = operationTypes(op);
  const args = `${types.request ?? 'NoParameters'}, ${types.response}`;
  const line = `export type ${types.handler} = Handler<${args}>;`;
  const type = line.length <= LINE_WIDTH ? line : `export type ${types.handler} = Handler<\n  ${args.replace(', ', ',\n  ')}\n>;`;
  return `${docComment(handlerDoc(op))}\n${type}`;
}

/** The text of server.ts. */
export function emitServer(ir: IrDocument, runtimeImport: string): string {
  const operations = servedOperations(ir.operations);
  const named = operations.map(operationTypes);
  const typeNames = named.flatMap((t) => [t.request, t.response]).filter((n): n is string => !!n && n !== 'void');
  const runtimeTypes = ['Handler', ...(named.some((t) => !t.request) ? ['NoParameters'] : []), 'RouteSchemaTable', 'RoutesPluginOptions', 'SharedSchemas'];
  const imports: Import[] = [
    { from: 'fastify', names: ['FastifyPluginAsync'], typeOnly: true },
    { from: `${runtimeImport}/fastify`, names: ['operationSpecs', 'routesPlugin'] },
    { from: `${runtimeImport}/fastify`, names: runtimeTypes, typeOnly: true },
    { from: './operations.js', names: ['operationTable'] },
    { from: './types.js', names: typeNames, typeOnly: true },
  ];
  const handlers = [
    '/** Your implementation of the API: one function per operation, returning the body or `reply(…)`. */',
    'export interface Handlers {',
    ...operations.map((op, i) => `  ${propertyKey(op.name)}: ${named[i]!.handler};`),
    '}',
  ].join('\n');
  const schemasStart = 'export const schemas: SharedSchemas = ';
  const routesStart = 'const routeSchemas: RouteSchemaTable = ';
  const schemaTable = Object.fromEntries(operations.map((op) => [op.name, routeSchemas(op)]));
  return printFile(ir, imports, [
    ...operations.map(handlerType),
    handlers,
    '/** Options of the routes plugin: your handlers, and the cache or its options. */\nexport type Options = RoutesPluginOptions<Handlers>;',
    `/** Component schemas, registered as Fastify shared schemas (\`$ref: "Name#"\`). */\n${schemasStart}${codeLiteral(sharedSchemas(ir), '', schemasStart.length)};`,
    `/** What Fastify validates and serializes, per operation. */\n${routesStart}${codeLiteral(schemaTable, '', routesStart.length)};`,
    '/** Every route: the operation table with its schemas (tag templates parsed here, once). */\nexport const routeTable = operationSpecs(operationTable, routeSchemas);',
    [
      '/** Registers every operation: `app.register(routes, { handlers })`; the cache is `app.cache`. */',
      'const routes: FastifyPluginAsync<Options> = routesPlugin<Handlers>(routeTable, schemas);',
      '',
      'export default routes;',
    ].join('\n'),
  ]);
}
