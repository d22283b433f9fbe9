/** The x-cache zod schema and the JSON Schema published from it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXCache } from 'cachegen';
import { jsonSchemaText } from '../../generator/schema/publish.js';

describe('validateXCache', () => {
  const valid = [{}, { ttl: 600, swr: 60, staleIfError: 300, scope: 'public', sMaxAge: 7200, vary: ['Accept-Language'], tags: ['product:{id}'], revalidate: false, sensitive: false, key: { ignoreQuery: ['utm_*'] } }, { key: { query: ['q'] } }, { vary: ['*'] }];
  it.each(valid)('accepts %j', (value) => {
    expect(validateXCache(value)).toEqual({ value, issues: [] });
  });

  const invalid: Array<[value: unknown, issues: Array<[path: Array<string | number>, message: RegExp]>, kept: Record<string, unknown>]> = [
    [{ ttl: -1, swr: 5 }, [[['ttl'], /0 or more/]], { swr: 5 }],
    [{ ttl: 1.5 }, [[['ttl'], /whole number/]], {}],
    [{ scope: 'shared', ttl: 5 }, [[['scope'], /public.*private/]], { ttl: 5 }],
    [{ vary: ['Accept Language'] }, [[['vary', 0], /header name/]], {}],
    [{ tll: 5, ttl: 5 }, [[['tll'], /unknown field "tll"/]], { ttl: 5 }],
    [{ key: { query: [], ignoreQuery: [] } }, [[['key'], /not both/]], {}],
    [{ sensitive: 'yes' }, [[['sensitive'], /boolean/]], {}],
  ];
  it.each(invalid)('rejects %j, keeping the valid fields', (value, issues, kept) => {
    const result = validateXCache(value);
    expect(result.value).toEqual(kept);
    expect(result.issues.map((i) => i.path)).toEqual(issues.map(([path]) => path));
    result.issues.forEach((issue, i) => expect(issue.message).toMatch(issues[i]![1]));
  });
});

it('generator/schema/x-cache.schema.json is up to date (regenerate: npx tsx generator/schema/publish.ts)', () => {
  const committed = readFileSync(new URL('../../generator/schema/x-cache.schema.json', import.meta.url), 'utf8');
  expect(committed).toBe(jsonSchemaText());
  const schema = JSON.parse(committed) as { $defs: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }> };
  expect(Object.keys(schema.$defs)).toEqual(['x-cache', 'x-cache-invalidates', 'x-cache-defaults']);
  expect(Object.keys(schema.$defs['x-cache']!.properties!)).toEqual(['ttl', 'swr', 'staleIfError', 'scope', 'sMaxAge', 'vary', 'tags', 'revalidate', 'sensitive', 'key']);
  expect(schema.$defs['x-cache']!.additionalProperties).toBe(false);
});
