/** Table tests for the pure pieces: schema conversion, tag rendering, literals, prepared-response codec. */
import { describe, expect, it } from 'vitest';
import { toFastifySchema } from '../../generator/emit/json-schema.js';
import { codeLiteral, normalizePrinted } from '../../generator/emit/printer.js';
import { routeTable } from '../../generator/emit/route-table.js';
import { operationEntry } from '../../generator/emit/operations-file.js';
import { emit } from '../../generator/emit/index.js';
import { buildIr, loadSpec } from 'cachegen';
import { fixture } from '../generator/fixtures.js';
import { renderTags, resolveOperation, resolveOperations, type OperationTable, type TagTemplateSpec } from '@cachegen/runtime';
import { decodePrepared, encodePrepared, fastifyUrl } from '@cachegen/runtime/fastify';

describe('toFastifySchema', () => {
  const table: Array<[string, unknown, unknown]> = [
    ['component $ref → shared schema id', { $ref: '#/components/schemas/Product' }, { $ref: 'Product#' }],
    ['3.0 nullable string', { type: 'string', nullable: true }, { type: ['string', 'null'] }],
    ['3.0 nullable enum', { enum: ['a'], nullable: true }, { enum: ['a', null] }],
    ['3.0 boolean exclusiveMinimum', { type: 'number', minimum: 0, exclusiveMinimum: true }, { type: 'number', exclusiveMinimum: 0 }],
    ['documentation keywords dropped', { type: 'string', example: 'x', 'x-internal': true, deprecated: true }, { type: 'string' }],
    ['unknown format dropped, known kept', { type: 'object', properties: { a: { type: 'string', format: 'currency' }, b: { type: 'string', format: 'email' } } },
      { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string', format: 'email' } } }],
    ['property named like a keyword is kept', { type: 'object', properties: { example: { type: 'string' } } }, { type: 'object', properties: { example: { type: 'string' } } }],
  ];
  it.each(table)('%s', (_, input, want) => {
    expect(toFastifySchema(input)).toEqual(want);
  });
});

describe('renderTags', () => {
  const t = (source: string, parts: TagTemplateSpec['parts']): TagTemplateSpec => ({ source, parts });
  const table: Array<[string, TagTemplateSpec, Parameters<typeof renderTags>[1], string[]]> = [
    ['path parameter', t('product:{id}', [{ kind: 'literal', text: 'product:' }, { kind: 'path', name: 'id' }]), { params: { id: 7 } }, ['product:7']],
    ['query parameter absent → no tag', t('category:{query.c}', [{ kind: 'literal', text: 'category:' }, { kind: 'query', name: 'c' }]), { query: {} }, []],
    ['response array fan-out', t('p:{response.items[].id}', [{ kind: 'literal', text: 'p:' }, { kind: 'response', path: ['items', '[]', 'id'] }]),
      { response: { items: [{ id: 1 }, { id: 2 }, { name: 'no id' }] } }, ['p:1', 'p:2']],
    ['response fan-out written as items[]', t('p:{response.items[].id}', [{ kind: 'literal', text: 'p:' }, { kind: 'response', path: ['items[]', 'id'] }]),
      { response: { items: [{ id: 3 }] } }, ['p:3']],
    ['body field', t('c:{body.category}', [{ kind: 'literal', text: 'c:' }, { kind: 'body', path: ['category'] }]), { body: { category: 'books' } }, ['c:books']],
    ['header, case-insensitive name', t('t:{header.X-Tenant}', [{ kind: 'literal', text: 't:' }, { kind: 'header', name: 'X-Tenant' }]), { headers: { 'x-tenant': 'acme' } }, ['t:acme']],
    ['object values are not tags', t('x:{response.a}', [{ kind: 'literal', text: 'x:' }, { kind: 'response', path: ['a'] }]), { response: { a: { b: 1 } } }, []],
  ];
  it.each(table)('%s', (_, template, sources, want) => {
    expect(renderTags([template], sources)).toEqual(want);
  });
});

describe('codeLiteral and fastifyUrl', () => {
  it.each([
    [{ a: 1, 'b-c': 'it\'s' }, "{ a: 1, 'b-c': 'it\\'s' }"],
    [[], '[]'],
    [{ long: 'y'.repeat(120) }, `{\n  long: '${'y'.repeat(120)}',\n}`],
  ])('prints %j', (value, want) => {
    expect(codeLiteral(value)).toBe(want);
  });
  it.each([['/products/{id}', '/products/:id'], ['/a/{x}/b/{y}', '/a/:x/b/:y'], ['/flags', '/flags']])('%s → %s', (path, want) => {
    expect(fastifyUrl(path)).toBe(want);
  });
});

describe('prepared response codec', () => {
  it('round-trips status, type, etag, headers and body bytes', () => {
    const body = Buffer.from(JSON.stringify({ hello: 'wörld' }));
    const decoded = decodePrepared(encodePrepared({ status: 203, body, contentType: 'application/json', etag: '"e"', headers: { 'x-a': '1' }, storable: true, tags: ['t'] }));
    expect(decoded).toEqual({ status: 203, body, contentType: 'application/json', etag: '"e"', headers: { 'x-a': '1' }, storable: true, tags: ['t'] });
  });
  it('rejects truncated bytes', () => {
    expect(() => decodePrepared(new Uint8Array([0, 0, 1]))).toThrow(/truncated/);
    expect(() => decodePrepared(new Uint8Array([0, 0, 0, 50, 1]))).toThrow(/truncated/);
  });
});

describe('identity sources in the operation tables', () => {
  it('reach the one operation table the server and the client read', async () => {
    const ir = buildIr(await loadSpec(fixture('ir/identity.yaml')));
    const inherits = ir.operations.find((o) => o.operationId === 'inherits')!;
    const identity = [{ in: 'header', name: 'authorization' }, { in: 'header', name: 'x-api-key' }];
    expect(routeTable(ir).find((op) => op.operationId === inherits.name)?.cache?.identity).toEqual(identity);
    const table = (await emit(ir)).find((f) => f.path === 'operations.ts')!.contents;
    expect(table).toContain(`identity: [{ in: 'header', name: 'authorization' }, { in: 'header', name: 'x-api-key' }]`);
  });
});

describe('the operation table', () => {
  it('leaves out what equals the defaults, and the runtime puts back exactly the IR\'s policy', async () => {
    const ir = buildIr(await loadSpec(fixture('safe/catalog.yaml')));
    let cached = 0;
    for (const op of ir.operations.filter((o) => o.cache)) {
      const entry = operationEntry(op);
      expect(resolveOperation(op.name, entry).cache?.policy).toEqual(op.cache!.policy);
      expect(Object.keys(entry.cache!)).not.toContain('revalidate');
      cached++;
    }
    expect(cached).toBeGreaterThan(3);
  });

  it('parses tag templates once, at creation, and names the operation of one it cannot parse', () => {
    const table: OperationTable = { listThings: { method: 'GET', path: '/things', cache: { ttl: 5, tags: ['thing:{response.items[].id}'] } } };
    const [op] = resolveOperations(table);
    expect(op!.cache!.tags[0]!.parts).toEqual([{ kind: 'literal', text: 'thing:' }, { kind: 'response', path: ['items', '[]', 'id'] }]);
    expect(op!.cache!.policy).toMatchObject({ ttl: 5, swr: 0, scope: 'public', vary: [], sensitive: false });
    expect(() => resolveOperations({ broken: { method: 'POST', path: '/x', invalidates: ['a:{'] } })).toThrow(/operation "broken": tag template "a:\{"/);
  });
});

describe('normalizePrinted', () => {
  it('single-quotes string literals without changing their values, halves indents, leaves comments', () => {
    const printed = 'export interface A {\n    "it\'s": {\n        /** say "hi" */\n        b: "x\\"y";\n    };\n}\n';
    const out = normalizePrinted(printed);
    expect(out).toBe("export interface A {\n  'it\\'s': {\n    /** say \"hi\" */\n    b: 'x\"y';\n  };\n}\n");
  });
});
