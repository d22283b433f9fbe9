/**
 * The data half of server.ts: the route table (`OperationSpec[]`) and the shared schemas,
 * built from the IR. Plain JSON, so the emitter prints it and the runtime interprets it.
 */
import type { IrDocument, IrOperation, JsonSchema, TagTemplate } from '../ir/types.js';
import type { TagTemplateSpec } from '@cachegen/runtime';
import type { OperationSpec, RouteMethod, RouteSchemas } from '@cachegen/runtime/fastify';
import { sharedSchemaId, toFastifySchema } from './json-schema.js';
import { fastifyUrl, isJsonMedia, mediaTypeOf, successResponse, successStatus } from './operation-shape.js';

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

function routeSchemas(op: IrOperation): RouteSchemas {
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

function tagSpec(t: TagTemplate): TagTemplateSpec {
  return { source: t.source, parts: t.parts };
}

/** One route-table entry for an operation. */
export function operationSpec(op: IrOperation): OperationSpec {
  const media = mediaTypeOf(successResponse(op)?.content) ?? 'application/json';
  const spec: OperationSpec = {
    operationId: op.name,
    method: op.method.toUpperCase() as RouteMethod,
    url: fastifyUrl(op.path),
    schema: routeSchemas(op),
    successStatus: successStatus(op),
    contentType: media,
    invalidates: op.invalidates.map(tagSpec),
  };
  if (op.cache) spec.cache = { policy: op.cache.policy, tags: op.cache.tags.map(tagSpec), identity: op.identity };
  return spec;
}

/** Every operation the server registers (TRACE is not something Fastify routes), in spec order. */
export function routeTable(ir: IrDocument): OperationSpec[] {
  return ir.operations.filter((op) => op.method !== 'trace').map(operationSpec);
}

/** Component schemas as Fastify shared schemas, sorted by name. */
export function sharedSchemas(ir: IrDocument): Array<JsonSchema & { $id: string }> {
  return Object.keys(ir.schemas).sort().map((name) => ({ $id: sharedSchemaId(name), ...toFastifySchema(ir.schemas[name]) }));
}
