/**
 * The generator against hostile specs (#11, items 4 and 16).
 *
 * Item 4: a spec string (operationId, path, parameter and property names, summaries and
 * descriptions, tag templates, enum values, schema names, title) reaches generated source only as
 * data. Checked three ways on every generated file: it compiles under `tsc --strict`; its syntax
 * tree holds no statement, call or name the generator does not write itself (a string that broke
 * out of its literal or comment would add one); and importing it runs nothing and hands back the
 * spec's strings unchanged. Hand-made attacks first, then random strings (fast-check).
 *
 * Item 16: an invalid x-cache means "not cached" (private when the operation has security), in the
 * IR itself: `generate --force` cannot turn a typo into the public default.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import Fastify from 'fastify';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIr, loadSpec } from 'cachegen';
import { createCache } from '@cachegen/runtime';
import { emit, emitHandlerStubs } from '../../generator/emit/index.js';
import { main } from '../../generator/cli/main.js';
import { compileErrors } from '../codegen/compile.js';

const tmp = fileURLToPath(new URL(`./.tmp/generator-${process.pid}/`, import.meta.url));
let runs = 0;

beforeAll(async () => { await mkdir(tmp, { recursive: true }); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

/** The strings one hostile spec plants, by role. */
interface Planted {
  title: string;
  operationId: string;
  otherOperationId: string;
  summary: string;
  description: string;
  pathSegment: string;
  pathParam: string;
  queryParam: string;
  headerParam: string;
  property: string;
  enumValue: string;
  schemaName: string;
  tagLiteral: string;
  mediaSuffix: string;
}

/** A spec with every planted string in its role: a cached read, a write that invalidates, a schema. */
function hostileSpec(s: Planted): Record<string, unknown> {
  const segment = s.pathSegment.replace(/[{}/?]/g, '') || 'x';
  const pathParam = s.pathParam.replace(/[{}/?]/g, '') || 'id';
  const ref = `#/components/schemas/${encodeURIComponent(s.schemaName.replace(/~/g, '~0').replace(/\//g, '~1'))}`;
  return {
    openapi: '3.1.0',
    info: { title: s.title, version: s.description, description: s.description },
    paths: {
      [`/${segment}/{${pathParam}}`]: {
        get: {
          operationId: s.operationId,
          summary: s.summary,
          description: s.description,
          parameters: [
            { name: pathParam, in: 'path', required: true, description: s.description, schema: { type: 'string', enum: [s.enumValue, 'plain'] } },
            { name: s.queryParam, in: 'query', schema: { type: 'string', description: s.description } },
            { name: s.headerParam, in: 'header', schema: { type: 'string' } },
          ],
          'x-cache': { ttl: 60, tags: [`${s.tagLiteral}:{${pathParam}}`, s.tagLiteral], key: { ignoreQuery: [s.queryParam] } },
          responses: {
            '200': { description: s.description, content: { 'application/json': { schema: { $ref: ref } } } },
            default: { description: s.summary, content: { [`application/${s.mediaSuffix}+json`]: { schema: { type: 'object' } } } },
          },
        },
        put: {
          operationId: s.otherOperationId,
          summary: s.summary,
          'x-cache-invalidates': [`${s.tagLiteral}:{${pathParam}}`, `${s.tagLiteral}:{body.${'a'}}`],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: ref } } } },
          responses: { '204': { description: s.description } },
        },
      },
      [`/${segment}`]: { get: { summary: s.summary, 'x-cache': { ttl: 5, tags: [s.tagLiteral] }, responses: { '200': { description: 'ok' } } } },
    },
    components: {
      schemas: {
        [s.schemaName]: {
          type: 'object',
          description: s.description,
          required: [s.property],
          properties: { [s.property]: { type: 'string', enum: [s.enumValue], description: s.summary }, a: { type: 'string' } },
        },
      },
    },
  };
}

/** Generates a spec's files (and handler stubs) into a fresh folder; returns the folder and the files' paths. */
async function generateInto(spec: Record<string, unknown>): Promise<{ dir: string; files: string[] }> {
  const dir = join(tmp, `run-${++runs}`);
  await mkdir(join(dir, 'handlers'), { recursive: true });
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec, null, 2));
  const ir = buildIr(await loadSpec(join(dir, 'spec.json')));
  const files: string[] = [];
  for (const file of await emit(ir)) {
    await writeFile(join(dir, file.path), file.contents);
    files.push(join(dir, file.path));
  }
  await writeFile(join(dir, 'handlers/index.ts'), emitHandlerStubs(ir, '../server.js'));
  files.push(join(dir, 'handlers/index.ts'));
  return { dir, files };
}

/** Names a generated file may use without declaring them: TypeScript's and Node's types. */
const GLOBAL_TYPES = new Set(['Record', 'NonNullable', 'Promise', 'Buffer', 'ReturnType', 'Error', 'Array', 'Omit', 'Pick', 'Partial', 'Required', 'Readonly']);
/** The only functions generated code calls. */
const CALLEES = new Set(['routesPlugin', 'operationSpecs', 'createCaller', 'call', 'Error']);
const TOP_LEVEL = new Set([
  ts.SyntaxKind.ImportDeclaration, ts.SyntaxKind.ExportDeclaration, ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.InterfaceDeclaration, ts.SyntaxKind.VariableStatement, ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ExportAssignment,
]);

/** Whether an identifier stands where it names a property (not a value or type it refers to). */
function namesAProperty(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) ||
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isQualifiedName(parent) && parent.right === node) ||
    (ts.isImportSpecifier(parent) && parent.propertyName === node) ||
    (ts.isExportSpecifier(parent) && (parent.propertyName === node || parent.name === node))
  );
}

/**
 * What in a generated file the generator does not write itself: a top-level statement of another
 * kind (an expression a broken-out string would start), a call of anything but the runtime's
 * entry points, a dynamic import, a template with substitutions, or a name neither declared in
 * the file nor one of TypeScript's global types (`process`, `globalThis`, `require`, `eval`...).
 */
function foreignCode(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const declared = new Set<string>();
  const collect = (node: ts.Node): void => {
    if ((ts.isImportSpecifier(node) || ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isFunctionDeclaration(node) ||
      ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isTypeParameterDeclaration(node) || ts.isNamespaceImport(node) || ts.isImportClause(node)) &&
      node.name && ts.isIdentifier(node.name)) declared.add(node.name.text);
    ts.forEachChild(node, collect);
  };
  collect(source);
  for (const statement of source.statements) if (!TOP_LEVEL.has(statement.kind)) problems.push(`${where(statement)} a ${ts.SyntaxKind[statement.kind]} at the top level`);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = node.expression;
      if (!ts.isIdentifier(callee) || !CALLEES.has(callee.text)) problems.push(`${where(node)} calls ${callee.getText(source)}`);
    }
    if (ts.isTaggedTemplateExpression(node) || ts.isTemplateExpression(node)) problems.push(`${where(node)} a template expression`);
    if (node.kind === ts.SyntaxKind.ImportKeyword && ts.isCallExpression(node.parent)) problems.push(`${where(node)} a dynamic import`);
    if (ts.isIdentifier(node) && !namesAProperty(node) && !declared.has(node.text) && !GLOBAL_TYPES.has(node.text)) {
      problems.push(`${where(node)} refers to ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

/** Every string a value holds, as a value or as a key, however deep. */
function stringsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === 'object') {
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key === 'string') out.add(key);
      stringsIn((value as Record<string, unknown>)[key as string], out);
    }
  }
  return out;
}

declare global {
  // Set by an injected statement, if one ever runs.
  var __cachegenInjected: unknown;
}

/** Generates, compiles, inspects and imports the files of one hostile spec; returns what went wrong. */
async function injectionProblems(planted: Planted): Promise<string[]> {
  const { dir, files } = await generateInto(hostileSpec(planted));
  const problems = compileErrors(files);
  for (const file of files) problems.push(...foreignCode(file, await readFile(file, 'utf8')));
  if (problems.length > 0) return problems;
  globalThis.__cachegenInjected = undefined;
  const server = (await import(pathToFileURL(join(dir, 'server.ts')).href)) as Record<string, unknown>;
  const client = (await import(pathToFileURL(join(dir, 'client.ts')).href)) as Record<string, unknown>;
  if (globalThis.__cachegenInjected !== undefined) problems.push('importing the generated files ran injected code');
  // The data survives quoting exactly: the planted strings the tables carry are there, unchanged
  // (a tag only when it is a valid template: an invalid one makes the operation uncached).
  const data = stringsIn([server.routeTable, server.schemas]);
  const expected = { enum: planted.enumValue, property: planted.property, query: planted.queryParam, ...(/^[^{}]+$/.test(planted.tagLiteral) ? { tag: planted.tagLiteral } : {}) };
  for (const [role, text] of Object.entries(expected)) {
    if (!data.has(text)) problems.push(`the server's tables lost the ${role} ${JSON.stringify(text)}`);
  }
  if (typeof client.createClient !== 'function') problems.push('client.ts exports no createClient');
  return problems;
}

const ATTACK = "x'); globalThis.__cachegenInjected = 1; ('";
const attacks: Array<[role: keyof Planted, text: string]> = [
  ['title', 'Shop\nglobalThis.__cachegenInjected = 1;\n//'],
  ['title', 'Shop\u2028globalThis.__cachegenInjected = 1;\u2028//'],
  ['operationId', ATTACK],
  ['operationId', 'find pet by id'],
  ['operationId', 'x`${globalThis.__cachegenInjected = 1}`'],
  ['otherOperationId', '*/ globalThis.__cachegenInjected = 1; /*'],
  ['summary', '*/ globalThis.__cachegenInjected = 1; /*'],
  ['summary', 'line\nglobalThis.__cachegenInjected = 1;'],
  ['description', '*/ export const injected = globalThis.__cachegenInjected = 1; /**'],
  ['tagLiteral', "p'+(globalThis.__cachegenInjected = 1)+'"],
  ['tagLiteral', 'p\u2028q\u2029r'],
  ['enumValue', "a', globalThis.__cachegenInjected = 1, '"],
  ['enumValue', '\\'],
  ['property', '__proto__'],
  ['property', "it's \"quoted\""],
  ['queryParam', 'q\nglobalThis.__cachegenInjected = 1'],
  ['headerParam', 'x-*/-y'],
  ['schemaName', "Pet'; globalThis.__cachegenInjected = 1; '"],
  ['pathSegment', "a'b\"c`d"],
  ['pathParam', 'constructor'],
  ['mediaSuffix', "v'1"],
];

const plain: Planted = {
  title: 'Shop', operationId: 'getThing', otherOperationId: 'putThing', summary: 'Read it', description: 'A thing',
  pathSegment: 'things', pathParam: 'id', queryParam: 'q', headerParam: 'x-tenant', property: 'name', enumValue: 'red',
  schemaName: 'Thing', tagLiteral: 'thing', mediaSuffix: 'vnd.thing',
};

/** The attacks in as few specs as possible: spec i plants each role's i-th attack (the plain value where a role has none). */
function attackSpecs(): Planted[] {
  const byRole = new Map<keyof Planted, string[]>();
  for (const [role, text] of attacks) byRole.set(role, [...(byRole.get(role) ?? []), text]);
  const rounds = Math.max(...[...byRole.values()].map((list) => list.length));
  return Array.from({ length: rounds }, (_, i) => {
    const planted = { ...plain };
    for (const [role, list] of byRole) if (list[i] !== undefined) planted[role] = list[i]!;
    return planted;
  });
}

describe('spec strings reach generated code only as data (#11 item 4)', () => {
  it.each(attackSpecs().map((planted, i) => [i + 1, planted] as const))('hostile strings in every role, spec %i', async (_, planted) => {
    expect(await injectionProblems(planted)).toEqual([]);
  }, 120_000);

  it('random strings in every role at once', async () => {
    const pieces = fc.constantFrom(
      "'", '"', '`', '*/', '/*', '//', '${', '{', '}', '\\', '\n', '\r\n', '\u2028', '\u2029', '\u0000', '\t', ' ', '~',
      '%', '%zz', '#', '~1', 'é', '用户', '😀', '__proto__', 'constructor', 'delete', 'class', 'await', '0', '9', '-', '.', '</script>', ATTACK,
    );
    const text = fc.array(fc.oneof(pieces, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    const roles = Object.fromEntries(Object.keys(plain).map((role) => [role, text])) as { [K in keyof Planted]: fc.Arbitrary<string> };
    // Distinct names where the spec needs them distinct (operationIds, parameters); anything else goes.
    const planted = fc.record(roles).filter((p) => p.operationId !== p.otherOperationId && new Set([p.pathParam, p.queryParam, p.headerParam.toLowerCase()]).size === 3);
    await fc.assert(fc.asyncProperty(planted, async (p) => { expect(await injectionProblems(p)).toEqual([]); }), { numRuns: 5 });
  }, 600_000);
});

/** Runs `cachegen generate --force` on a spec and imports the server's operation table. */
async function forceGenerate(spec: Record<string, unknown>): Promise<{ dir: string; table: Array<{ operationId: string; cache?: { policy: Record<string, unknown> } }> }> {
  const dir = join(tmp, `force-${++runs}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const code = await main(['generate', '--spec', 'spec.json', '--out', 'out', '--force'], { stdout: sink, stderr: sink, cwd: dir });
  expect(code).toBe(0);
  const server = (await import(pathToFileURL(join(dir, 'out/server.ts')).href)) as { routeTable: Awaited<ReturnType<typeof forceGenerate>>['table'] };
  return { dir, table: server.routeTable };
}

function withCache(xCache: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Accounts', version: '1' },
    security: [{ bearer: [] }],
    ...extra,
    paths: {
      '/me': {
        get: {
          operationId: 'getMe',
          'x-cache': xCache,
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } } } } } },
        },
      },
      '/public': {
        get: { operationId: 'getPublic', security: [], 'x-cache': xCache, responses: { '200': { description: 'ok' } } },
      },
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

describe('an invalid x-cache fails closed, whatever --force (#11 item 16)', () => {
  const invalid: Array<[what: string, xCache: unknown, extra?: Record<string, unknown>]> = [
    ['scope: privat', { ttl: 60, scope: 'privat' }],
    ['an unknown field (scpoe: private)', { ttl: 60, scpoe: 'private' }],
    ['a vary header that is no header name', { ttl: 60, vary: ['X Tenant'] }],
    ['a malformed tag template', { ttl: 60, tags: ['user:{id'] }],
    ['ttl as a string', { ttl: '60', scope: 'private' }],
    ['x-cache that is not an object', 60],
    ['an error in x-cache-defaults', { ttl: 60 }, { 'x-cache-defaults': { scope: 'privat' } }],
  ];

  it.each(invalid)('%s: never stored; private when the operation has security', async (_, xCache, extra) => {
    const { table } = await forceGenerate(withCache(xCache, extra));
    const me = table.find((op) => op.operationId === 'getMe')!;
    const open = table.find((op) => op.operationId === 'getPublic')!;
    expect(me.cache?.policy).toMatchObject({ sensitive: true, scope: 'private' });
    expect(open.cache?.policy).toMatchObject({ sensitive: true });
  }, 120_000);

  it('serves every caller from the origin with no-store', async () => {
    const { dir } = await forceGenerate(withCache({ ttl: 60, scope: 'privat' }));
    const routes = ((await import(pathToFileURL(join(dir, 'out/server.ts')).href)) as { default: never }).default;
    const cache = createCache({ namespace: `adversarial-generator-${process.pid}` });
    const app = Fastify();
    let calls = 0;
    const handlers = { getMe: async (request: { headers: Record<string, string> }) => ({ id: `${request.headers.authorization}#${++calls}` }), getPublic: async () => ({}) };
    await app.register(routes, { handlers, cache, secret: 'test-secret' } as never);
    try {
      const alice = await app.inject({ url: '/me', headers: { authorization: 'Bearer alice' } });
      const bob = await app.inject({ url: '/me', headers: { authorization: 'Bearer bob' } });
      const aliceAgain = await app.inject({ url: '/me', headers: { authorization: 'Bearer alice' } });
      expect([alice.json(), bob.json(), aliceAgain.json()]).toEqual([{ id: 'Bearer alice#1' }, { id: 'Bearer bob#2' }, { id: 'Bearer alice#3' }]);
      for (const response of [alice, bob, aliceAgain]) expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      await app.close();
      await cache.close();
    }
  }, 120_000);
});
