/** The x-cache zod schema, durations, "did you mean", and the JSON Schema editors read. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildIr, loadSpec, validateXCache } from 'cachegen';
import { jsonSchemaText } from '../../generator/schema/publish.js';
import { closestName } from '../../generator/schema/did-you-mean.js';
import { durationSeconds } from '../../generator/schema/duration.js';

describe('validateXCache', () => {
  const valid = [{}, { ttl: 600, swr: 60, staleIfError: 300, scope: 'public', sMaxAge: 7200, vary: ['Accept-Language'], tags: ['product:{id}'], revalidate: false, sensitive: false, key: { ignoreQuery: ['utm_*'] } }, { key: { query: ['q'] } }, { vary: ['*'] }];
  it.each(valid)('accepts %j', (value) => {
    expect(validateXCache(value)).toEqual({ value, issues: [] });
  });

  const durations: Array<[written: unknown, seconds: number]> = [[300, 300], ['45s', 45], ['5m', 300], ['2h', 7200], ['1d', 86_400], ['0s', 0], [0, 0]];
  it.each(durations)('reads the duration %j as %i seconds, in every duration field', (written, seconds) => {
    const { value, issues } = validateXCache({ ttl: written, swr: written, staleIfError: written, sMaxAge: written });
    expect(issues).toEqual([]);
    expect(value).toEqual({ ttl: seconds, swr: seconds, staleIfError: seconds, sMaxAge: seconds });
  });

  const invalid: Array<[value: unknown, issues: Array<[path: Array<string | number>, message: RegExp]>, kept: Record<string, unknown>]> = [
    [{ ttl: -1, swr: 5 }, [[['ttl'], /0 or more/]], { swr: 5 }],
    [{ ttl: 1.5 }, [[['ttl'], /whole seconds \(300\) or a duration such as "5m"/]], {}],
    [{ ttl: '5 minutes', swr: '1m' }, [[['ttl'], /a duration such as "5m" \(s, m, h, d\)/]], { swr: 60 }],
    [{ ttl: '300' }, [[['ttl'], /^is the text "300": write 300 \(seconds\) or "300s"$/]], {}],
    [{ ttl: '5M' }, [[['ttl'], /a duration such as "5m"/]], {}],
    [{ ttl: '1w' }, [[['ttl'], /a duration such as "5m"/]], {}],
    [{ ttl: '-5m' }, [[['ttl'], /a duration such as "5m"/]], {}],
    [{ ttl: '99999999999999999999d' }, [[['ttl'], /too long/]], {}],
    [{ ttl: true }, [[['ttl'], /whole seconds/]], {}],
    [{ scope: 'shared', ttl: 5 }, [[['scope'], /public.*private/]], { ttl: 5 }],
    [{ vary: ['Accept Language'] }, [[['vary', 0], /header name/]], {}],
    [{ tll: 5, ttl: 5 }, [[['tll'], /^unknown field \(did you mean "ttl"\?\)$/]], { ttl: 5 }],
    [{ stale_if_error: 5 }, [[['stale_if_error'], /did you mean "staleIfError"\?/]], {}],
    [{ maxAge: 5 }, [[['maxAge'], /did you mean "sMaxAge"\?/]], {}],
    [{ frobnicate: 5 }, [[['frobnicate'], /^unknown field$/]], {}],
    [{ key: { ignorQuery: ['utm_*'] } }, [[['key', 'ignorQuery'], /did you mean "ignoreQuery"\?/]], {}],
    [{ key: { query: [], ignoreQuery: [] } }, [[['key'], /exactly one of ignoreQuery: \[names\] or query: \[names\]/]], {}],
    [{ key: {} }, [[['key'], /exactly one of ignoreQuery: \[names\] or query: \[names\]/]], {}],
    [{ sensitive: 'yes' }, [[['sensitive'], /boolean/]], {}],
  ];
  it.each(invalid)('rejects %j, keeping only the valid fields (never a default in place of a bad one)', (value, issues, kept) => {
    const result = validateXCache(value);
    expect(result.value).toEqual(kept);
    expect(result.issues.map((i) => i.path)).toEqual(issues.map(([path]) => path));
    result.issues.forEach((issue, i) => expect(issue.message).toMatch(issues[i]![1]));
  });
});

it('a spec\'s durations reach the IR in seconds, from x-cache and from x-cache-defaults', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-duration-'));
  try {
    const file = join(dir, 'openapi.yaml');
    writeFileSync(file, `openapi: 3.1.0
info: { title: t, version: "1" }
x-cache-defaults: { staleIfError: 1d }
paths:
  /a:
    get:
      x-cache: { ttl: 5m, swr: 30s, sMaxAge: 2h }
      responses: { "200": { description: ok } }
`);
    const [operation] = buildIr(await loadSpec(file)).operations;
    expect(operation!.cache!.policy).toMatchObject({ ttl: 300, swr: 30, sMaxAge: 7200, staleIfError: 86_400 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('durationSeconds and closestName', () => {
  it('reads only whole, non-negative, safe durations', () => {
    expect([300, '300s', '5m', '1h', '2d'].map(durationSeconds)).toEqual([300, 300, 300, 3600, 172_800]);
    expect([-1, 1.5, NaN, Infinity, '5', '5 m', '5min', 'm', '', null, undefined, {}, '9007199254740992s'].map(durationSeconds)).toEqual(Array(13).fill(undefined));
  });

  it('suggests the closest name for a typo, a transposition, a case or separator slip, and nothing for a stranger', () => {
    const fields = ['ttl', 'swr', 'staleIfError', 'scope', 'sMaxAge', 'vary', 'tags', 'revalidate', 'sensitive', 'key'];
    expect(['tll', 'ttll', 'TTL', 'stale-if-error', 'smaxage', 'sensitve', 'tag', 'revalidat'].map((n) => closestName(n, fields))).toEqual(['ttl', 'ttl', 'ttl', 'staleIfError', 'sMaxAge', 'sensitive', 'tags', 'revalidate']);
    expect(['cache', 'expires', 'x', 'ttlSeconds'].map((n) => closestName(n, fields))).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('the published JSON Schema (cachegen/x-cache.schema.json)', () => {
  const committed = readFileSync(new URL('../../generator/schema/x-cache.schema.json', import.meta.url), 'utf8');
  const schema = JSON.parse(committed) as Record<string, unknown> & { definitions: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }> };
  // Draft-07, as the YAML language server reads it; every keyword must be known (strict; a `required`
  // naming a property defined beside the oneOf rather than inside it is valid JSON Schema).
  const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  const errorsOf = (document: unknown) => (validate(document) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

  it('is up to date (regenerate: npx tsx --conditions=@cachegen/source generator/schema/publish.ts)', () => {
    expect(committed).toBe(jsonSchemaText());
  });

  it('describes an OpenAPI document down to each operation, so editors apply it to the whole spec file', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.definitions)).toEqual(['path-item', 'operation', 'x-cache', 'x-cache-invalidates', 'x-cache-defaults']);
    expect(Object.keys(schema.definitions['x-cache']!.properties!)).toEqual(['ttl', 'swr', 'staleIfError', 'scope', 'sMaxAge', 'vary', 'tags', 'revalidate', 'sensitive', 'key']);
    expect(schema.definitions['x-cache']!.additionalProperties).toBe(false);
    for (const field of Object.values(schema.definitions['x-cache']!.properties!)) expect((field as { description?: string }).description).toBeTruthy();
  });

  it('accepts the specs this repository ships, as written', () => {
    for (const file of ['../../examples/catalog/openapi.yaml', '../fixtures/specs/safe/catalog.yaml']) {
      expect(errorsOf(parse(readFileSync(new URL(file, import.meta.url), 'utf8'))), file).toEqual([]);
    }
  });

  it('flags what lint flags in x-cache, at its place in the document, and nothing outside the extensions', () => {
    const spec = parse(`
openapi: 3.1.0
info: { title: t, version: "1" }
x-cache-defaults: { swr: 30s }
paths:
  /a:
    summary: anything OpenAPI allows is left alone
    get:
      x-cache: { ttl: 5m, tll: 5 }
      x-whatever: true
    put:
      x-cache-invalidates: [a, 5]
  /b:
    get:
      x-cache: { ttl: 5 minutes, scope: shared, key: { query: [q], ignoreQuery: [r] } }
`);
    expect(errorsOf(spec)).toEqual([
      "/paths/~1a/get/x-cache must NOT have additional properties",
      '/paths/~1a/put/x-cache-invalidates/1 must be string',
      '/paths/~1b/get/x-cache/ttl must be integer',
      '/paths/~1b/get/x-cache/ttl must match pattern "^(\\d+)(s|m|h|d)$"',
      '/paths/~1b/get/x-cache/ttl must match a schema in anyOf',
      '/paths/~1b/get/x-cache/scope must be equal to one of the allowed values',
      '/paths/~1b/get/x-cache/key must match exactly one schema in oneOf',
    ]);
  });
});
