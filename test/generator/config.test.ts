/** cache.config.ts: loaded without a build step, validated, paths resolved; bad options are named. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defineConfig, loadConfig, loadProject } from 'cachegen';
import { fixture } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'cachegen-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function project(config: string, fileName = 'cache.config.ts'): string {
  const dir = join(root, String(++counter));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, fileName), config);
  return dir;
}

describe('loadConfig', () => {
  it('loads a TypeScript config that imports cachegen/config and resolves its paths', async () => {
    const dir = project(`import { defineConfig } from 'cachegen/config';
const ttlMax: string = '1h';
export default defineConfig({
  spec: './api/openapi.yaml',
  output: './src/generated',
  handlers: './src/handlers',
  lint: { rules: { 'ttl-exceeds-max': ['error', { max: ttlMax }], 'missing-ttl': 'off' } },
  cdc: { postgres: { tables: { products: { tags: ['product:{id}'] } } } },
  dashboard: { title: 'Shop' },
});
`);
    const config = await loadConfig({ cwd: dir });
    expect(config).toMatchObject({
      spec: join(dir, 'api/openapi.yaml'),
      output: join(dir, 'src/generated'),
      handlers: join(dir, 'src/handlers'),
      configFile: join(dir, 'cache.config.ts'),
      root: dir,
      lint: { rules: { 'ttl-exceeds-max': ['error', { max: '1h' }], 'missing-ttl': 'off' } },
      cdc: { postgres: { tables: { products: { tags: ['product:{id}'] } } } },
      dashboard: { title: 'Shop' },
    });
  });

  it('loads an explicit --config file (.mjs)', async () => {
    const dir = project(`export default { spec: 'a.yaml', output: 'out' };\n`, 'other.config.mjs');
    expect((await loadConfig({ cwd: dir, file: 'other.config.mjs' })).spec).toBe(join(dir, 'a.yaml'));
  });

  const bad: Array<[what: string, body: string, message: RegExp]> = [
    ['a missing spec', `export default { output: 'out' }`, /\n {2}spec: is required/],
    ['a wrong type, by option path', `export default { spec: 'a', output: 'b', handlers: 5 }`, /\n {2}handlers: Invalid input: expected string/],
    ['a required option of the wrong type', `export default { spec: 'a', output: 5 }`, /\n {2}output: must be a string: the folder generated files are written to/],
    ['an unknown option, with the closest valid one', `export default { spec: 'a', outptu: 'b', output: 'b' }`, /\n {2}outptu: unknown option \(did you mean "output"\?\)/],
    ['an unknown option with no close one', `export default { spec: 'a', output: 'b', runtime: {} }`, /\n {2}runtime: unknown option$/m],
    ['an unknown rule, with the closest one', `export default { spec: 'a', output: 'b', lint: { rules: { 'ttl-exceed-max': 'error' } } }`, /lint\.rules\.ttl-exceed-max: unknown rule \(did you mean "ttl-exceeds-max"\?\)/],
    ['an unknown rule with no close one', `export default { spec: 'a', output: 'b', lint: { rules: { 'no-such-rule': 'error' } } }`, /lint\.rules\.no-such-rule: unknown rule \(rules: no-cache-on-mutation, /],
    ['a bad level', `export default { spec: 'a', output: 'b', lint: { rules: { 'vary-star': 'fatal' } } }`, /lint\.rules\.vary-star: must be "off", "warn", "error"/],
    ['a negative duration in rule options', `export default { spec: 'a', output: 'b', lint: { rules: { 'ttl-exceeds-max': ['warn', { max: -1 }] } } }`, /lint\.rules\.ttl-exceeds-max: max must be a duration above 0: whole seconds \(300\) or a duration such as "5m"/],
    ['a duration without its unit', `export default { spec: 'a', output: 'b', lint: { rules: { 'ttl-exceeds-max': ['warn', { max: '5 minutes' }] } } }`, /lint\.rules\.ttl-exceeds-max: max must be a duration above 0/],
    ['a dashboard typo', `export default { spec: 'a', output: 'b', dashboard: { titel: 'Shop' } }`, /dashboard\.titel: unknown option \(did you mean "title"\?\)/],
    ['a cdc typo, deep', `export default { spec: 'a', output: 'b', cdc: { postgres: { tables: { products: { tags: ['x'], tabelTag: 'p' } } } } }`, /cdc\.postgres\.tables\.products\.tabelTag: unknown option \(did you mean "tableTag"\?\)/],
    ['a bad tag template in cdc, by index', `export default { spec: 'a', output: 'b', cdc: { postgres: { tables: { products: { tags: ['ok', 'product:{id'] } } } } }`, /cdc\.postgres\.tables\.products\.tags\[1\]: /],
    ['a syntax error', `export default {`, /cache\.config\.ts: cannot be loaded/],
  ];
  it.each(bad)('names %s', async (_what, body, message) => {
    const dir = project(body);
    const error = await loadConfig({ cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(join(dir, 'cache.config.ts'));
  });

  it('reports every problem of every section in one run, each on its own line with its path', async () => {
    const dir = project(`export default {
  output: 5,
  handler: './src/handlers',
  lint: { rules: { 'ttl-exceeds-max': ['warn', { max: 'forever' }], 'vary-star': 'loud' } },
  dashboard: { prefix: '9bad' },
  cdc: { postgres: { tables: {} } },
};
`);
    const message = ((await loadConfig({ cwd: dir }).catch((e: unknown) => e)) as Error).message;
    expect(message.split('\n').slice(1).map((line) => line.trim().split(':')[0])).toEqual([
      'spec',
      'output',
      'lint.rules.vary-star',
      'handler',
      'lint.rules.ttl-exceeds-max',
      'dashboard.prefix',
      'cdc.postgres.tables',
    ]);
    expect(message).toContain('handler: unknown option (did you mean "handlers"?)');
  });

  it('names the files it tried when there is no config', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir, { recursive: true });
    await expect(loadConfig({ cwd: dir })).rejects.toThrow(`no config found: tried ${join(dir, 'cache.config.ts')}`);
  });

  it('defineConfig returns its argument (typing only)', () => {
    const config = { spec: 'a', output: 'b' };
    expect(defineConfig(config)).toBe(config);
  });
});

describe('loadProject', () => {
  it('reads a rule\'s duration option in seconds or with a unit', async () => {
    const spec = JSON.stringify(fixture('rules/ttl-exceeds-max.bad.yaml')); // ttl 7 days, sMaxAge 30 days
    const limit = async (max: string | number) => {
      const dir = project(`export default { spec: ${spec}, output: 'out', lint: { rules: { 'ttl-exceeds-max': ['error', { max: ${JSON.stringify(max)} }] } } };\n`);
      return (await loadProject({ cwd: dir })).problems.map((p) => p.message.match(/sets (\w+)/)?.[1]);
    };
    expect(await limit('7d')).toEqual(['sMaxAge']);
    expect(await limit(604_800)).toEqual(['sMaxAge']);
    expect(await limit('6d')).toEqual(['ttl', 'sMaxAge']);
    expect(await limit('30d')).toEqual([]);
  });

  it('applies the config\'s rule levels', async () => {
    const dir = project(`export default { spec: ${JSON.stringify(fixture('rules/ttl-exceeds-max.bad.yaml'))}, output: 'out', lint: { rules: { 'ttl-exceeds-max': 'error' } } };\n`);
    const { problems, ir, config } = await loadProject({ cwd: dir });
    expect(problems.map((p) => p.severity)).toEqual(['error', 'error']);
    expect(ir.operations).toHaveLength(1);
    expect(config.output).toBe(join(dir, 'out'));
  });

  it('works from --spec alone when there is no config file', async () => {
    const dir = join(root, 'no-config');
    mkdirSync(dir, { recursive: true });
    const { problems, config } = await loadProject({ cwd: dir, spec: fixture('safe/catalog.yaml') });
    expect(problems).toEqual([]);
    expect(config.configFile).toBeUndefined();
  });
});
