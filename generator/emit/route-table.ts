/**
 * The server's data beside the operation table: each operation's route schemas (what Fastify
 * validates and serializes) and the component schemas they share. Plain JSON, so the emitter
 * prints it and the runtime interprets it.
 */
import type { IrDocument, IrOperation, JsonSchema } from '../ir/types.js';
import { operationSpecs, type OperationSpec, type RouteSchemas } from '@cachegen/runtime/fastify';
import { sharedSchemaId, toFastifySchema } from './json-schema.js';
import { operationEntry } from './operations-file.js';
import { isJsonMedia, mediaTypeOf, servedOperations } from './operation-shape.js';

function objectSchema(op: IrOperation, where: 'path' | 'query' | 'header'): JsonSchema | undefined {
  const params = op.parameters.filter((p) => p.in === where);
  if (params.length === 0) return undefined;
  const name = (n: string) => (where === 'header' ? n.toLowerCase() : n);
  const required = params.filter((p) => p.required || where === 'path').map((p) => name(p.name)).sort();
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [name(p.name), toFastifySchema(p.schema)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** The Fastify route schemas of one operation. */
export function routeSchemas(op: IrOperation): RouteSchemas {
  const schema: RouteSchemas = {};
  const params = objectSchema(op, 'path');
  const querystring = objectSchema(op, 'query');
  const headers = objectSchema(op, 'header');
  if (params) schema.params = params;
  if (querystring) schema.querystring = querystring;
  if (headers) schema.headers = headers;
  const bodyMedia = mediaTypeOf(op.requestBody?.content);
  const bodySchema = bodyMedia ? op.requestBody?.content[bodyMedia]?.schema : undefined;
  if (bodySchema && isJsonMedia(bodyMedia)) schema.body = toFastifySchema(bodySchema);
  const response: Record<string, JsonSchema> = {};
  for (const r of [...op.responses].sort((a, b) => a.status.localeCompare(b.status))) {
    const media = mediaTypeOf(r.content);
    const s = media ? r.content[media]?.schema : undefined;
    if (!s || !isJsonMedia(media)) continue;
    response[r.status.toLowerCase() === '2xx' ? '2xx' : r.status] = toFastifySchema(s);
  }
  if (Object.keys(response).length > 0) schema.response = response;
  return schema;
}

/** The route table a generated server.ts builds when it loads, built from the IR (for tests and tools). */
export function routeTable(ir: IrDocument): OperationSpec[] {
  const operations = servedOperations(ir.operations);
  const table = Object.fromEntries(operations.map((op) => [op.name, operationEntry(op, ir.credentials)]));
  return operationSpecs(table, Object.fromEntries(operations.map((op) => [op.name, routeSchemas(op)])));
}

/** Component schemas as Fastify shared schemas, sorted by name. */
export function sharedSchemas(ir: IrDocument): Array<JsonSchema & { $id: string }> {
  return Object.keys(ir.schemas).sort().map((name) => ({ $id: sharedSchemaId(name), ...toFastifySchema(ir.schemas[name]) }));
}
