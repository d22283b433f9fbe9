/** The rules as a Redocly plugin, run through openapi-core's own lint API. */
import { createConfig, lint as redoclyLint } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { cachegenRedoclyPlugin } from '../../generator/lint/redocly-plugin.js';
import { fixture } from './fixtures.js';

async function run(spec: string, rules: Record<string, unknown>) {
  const config = await createConfig({ plugins: [cachegenRedoclyPlugin as never], rules: rules as never });
  const problems = await redoclyLint({ ref: fixture(spec), config });
  return problems
    .filter((p) => p.ruleId.startsWith('cachegen/'))
    .map((p) => ({ rule: p.ruleId, severity: p.severity, file: p.location[0]!.source.absoluteRef, pointer: p.location[0]!.pointer, message: p.message }));
}

describe('redocly plugin', () => {
  it('reports cachegen problems through redocly lint, in the file that holds them', async () => {
    const problems = await run('multi-file/openapi.yaml', { 'cachegen/unknown-tag-parameter': 'error', 'cachegen/no-store-violation': 'error' });
    expect(problems.map(({ rule, severity, file, pointer }) => [rule, severity, file, pointer]).sort()).toEqual([
      ['cachegen/no-store-violation', 'error', fixture('multi-file/paths/user.yaml'), '#/get/x-cache'],
      ['cachegen/unknown-tag-parameter', 'error', fixture('multi-file/paths/orders.yaml'), '#/get/x-cache/tags/1'],
    ]);
  });

  it('keeps per-report severities and honours rule options', async () => {
    const sorted = (list: Awaited<ReturnType<typeof run>>) => list.map((p) => [p.rule, p.severity, p.pointer]).sort();
    expect(sorted(await run('rules/no-store-violation.bad.yaml', { 'cachegen/no-store-violation': 'error' }))).toEqual([
      ['cachegen/no-store-violation', 'error', '#/paths/~1login/get/x-cache/scope'],
      ['cachegen/no-store-violation', 'error', '#/paths/~1login/get/x-cache/ttl'],
      ['cachegen/no-store-violation', 'error', '#/paths/~1users~1{id}/get/x-cache'],
      ['cachegen/no-store-violation', 'warn', '#/paths/~1me~1settings/get/x-cache/scope'],
    ]);
    expect(await run('rules/ttl-exceeds-max.bad.yaml', { 'cachegen/ttl-exceeds-max': { severity: 'warn', max: 1_000_000 } })).toHaveLength(1);
    expect(await run('rules/ttl-exceeds-max.bad.yaml', { 'cachegen/ttl-exceeds-max': 'off' })).toEqual([]);
  });

  it('finds nothing on a well-annotated spec with every rule on', async () => {
    const all = Object.fromEntries(Object.keys(cachegenRedoclyPlugin.rules.oas3).map((id) => [`cachegen/${id}`, 'error']));
    expect(await run('safe/catalog.yaml', all)).toEqual([]);
    expect((await run('rules/vary-star.bad.yaml', all)).map((p) => p.rule)).toEqual(['cachegen/vary-star']);
  });
});
