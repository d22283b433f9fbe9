/** The real binary: help, exit codes, output formats, explain, init and watch. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachegen, ensureBuilt, repo, startCachegen } from './cli-helpers.js';
import { fixture, specsDir } from './fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'cachegen-cli-'));
beforeAll(ensureBuilt, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('help and usage', () => {
  it('lists the commands', async () => {
    const result = await cachegen(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['generate', 'lint', 'check', 'explain', 'init', 'watch']) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('exits 2 with the usage when no command is given', async () => {
    expect((await cachegen([])).code).toBe(2);
  });

  it.each(['lint', 'explain', 'init', 'watch'])('%s --help', async (name) => {
    const result = await cachegen([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`Usage: cachegen ${name}`)).toBe(true);
  });

  it('names an unknown option and exits 2', async () => {
    const result = await cachegen(['lint', '--frmat', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--frmat'");
  });

  it('names a bad --format value', async () => {
    const result = await cachegen(['lint', fixture('safe/catalog.yaml'), '--format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format must be one of pretty, json, sarif, github (got "xml")');
  });
});

describe('cachegen lint', () => {
  it('prints the json contract and exits 1 on errors', async () => {
    const result = await cachegen(['lint', fixture('rules/no-store-violation.bad.yaml'), '--format', 'json']);
    expect(result.code).toBe(1);
    const { problems } = JSON.parse(result.stdout) as { problems: Array<Record<string, unknown>> };
    expect(problems.map((p) => [p.rule, p.severity, p.file, p.line, p.column])).toEqual([
      ['no-store-violation', 'error', fixture('rules/no-store-violation.bad.yaml'), 8, 9],
      ['no-store-violation', 'error', fixture('rules/no-store-violation.bad.yaml'), 9, 9],
      ['no-store-violation', 'error', fixture('rules/no-store-violation.bad.yaml'), 16, 7],
      ['no-store-violation', 'warning', fixture('rules/no-store-violation.bad.yaml'), 29, 9],
    ]);
  });

  it('exits 0 when there are only warnings', async () => {
    const result = await cachegen(['lint', 'rules/high-cardinality-vary.bad.yaml'], specsDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rules/high-cardinality-vary.bad.yaml:8:9 warning');
    expect(result.stdout).toContain('0 errors, 1 warning');
  });

  it('prints a clean result without colours when stdout is not a TTY', async () => {
    const result = await cachegen(['lint', fixture('safe/catalog.yaml')]);
    expect(result).toEqual({ code: 0, stdout: 'No problems found.\n', stderr: '' });
  });

  it('writes SARIF 2.1.0 and GitHub annotations', async () => {
    const sarif = await cachegen(['lint', 'rules/vary-star.bad.yaml', '--format', 'sarif'], specsDir);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'rules/vary-star.bad.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 8, startColumn: 9 } });
    const github = await cachegen(['lint', 'rules/vary-star.bad.yaml', '--format', 'github'], specsDir);
    expect(github.stdout).toMatch(/^::error file=rules\/vary-star\.bad\.yaml,line=8,col=9,title=cachegen vary-star::GET \/a has vary/);
  });

  it('names the file and position of a spec that does not parse, and exits 2', async () => {
    const result = await cachegen(['lint', fixture('broken/bad.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${fixture('broken/bad.json')}:5:69: is not valid JSON`);
  });

  it('names the path it tried for a missing spec', async () => {
    const result = await cachegen(['lint', 'nope.yaml'], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(work, 'nope.yaml')}: file not found`);
  });
});

describe('cachegen explain', () => {
  it('shows the effective policy, key parts and the exact headers', async () => {
    const result = await cachegen(['explain', fixture('safe/catalog.yaml'), '--operation', 'searchProducts']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'searchProducts  GET /search',
        '  policy         ttl 300s · swr 30s · stale-if-error 300s · scope public',
        '  key            operation searchProducts + query q only + headers accept-language',
        '  tags           products:list',
        '  Cache-Control  public, max-age=300, stale-while-revalidate=30, stale-if-error=300',
        '  Vary           Accept-Language',
        '  defaults       swr, staleIfError from x-cache-defaults',
        '',
      ].join('\n'),
    );
  });

  it('prints json for every operation', async () => {
    const result = await cachegen(['explain', fixture('safe/catalog.yaml'), '--format', 'json']);
    const { operations } = JSON.parse(result.stdout) as { operations: Array<Record<string, unknown>> };
    expect(operations).toHaveLength(16);
    expect(operations.find((o) => o.operationId === 'getProfile')).toMatchObject({ cached: true, cacheControl: 'private, max-age=30, stale-while-revalidate=30, stale-if-error=300' });
    expect(operations.find((o) => o.operationId === 'getSession')).toMatchObject({ cached: false, cacheControl: 'no-store' });
    expect(operations.find((o) => o.operationId === 'deleteProduct')).toEqual({ operationId: 'deleteProduct', method: 'DELETE', path: '/products/{id}', cached: false, invalidates: ['product:{id}', 'products:list'] });
  });

  it('names an unknown operation', async () => {
    const result = await cachegen(['explain', fixture('safe/catalog.yaml'), '--operation', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no operation "nope"');
  });
});

describe('cachegen init', () => {
  const original = `# Our API. Comments and layout must survive init.
openapi: 3.1.0
info:
  title: Shop   # trailing comment
  version: "1"
paths:
  /items:
    get:
      summary: List items

      responses:
        "200":
          description: ok
  /items/{id}:
    get:
      security: [{ bearer: [] }]
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200": { description: ok }
    delete:
      responses:
        "204": { description: ok }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
`;

  it('writes a config, annotates GETs by inserting lines only, and the result lints clean', async () => {
    const dir = join(work, 'init-yaml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.yaml'), original);
    const result = await cachegen(['init'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote cache.config.ts');
    expect(result.stdout).toContain('annotated 2 operations in ./openapi.yaml: getItems, getItemsById');
    const annotated = readFileSync(join(dir, 'openapi.yaml'), 'utf8');
    const added = annotated.split('\n').filter((line) => !original.split('\n').includes(line));
    expect(added).toEqual(['      x-cache:', '        ttl: 60', '        swr: 30', '      x-cache:', '        ttl: 30', '        scope: private']);
    // Removing the inserted lines gives back the original byte for byte.
    expect(annotated.replace(/ {6}x-cache:\n( {8}\w+: \w+\n)+/g, '')).toBe(original);
    const config = readFileSync(join(dir, 'cache.config.ts'), 'utf8');
    expect(config).toContain(`spec: './openapi.yaml',`);
    expect(config).toContain(`output: './src/generated',`);
    expect(config).toContain(`handlers: './src/handlers',`);
    const lint = await cachegen(['lint'], dir);
    expect(lint.stdout).toContain('0 errors, 1 warning'); // DELETE /items/{id} invalidates nothing yet
    expect(lint.code).toBe(0);
    // Running init again changes nothing.
    const again = await cachegen(['init'], dir);
    expect(again.stdout).toContain('kept ./cache.config.ts');
    expect(again.stdout).toContain('no GET operation without x-cache: spec unchanged');
    expect(readFileSync(join(dir, 'openapi.yaml'), 'utf8')).toBe(annotated);
  });

  it('--dry-run prints each added line under the operation it belongs to, and writes nothing', async () => {
    const dir = join(work, 'init-dry-run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.yaml'), original);
    const result = await cachegen(['init', '--dry-run'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        'would write cache.config.ts',
        'would annotate 2 operations in ./openapi.yaml: getItems, getItemsById',
        './openapi.yaml:9 getItems (GET /items):',
        '  +       x-cache:',
        '  +         ttl: 60',
        '  +         swr: 30',
        './openapi.yaml:16 getItemsById (GET /items/{id}):',
        '  +       x-cache:',
        '  +         ttl: 30',
        '  +         scope: private',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'openapi.yaml'), 'utf8')).toBe(original);
    expect(existsSync(join(dir, 'cache.config.ts'))).toBe(false);
  });

  it('writes a config that makes the first generate write the handler stubs', async () => {
    const dir = join(work, 'init-generate');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.yaml'), original);
    expect((await cachegen(['init'], dir)).code).toBe(0);
    const generate = await cachegen(['generate'], dir);
    expect(generate.code).toBe(0);
    expect(readdirSync(join(dir, 'src/generated')).sort()).toEqual(['client.ts', 'index.ts', 'operations.ts', 'server.ts', 'types.ts']);
    expect(readFileSync(join(dir, 'src/handlers/index.ts'), 'utf8')).toContain("import type { Handlers } from '../generated/server.js';");
  });

  it('annotates a JSON spec and keeps it valid JSON', async () => {
    const dir = join(work, 'init-json');
    cpSync(fixture('safe/petstore-3.0.json'), join(dir, 'openapi.json'));
    const spec = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8'));
    delete spec.paths['/pets/{petId}'].get['x-cache'];
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(spec, null, 2) + '\n');
    const result = await cachegen(['init', '--no-annotate'], dir);
    expect(result.stdout).toBe('wrote cache.config.ts\n');
    const annotate = await cachegen(['init', 'openapi.json'], dir);
    expect(annotate.code).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8'));
    expect(after.paths['/pets/{petId}'].get['x-cache']).toEqual({ ttl: 60, swr: 30 });
    expect({ ...after, paths: { ...after.paths, '/pets/{petId}': { ...after.paths['/pets/{petId}'], get: { ...after.paths['/pets/{petId}'].get, 'x-cache': undefined } } } }).toEqual(
      JSON.parse(JSON.stringify({ ...spec, paths: { ...spec.paths, '/pets/{petId}': { ...spec.paths['/pets/{petId}'], get: { ...spec.paths['/pets/{petId}'].get, 'x-cache': undefined } } } })),
    );
  });
});

describe('cachegen watch', () => {
  it('lints again when the spec changes', async () => {
    const dir = join(work, 'watch');
    cpSync(fixture('rules/vary-star.good.yaml'), join(dir, 'openapi.yaml'));
    const watcher = startCachegen(['watch', 'openapi.yaml', '--lint-only'], dir);
    try {
      const first = await watcher.waitFor(/watching 1 file/);
      expect(first).toContain('No problems found.');
      const next = watcher.waitFor(/watching 1 file/);
      writeFileSync(join(dir, 'openapi.yaml'), readFileSync(fixture('rules/vary-star.bad.yaml'), 'utf8'));
      expect(await next).toContain('openapi.yaml:8:9 error GET /a has vary: ["*"]');
    } finally {
      watcher.child.kill('SIGTERM');
    }
  });
});

describe('cachegen watch --cwd', () => {
  it('lints and generates the project in the folder --cwd names, not in the one it started in', async () => {
    const parent = join(work, 'watch-cwd');
    const sub = join(parent, 'sub');
    mkdirSync(sub, { recursive: true });
    cpSync(fixture('safe/catalog.yaml'), join(sub, 'openapi.yaml'));
    writeFileSync(join(sub, 'cache.config.mjs'), "export default { spec: './openapi.yaml', output: './gen' };\n");
    const watcher = startCachegen(['watch', '--cwd', 'sub'], parent);
    try {
      expect(await watcher.waitFor(/generate (done|failed)/)).toContain('generate done');
      expect(readdirSync(join(sub, 'gen')).sort()).toEqual(['client.ts', 'index.ts', 'operations.ts', 'server.ts', 'types.ts']);
      expect(existsSync(join(parent, 'gen'))).toBe(false);
    } finally {
      watcher.child.kill('SIGTERM');
    }
  });
});

describe('redocly plugin from its built file', () => {
  it('loads by path, as redocly.yaml `plugins:` does, and reports through redocly lint', () => {
    // In a plain node process, as a user runs it: the built plugin resolves @cachegen/runtime to its
    // built files there (this test process resolves packages to their TypeScript sources).
    const script = `
      import { createConfig, lint } from '@redocly/openapi-core';
      const config = await createConfig({ plugins: [${JSON.stringify(join(repo, 'generator/dist/lint/redocly-plugin.js'))}], extends: ['cachegen/recommended'] });
      const problems = await lint({ ref: ${JSON.stringify(fixture('rules/vary-star.bad.yaml'))}, config });
      console.log(JSON.stringify(problems.filter((p) => p.ruleId.startsWith('cachegen/')).map((p) => [p.ruleId, p.severity, p.location[0].pointer])));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([['cachegen/vary-star', 'error', '#/paths/~1a/get/x-cache/vary']]);
  });
});

