/**
 * A synthetic OpenAPI document with N operations in the shapes real APIs have: cached reads
 * with path/query/response tags, private reads, uncached reads, and mutations that invalidate.
 * Used by the compile test (100+ operations) and the generation benchmark (1,000).
 */

/** An OpenAPI 3.1 document with `operations` operations (rounded up to a multiple of 4). */
export function syntheticSpec(operations: number): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const resources = Math.ceil(operations / 4);
  for (let i = 0; i < resources; i++) {
    const name = `Thing${i}`;
    schemas[name] = {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'integer' }, name: { type: 'string' }, group: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
    };
    schemas[`${name}Page`] = {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${name}` } }, next: { type: ['string', 'null'] } },
    };
    const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
    paths[`/things${i}`] = {
      get: {
        operationId: `listThings${i}`,
        'x-cache': { ttl: 60 + i, tags: [`things${i}`, `thing${i}:{response.items[].id}`, `group${i}:{query.group}`] },
        parameters: [
          { name: 'group', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        ],
        responses: { '200': { description: 'page', content: json(`${name}Page`) } },
      },
      post: {
        operationId: `createThing${i}`,
        'x-cache-invalidates': [`things${i}`, `group${i}:{body.group}`],
        requestBody: { required: true, content: json(name) },
        responses: { '201': { description: 'created', content: json(name) } },
      },
    };
    paths[`/things${i}/{id}`] = {
      get: {
        operationId: `getThing${i}`,
        ...(i % 3 === 0
          ? { security: [{ bearer: [] }], 'x-cache': { ttl: 30, scope: 'private', tags: [`thing${i}:{id}`] } }
          : { 'x-cache': { ttl: 600, swr: 60, tags: [`thing${i}:{id}`] } }),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'one', content: json(name) }, '404': { description: 'none' } },
      },
      delete: {
        operationId: `deleteThing${i}`,
        'x-cache-invalidates': [`thing${i}:{id}`, `things${i}`],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '204': { description: 'deleted' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: `Synthetic API (${resources * 4} operations)`, version: '1.0.0' },
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

/**
 * `syntheticSpec(operations)` with operationIds as real specs write them, in turn: as they are,
 * missing, with spaces and dots, duplicating an earlier one once made an identifier, in another
 * script, or a reserved word. The names must all come out distinct and compile.
 */
const RESERVED = ['delete', 'class', 'constructor', 'default', 'new', 'function', 'toString', '__proto__', 'then'];

export function namingStressSpec(operations: number): Record<string, unknown> {
  const spec = syntheticSpec(operations) as { paths: Record<string, Record<string, { operationId?: string }>> };
  let previous = '';
  let n = 0;
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      const id = op.operationId!;
      switch (n++ % 6) {
        case 1: delete op.operationId; break;
        case 2: op.operationId = `${id.replace(/([a-z])([A-Z])/g, '$1 $2')}.yml`; break;
        case 3: op.operationId = previous.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(); break;
        case 4: op.operationId = `créer ${id} 获取`; break;
        case 5: op.operationId = RESERVED[(n - 6) / 6] ?? `new ${id}`; break;
      }
      previous = id;
    }
  }
  return spec;
}
