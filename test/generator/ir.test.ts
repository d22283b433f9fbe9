/** The IR: operationIds, parameters, security, effective policies, tag templates, schemas and locations. */
import { describe, expect, it } from 'vitest';
import { buildIr, deriveOperationId, loadSpec, parseTagTemplate, type IrDocument, type IrOperation } from 'cachegen';
import { fixture } from './fixtures.js';

async function ir(name: string): Promise<IrDocument> {
  return buildIr(await loadSpec(fixture(name)));
}
function op(doc: IrDocument, id: string): IrOperation {
  const found = doc.operations.find((o) => o.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

describe('deriveOperationId', () => {
  const cases: Array<[method: string, path: string, id: string]> = [
    ['get', '/products/{id}', 'getProductsById'],
    ['get', '/products', 'getProducts'],
    ['post', '/users/{userId}/orders', 'postUsersByUserIdOrders'],
    ['delete', '/api/v1/line-items/{item_id}', 'deleteApiV1LineItemsByItemId'],
    ['get', '/', 'getRoot'],
    ['GET', '/a.json', 'getAJson'],
  ];
  it.each(cases)('%s %s → %s', (method, path, id) => {
    expect(deriveOperationId(method, path)).toBe(id);
  });

  it('keeps derived ids unique and never renames an explicit one', async () => {
    const doc = await ir('rules/unique-operation-id.bad.yaml');
    expect(doc.operations.map((o) => [o.path, o.operationId, o.operationIdDerived])).toEqual([
      ['/a', 'getThing', false],
      ['/b', 'getThing', false],
      ['/c', 'getB', false],
      ['/b/', 'getB2', true],
    ]);
  });
});

describe('parseTagTemplate', () => {
  const cases: Array<[source: string, parts: unknown]> = [
    ['product:{id}', [{ kind: 'literal', text: 'product:' }, { kind: 'path', name: 'id' }]],
    ['{path.id}', [{ kind: 'path', name: 'id' }]],
    ['category:{query.category}', [{ kind: 'literal', text: 'category:' }, { kind: 'query', name: 'category' }]],
    ['lang:{header.Accept-Language}', [{ kind: 'literal', text: 'lang:' }, { kind: 'header', name: 'accept-language' }]],
    ['p:{response.items[].id}', [{ kind: 'literal', text: 'p:' }, { kind: 'response', path: ['items', '[]', 'id'] }]],
    ['p:{response[].id}', [{ kind: 'literal', text: 'p:' }, { kind: 'response', path: ['[]', 'id'] }]],
    ['o:{body.order.id}-{id}', [{ kind: 'literal', text: 'o:' }, { kind: 'body', path: ['order', 'id'] }, { kind: 'literal', text: '-' }, { kind: 'path', name: 'id' }]],
    ['static', [{ kind: 'literal', text: 'static' }]],
  ];
  it.each(cases)('%s', (source, parts) => {
    expect(parseTagTemplate(source)).toEqual({ parts });
  });

  const bad: Array<[source: string, error: RegExp]> = [
    ['a:{id', /unclosed "\{"/],
    ['a:id}', /unbalanced "\}"/],
    ['a:{}', /empty/],
    ['a:{cookie.sid}', /must be \{param\}/],
    ['a:{response.}', /not a field path/],
    ['a:{query.}', /names no parameter/],
  ];
  it.each(bad)('rejects %s', (source, error) => {
    const result = parseTagTemplate(source);
    expect('error' in result && result.error).toMatch(error);
  });
});

describe('buildIr on the catalog spec', () => {
  it('merges x-cache-defaults under x-cache and records where each field came from', async () => {
    const doc = await ir('safe/catalog.yaml');
    const cache = op(doc, 'getProduct').cache!;
    expect(cache.policy).toEqual({ ttl: 600, swr: 30, staleIfError: 300, scope: 'public', sMaxAge: 7200, vary: [], tags: ['product:{id}', 'category:{response.category}'], revalidate: false, sensitive: false, key: {} });
    expect(cache.explicit).toEqual(['ttl', 'sMaxAge', 'tags']);
    expect(cache.fields.swr).toMatchObject({ line: 11, column: 3, pointer: '#/x-cache-defaults/swr' });
    expect(cache.fields.ttl).toMatchObject({ line: 70, column: 9, pointer: '#/paths/~1products~1{id}/get/x-cache/ttl' });
    // An operation's own value wins over the default.
    expect(op(doc, 'checkAuth').cache!.policy).toMatchObject({ swr: 0, staleIfError: 0, scope: 'private' });
  });

  it('lower-cases vary and resolves security (global, operation, optional)', async () => {
    const doc = await ir('safe/catalog.yaml');
    expect(op(doc, 'searchProducts').cache!.policy.vary).toEqual(['accept-language']);
    expect(op(doc, 'getProfile').security).toEqual({ required: true, schemes: ['bearer'], from: 'global' });
    expect(op(doc, 'getProduct').security).toEqual({ required: false, schemes: [], from: 'operation' });
    const feed = (await ir('rules/auth-without-identity.bad.yaml')).operations.find((o) => o.path === '/feed')!;
    expect(feed.security).toEqual({ required: false, schemes: ['apiKey'], from: 'operation' });
  });

  it('derives each operation\'s identity sources from its effective security requirements', async () => {
    const doc = await ir('ir/identity.yaml');
    const identity = (id: string) => op(doc, id).identity;
    const authorization = { in: 'header', name: 'authorization' };
    expect(identity('inherits')).toEqual([authorization, { in: 'header', name: 'x-api-key' }]);
    expect(identity('none')).toEqual([]);
    expect(identity('cookieOrQuery')).toEqual([{ in: 'cookie', name: 'SessionID' }, { in: 'query', name: 'api_key' }]);
    // http (basic, bearer), oauth2 and openIdConnect all mean the Authorization header: listed once.
    expect(identity('allAuthorization')).toEqual([authorization]);
    expect(identity('noIdentity')).toEqual([]);
    expect(identity('referenced')).toEqual([{ in: 'header', name: 'x-api-key' }]);
  });

  it('gives an annotation with any error the fail-closed policy, marked invalid', async () => {
    const cache = (await ir('rules/valid-x-cache.bad.yaml')).operations.find((o) => o.method === 'get')!.cache!;
    expect(cache.invalid).toBe(true);
    expect(cache.policy).toMatchObject({ sensitive: true, scope: 'public', ttl: 0, tags: [], vary: [] });
    expect(op(await ir('safe/catalog.yaml'), 'getProduct').cache!.invalid).toBe(false);
  });

  it('merges path-level parameters and keeps response schemas, headers and component $refs', async () => {
    const doc = await ir('safe/catalog.yaml');
    const get = op(doc, 'getProduct');
    expect(get.parameters).toMatchObject([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(get.responses.map((r) => [r.status, r.headers])).toEqual([['200', ['etag']], ['404', []]]);
    expect(get.responses[0]!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Product' });
    expect(Object.keys(doc.schemas)).toEqual(['NewProduct', 'Product', 'ProductPage', 'User']);
    expect(op(doc, 'createProduct').requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewProduct' } } } });
    expect(op(doc, 'updateProduct').invalidates.map((t) => t.source)).toEqual(['product:{id}', 'products:list', 'category:{body.category}']);
    expect(op(doc, 'getRateLimit').cache).toBeUndefined();
    expect(doc.diagnostics).toEqual([]);
  });

  it('keeps locations in the file each node was written in (multi-file)', async () => {
    const doc = await ir('multi-file/openapi.yaml');
    const get = op(doc, 'getUsersByUserId');
    expect(get.operationIdDerived).toBe(true);
    expect(get.location).toEqual({ file: fixture('multi-file/paths/user.yaml'), line: 4, column: 1, pointer: '#/get' });
    expect(get.cache!.tags[0]!.location).toEqual({ file: fixture('multi-file/paths/user.yaml'), line: 7, column: 12, pointer: '#/get/x-cache/tags/0' });
    expect(get.parameters[0]).toMatchObject({ name: 'userId', in: 'path', location: { file: fixture('multi-file/paths/user.yaml'), line: 3, column: 5 } });
    expect(doc.files).toHaveLength(6);
    expect(doc.openapiVersion).toBe('3.0');
  });
});
