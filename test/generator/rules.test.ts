/** Every lint rule on a positive and a negative fixture, with the exact problems expected (rule, severity, line, column). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIr, lint, loadSpec, rules, ruleIds, type Problem } from 'cachegen';
import { fixture } from './fixtures.js';

type Expected = [rule: string, severity: Problem['severity'], line: number, column: number];
type RuleOptions = NonNullable<Parameters<typeof lint>[1]>;

async function problemsOf(name: string, options?: Parameters<typeof lint>[1]): Promise<Problem[]> {
  return lint(buildIr(await loadSpec(fixture(name))), options);
}

const brief = (problems: Problem[]): Expected[] => problems.map((p) => [p.rule, p.severity, p.line, p.column]);

const positive: Array<[fixture: string, expected: Expected[], options?: RuleOptions]> = [
  ['no-cache-on-mutation.bad.yaml', [['no-cache-on-mutation', 'error', 6, 7]]],
  ['no-store-violation.bad.yaml', [
    ['no-store-violation', 'error', 8, 9], // sensitive + ttl
    ['no-store-violation', 'error', 9, 9], // sensitive + scope public
    ['no-store-violation', 'error', 16, 7], // credentials[].password (format: password) through $ref and array, public
    ['no-store-violation', 'warning', 29, 9], // x-sensitive field through allOf, private
  ]],
  ['auth-without-identity.bad.yaml', [
    ['auth-without-identity', 'error', 9, 9], // global security
    ['auth-without-identity', 'warning', 15, 7], // optional apiKey in a header
  ]],
  ['set-cookie-shared.bad.yaml', [['set-cookie-shared', 'error', 6, 7]]],
  ['unknown-tag-parameter.bad.yaml', [
    ['unknown-tag-parameter', 'error', 10, 16], // {productId}
    ['unknown-tag-parameter', 'error', 10, 39], // {query.category}
    ['unknown-tag-parameter', 'error', 10, 63], // {header.accept-language}
    ['unknown-tag-parameter', 'error', 10, 96], // {response.sku}
    ['unknown-tag-parameter', 'error', 10, 116], // {response.items[].id}: items is an object
    ['unknown-tag-parameter', 'error', 10, 143], // {body.id} on a read
    ['unknown-tag-parameter', 'error', 18, 45], // {body.skuu}
  ]],
  ['invalidation-matches-nothing.bad.yaml', [['invalidation-matches-nothing', 'error', 14, 29]]],
  ['mutation-without-invalidation.bad.yaml', [
    ['mutation-without-invalidation', 'warning', 12, 5],
    ['mutation-without-invalidation', 'warning', 16, 5],
  ]],
  ['private-with-s-maxage.bad.yaml', [['private-with-s-maxage', 'error', 9, 9]]],
  ['vary-star.bad.yaml', [['vary-star', 'error', 8, 9]]],
  ['high-cardinality-vary.bad.yaml', [['high-cardinality-vary', 'warning', 8, 9]]],
  ['header-parameter-vary.bad.yaml', [
    ['header-parameter-vary', 'warning', 8, 11], // X-Tenant-Id
    ['header-parameter-vary', 'warning', 9, 11], // Authorization (keyed as its HMAC)
  ]],
  ['credential-in-key.bad.yaml', [
    ['credential-in-key', 'error', 11, 16], // {header.authorization}
    ['credential-in-key', 'error', 22, 16], // {query.api_key} of an apiKey-in-query scheme
  ]],
  ['swr-without-ttl.bad.yaml', [['swr-without-ttl', 'warning', 7, 9]]],
  ['ttl-exceeds-max.bad.yaml', [
    ['ttl-exceeds-max', 'warning', 4, 3], // inherited from x-cache-defaults: reported where it was written
    ['ttl-exceeds-max', 'warning', 9, 9],
  ]],
  ['missing-ttl.bad.yaml', [['missing-ttl', 'warning', 6, 7]]],
  ['key-query-unknown.bad.yaml', [['key-query-unknown', 'error', 11, 9]]],
  ['invalidates-on-read.bad.yaml', [['invalidates-on-read', 'error', 9, 29]]],
  ['valid-x-cache.bad.yaml', [
    ['valid-x-cache', 'error', 4, 3],
    ['valid-x-cache', 'error', 9, 9],
    ['valid-x-cache', 'error', 10, 9],
    ['valid-x-cache', 'error', 11, 9],
    ['valid-x-cache', 'error', 12, 9],
    ['valid-x-cache', 'error', 16, 7],
  ]],
  ['valid-tag-template.bad.yaml', [
    ['valid-tag-template', 'error', 10, 16],
    ['valid-tag-template', 'error', 10, 25],
    ['valid-tag-template', 'error', 10, 33],
    ['valid-tag-template', 'error', 10, 49],
  ]],
  ['unique-operation-id.bad.yaml', [['unique-operation-id', 'error', 11, 7]]],
  ['edge-unpurgeable-tag.bad.yaml', [
    ['edge-unpurgeable-tag', 'warning', 9, 27], // {response.items[].id}
    ['edge-unpurgeable-tag', 'warning', 17, 16], // names no {id}
  ], { rules: { 'edge-unpurgeable-tag': ['warn', { edge: 'nginx' }] } }],
];

describe('lint rules: positive fixtures report exactly these problems', () => {
  it.each(positive)('%s', async (name, expected, options) => {
    expect(brief(await problemsOf(`rules/${name}`, options))).toEqual(expected);
  });
});

describe('lint rules: negative fixtures report nothing', () => {
  const negatives = rules.map((r) => `${r.id}.good.yaml`);
  it.each(negatives)('%s', async (name) => {
    expect(await problemsOf(`rules/${name}`)).toEqual([]);
  });
});

describe('well-annotated specs have no problems (no false positives)', () => {
  it.each(['safe/catalog.yaml', 'safe/petstore-3.0.json'])('%s', async (name) => {
    expect(await problemsOf(name)).toEqual([]);
  });
});

it('has a positive fixture for every rule', () => {
  const covered = new Set(positive.flatMap(([, expected]) => expected.map(([rule]) => rule)));
  expect(ruleIds.filter((id) => !covered.has(id))).toEqual([]);
});

it('reports problems in the file that holds them (multi-file spec)', async () => {
  const problems = await problemsOf('multi-file/openapi.yaml');
  expect(problems.map((p) => [p.rule, p.file.slice(p.file.indexOf('multi-file/')), p.line, p.column, p.pointer])).toEqual([
    ['unknown-tag-parameter', 'multi-file/paths/orders.yaml', 8, 31, '#/get/x-cache/tags/1'],
    ['no-store-violation', 'multi-file/paths/user.yaml', 5, 3, '#/get/x-cache'],
  ]);
  expect(problems[1]!.message).toContain('"apiKey"');
});

describe('severity configuration, like ESLint', () => {
  const cases: Array<[setting: Parameters<typeof lint>[1], expected: Expected[]]> = [
    [{ rules: { 'ttl-exceeds-max': 'off' } }, []],
    [{ rules: { 'ttl-exceeds-max': 'error' } }, [['ttl-exceeds-max', 'error', 4, 3], ['ttl-exceeds-max', 'error', 9, 9]]],
    [{ rules: { 'ttl-exceeds-max': ['warn', { max: 700_000 }] } }, [['ttl-exceeds-max', 'warning', 9, 9]]],
    [{ rules: { 'ttl-exceeds-max': ['error', { max: 3_000_000 }] } }, []],
  ];
  it.each(cases)('%j', async (setting, expected) => {
    expect(brief(await problemsOf('rules/ttl-exceeds-max.bad.yaml', setting))).toEqual(expected);
  });

  it('can turn IR problems (valid-x-cache) down to warnings', async () => {
    const problems = await problemsOf('rules/valid-x-cache.bad.yaml', { rules: { 'valid-x-cache': 'warn' } });
    expect(problems.filter((p) => p.rule === 'valid-x-cache').every((p) => p.severity === 'warning')).toBe(true);
  });

  it('takes extra secret names for no-store-violation', async () => {
    const problems = await problemsOf('safe/catalog.yaml', { rules: { 'no-store-violation': ['error', { names: ['revenue'] }] } });
    expect(brief(problems)).toEqual([['no-store-violation', 'error', 157, 7]]);
    expect(problems[0]!.message).toContain('"revenue"');
  });
});

it('messages say what is wrong and what to do', async () => {
  const [problem] = await problemsOf('rules/invalidation-matches-nothing.bad.yaml');
  expect(problem!.message).toBe('DELETE /products/{id} invalidates "products:{id}" but no cached operation produces a matching tag (cached operations produce: product:{id})');
  expect(problem!.pointer).toBe('#/paths/~1products~1{id}/delete/x-cache-invalidates/0');
});

it('invalidation-matches-nothing matches through literal prefixes either way and through leading placeholders', async () => {
  const read = (path: string, tags: string[]) => ({
    get: {
      operationId: `get${path.replace(/\W/g, '')}`,
      'x-cache': { ttl: 60, tags },
      parameters: [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      responses: { '200': { description: 'ok' } },
    },
  });
  const write = (path: string, invalidates: string[]) => ({
    post: {
      operationId: `post${path.replace(/\W/g, '')}`,
      'x-cache-invalidates': invalidates,
      parameters: [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      responses: { '204': { description: 'done' } },
    },
  });
  const spec = {
    openapi: '3.1.0',
    info: { title: 'prefixes', version: '1' },
    paths: {
      '/items/{id}': read('/items/{id}', ['item:{id}', 'things5']),
      '/stock/{region}': read('/stock/{region}', ['{region}:stock']),
      '/w/{id}': write('/w/{id}', [
        'item:42', // longer literal prefix than the produced item:{id}
        'item:{id}', // the same prefix
        'ite{id}:x', // shorter prefix: the produced item:{id} starts with it
        'eu:stock', // the produced tag starts with a placeholder
        '{id}:stock', // the invalidation starts with a placeholder
        'things5', // literal, equal
        'things50', // literal, longer than things5: matches nothing
        'thing', // literal, a prefix of things5 without a placeholder: matches nothing
      ]),
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-rules-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(spec));
    const problems = lint(buildIr(await loadSpec(join(dir, 'openapi.json')))).filter((p) => p.rule === 'invalidation-matches-nothing');
    expect(problems.map((p) => p.message.match(/invalidates "([^"]+)"/)?.[1])).toEqual(['things50', 'thing']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
