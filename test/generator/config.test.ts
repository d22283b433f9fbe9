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
const ttlMax: number = 3600;
export default defineConfig({
  spec: './api/openapi.yaml',
  output: './src/generated',
  handlers: './src/handlers',
  lint: { rules: { 'ttl-exceeds-max': ['error', { max: ttlMax }], 'missing-ttl': 'off' } },
  runtime: { l1: { maxBytes: 1024 }, l2: { redis: 'redis://localhost:6379' }, keys: { secretEnv: 'CACHE_KEY_SECRET' } },
  cdc: { anything: ['goes', 'to', 'the', 'cdc', 'schema'] },
});
`);
    const config = await loadConfig({ cwd: dir });
    expect(config).toMatchObject({
      spec: join(dir, 'api/openapi.yaml'),
      output: join(dir, 'src/generated'),
      handlers: join(dir, 'src/handlers'),
      configFile: join(dir, 'cache.config.ts'),
      root: dir,
      lint: { rules: { 'ttl-exceeds-max': ['error', { max: 3600 }], 'missing-ttl': 'off' } },
      runtime: { l1: { maxBytes: 1024 } },
      cdc: { anything: ['goes', 'to', 'the', 'cdc', 'schema'] },
    });
  });

  it('loads an explicit --config file (.mjs)', async () => {
    const dir = project(`export default { spec: 'a.yaml', output: 'out' };\n`, 'other.config.mjs');
    expect((await loadConfig({ cwd: dir, file: 'other.config.mjs' })).spec).toBe(join(dir, 'a.yaml'));
  });

  const bad: Array<[what: string, body: string, message: RegExp]> = [
    ['a missing spec', `export default { output: 'out' }`, /spec: is required/],
    ['a wrong type, by option path', `export default { spec: 'a', output: 'b', runtime: { l1: { maxBytes: 'lots' } } }`, /runtime\.l1\.maxBytes: /],
    ['an unknown option', `export default { spec: 'a', output: 'b', runtme: {} }`, /runtme: unknown option/],
    ['an unknown rule', `export default { spec: 'a', output: 'b', lint: { rules: { 'no-such-rule': 'error' } } }`, /lint\.rules\.no-such-rule: unknown rule/],
    ['a bad level', `export default { spec: 'a', output: 'b', lint: { rules: { 'vary-star': 'fatal' } } }`, /lint\.rules\.vary-star: must be "off", "warn", "error"/],
    ['bad rule options', `export default { spec: 'a', output: 'b', lint: { rules: { 'ttl-exceeds-max': ['warn', { max: -1 }] } } }`, /lint\.rules\.ttl-exceeds-max: max must be a positive integer/],
    ['a syntax error', `export default {`, /cache\.config\.ts: cannot be loaded/],
  ];
  it.each(bad)('names %s', async (_what, body, message) => {
    const dir = project(body);
    const error = await loadConfig({ cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(join(dir, 'cache.config.ts'));
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
