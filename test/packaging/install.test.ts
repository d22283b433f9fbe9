/**
 * The packed install: docs/getting-started.md followed from an empty folder, against the two
 * packages packed as npm would publish them. The files it writes are the page's own code blocks
 * (the fence names the file: ```ts src/server.ts), the commands it runs must appear on the page in
 * this order, and the responses it checks are the ones the page shows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../generator/cli-helpers.js';
import { INSTALL_FLAGS, packPackages, repo, run, scratchEnv, type Tarballs } from './packed.js';

const page = readFileSync(join(repo, 'docs/getting-started.md'), 'utf8');

/** The runtime's subpaths whose peers the app has (fastify) or that need none at load. */
const RUNTIME_SUBPATHS = ['@cachegen/runtime', '@cachegen/runtime/fastify', '@cachegen/runtime/edge'];

/** The commands this test runs, written as the page writes them. */
const STEPS = {
  newApp: 'npm init -y && npm pkg set type=module',
  runtime: 'npm i @cachegen/runtime fastify',
  tools: 'npm i -D cachegen typescript@5 @types/node@20',
  init: 'npx cachegen init',
  lint: 'npx cachegen lint',
  generate: 'npx cachegen generate',
  secret: `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`,
  compile: 'npx tsc',
  start: 'node dist/server.js',
} as const;

/** The files the page shows, by the path after the fence's language: ```yaml openapi.yaml */
function pageFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, path, body] of markdown.matchAll(/^```\w+ (\S+)\n([\s\S]*?)^```$/gm)) files.set(path!, body!);
  return files;
}

const files = pageFiles(page);
const { version } = JSON.parse(readFileSync(join(repo, 'generator/package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'cachegen-packed-'));
const app = join(work, 'shop');
let tarballs: Tarballs;
let server: ChildProcess | undefined;
let baseUrl = '';

/** Runs one of the page's commands in the app, with the packed tarballs in place of the registry's packages. */
function step(command: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const [program, ...args] = command.split(' ');
  const packed = args.map((arg) => (arg === '@cachegen/runtime' ? tarballs.runtime : arg === 'cachegen' && program === 'npm' ? tarballs.cachegen : arg));
  const install = program === 'npm' && args[0] === 'i';
  return run(program!, install ? [...packed, ...INSTALL_FLAGS] : packed, app, env);
}

function writeFromPage(path: string): void {
  const body = files.get(path);
  if (body === undefined) throw new Error(`docs/getting-started.md shows no \`${path}\` block`);
  mkdirSync(dirname(join(app, path)), { recursive: true });
  writeFileSync(join(app, path), body);
}

/** Starts `node dist/server.js` and resolves to the URL it prints once listening. */
function startServer(env: NodeJS.ProcessEnv): Promise<string> {
  const [program, ...args] = STEPS.start.split(' ');
  const child = spawn(program!, args, { cwd: app, env: scratchEnv(env) });
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /shop API on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  await ensureBuilt();
  tarballs = await packPackages(work);
  mkdirSync(app);
}, 600_000);

afterAll(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('docs/getting-started.md from an empty folder, on the packed packages', () => {
  it('gives every step this test runs, in this order', () => {
    const at = Object.values(STEPS).map((command) => page.indexOf(command));
    expect(at.every((index) => index >= 0), `missing from the page: ${Object.values(STEPS).filter((_, i) => at[i]! < 0).join(' | ')}`).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect([...files.keys()]).toEqual(['openapi.yaml', 'cache.config.ts', 'src/handlers/index.ts', 'src/server.ts', 'tsconfig.json']);
  });

  it('installs the runtime with no third-party dependency of its own, then the tools', async () => {
    for (const command of STEPS.newApp.split(' && ')) await step(command);
    await step(STEPS.runtime);
    const runtime = JSON.parse(readFileSync(join(app, 'node_modules/@cachegen/runtime/package.json'), 'utf8')) as Record<string, unknown>;
    expect(runtime.dependencies).toBeUndefined();
    expect(existsSync(join(app, 'node_modules/ioredis')), 'ioredis is an optional peer: not installed unless asked for').toBe(false);
    await step(STEPS.tools);
    expect((await run('npx', ['cachegen', '--version'], app)).trim()).toBe(version);
  }, 180_000);

  it('require() loads the runtime and its subpaths from CommonJS (no top-level await)', async () => {
    const script = `
      const { createCache } = require('@cachegen/runtime');
      const { reply } = require('@cachegen/runtime/fastify');
      const cache = createCache();
      cache.getOrSet('k', async () => 'loaded once', { ttl: 60 })
        .then(() => cache.getOrSet('k', async () => 'loaded twice', { ttl: 60 }))
        .then((value) => console.log(JSON.stringify({ value, reply: typeof reply })));`;
    const out = await run('node', ['--input-type=commonjs', '-e', script], app);
    expect(JSON.parse(out)).toEqual({ value: 'loaded once', reply: 'function' });
  });

  it('names the package to install when a feature needs a missing optional peer', async () => {
    const script = `
      const { createCache } = require('@cachegen/runtime');
      const failures = [];
      try { createCache({ l2: { redis: 'redis://127.0.0.1:1' } }); } catch (e) { failures.push([e.code, e.message]); }
      import('@cachegen/runtime/prometheus').catch((e) => failures.push([e.code, e.message]))
        .then(() => console.log(JSON.stringify(failures)));`;
    const failures = JSON.parse(await run('node', ['--input-type=commonjs', '-e', script], app)) as Array<[string, string]>;
    expect(failures).toHaveLength(2);
    expect(failures[0]![0]).toBe('CACHEGEN_MISSING_PEER');
    expect(failures[0]![1]).toContain('npm i ioredis');
    expect(failures[1]![0]).toBe('CACHEGEN_MISSING_PEER');
    expect(failures[1]![1]).toContain('npm i prom-client');
  });

  it('exposes the entry points the docs name: cachegen, cachegen/config, the Redocly plugin, the x-cache JSON Schema, the runtime subpaths', async () => {
    const script = `
      const schema = require('cachegen/x-cache.schema.json');
      Promise.all(['cachegen', 'cachegen/config', 'cachegen/redocly', ...${JSON.stringify(RUNTIME_SUBPATHS)}].map((name) => import(name).then((m) => [name, Object.keys(m).length > 0])))
        .then((loaded) => console.log(JSON.stringify({ schema: Object.keys(schema.definitions), loaded: Object.fromEntries(loaded) })));`;
    const out = JSON.parse(await run('node', ['--input-type=commonjs', '-e', script], app)) as { schema: string[]; loaded: Record<string, boolean> };
    expect(out.schema).toContain('x-cache');
    expect(Object.values(out.loaded).every(Boolean), JSON.stringify(out.loaded)).toBe(true);
    // docs/cli.md: redocly.yaml names the plugin by this path.
    expect(existsSync(join(app, 'node_modules/cachegen/dist/lint/redocly-plugin.js'))).toBe(true);
  });

  it('init writes the config the page shows; lint passes; generate writes the files and the handler stubs', async () => {
    writeFromPage('openapi.yaml');
    expect(await step(STEPS.init)).toContain('wrote cache.config.ts');
    expect(readFileSync(join(app, 'cache.config.ts'), 'utf8')).toBe(files.get('cache.config.ts'));
    expect(await step(STEPS.lint)).toContain('No problems found.');
    const sarif = JSON.parse(await step(`${STEPS.lint} --format sarif`)) as { runs: Array<{ tool: { driver: { version: string } } }> };
    expect(sarif.runs[0]!.tool.driver.version).toBe(version);
    await step(STEPS.generate);
    for (const file of ['types.ts', 'operations.ts', 'server.ts', 'client.ts', 'index.ts']) expect(existsSync(join(app, 'src/generated', file)), file).toBe(true);
    const stubs = readFileSync(join(app, 'src/handlers/index.ts'), 'utf8');
    for (const operation of ['getProduct', 'updateProduct', 'getProfile']) expect(stubs).toContain(`${operation} (`);
  }, 120_000);

  it('compiles with tsc under strict, skipLibCheck off, without the optional peers installed', async () => {
    writeFromPage('src/handlers/index.ts');
    writeFromPage('src/server.ts');
    writeFromPage('tsconfig.json');
    const options = (JSON.parse(files.get('tsconfig.json')!) as { compilerOptions: Record<string, unknown> }).compilerOptions;
    expect(options.strict).toBe(true);
    expect(options.skipLibCheck ?? false).toBe(false);
    await step(STEPS.compile);
    expect(existsSync(join(app, 'dist/server.js'))).toBe(true);
  }, 180_000);

  it('serves a miss, a hit with its headers, an invalidation, and private entries per caller', async () => {
    const secret = (await run('sh', ['-c', STEPS.secret], app)).trim();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    baseUrl = await startServer({ PORT: '0', CACHEGEN_KEY_SECRET: secret });

    const get = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(baseUrl + path, { headers });
      return { status: response.status, headers: response.headers, body: await response.json() };
    };
    const miss = await get('/products/1');
    expect(miss.status).toBe(200);
    expect(miss.body).toEqual({ id: 1, name: 'Teapot', price: 25 });
    expect(miss.headers.get('cache-status')).toMatch(/^cachegen; fwd=miss; stored/);

    const hit = await get('/products/1');
    expect(hit.body).toEqual(miss.body);
    expect(hit.headers.get('cache-status')).toMatch(/^cachegen; hit; ttl=\d+$/);
    expect(hit.headers.get('cache-control')).toBe('public, max-age=600');
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    for (const shown of ['cache-status: cachegen; fwd=miss; stored', 'cache-status: cachegen; hit; ttl=', 'cache-control: public, max-age=600']) expect(page).toContain(shown);

    const put = await fetch(baseUrl + '/products/1', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"id":1,"name":"Teapot","price":30}' });
    expect(put.status).toBe(200);
    const after = await get('/products/1');
    expect(after.body).toEqual({ id: 1, name: 'Teapot', price: 30 });
    expect(after.headers.get('cache-status')).toMatch(/^cachegen; fwd=miss; stored/);

    const alice = { authorization: 'Bearer alice' };
    expect((await get('/me', alice)).headers.get('cache-status')).toMatch(/fwd=miss/);
    const aliceAgain = await get('/me', alice);
    expect(aliceAgain.body).toEqual({ name: 'alice' });
    expect(aliceAgain.headers.get('cache-status')).toMatch(/^cachegen; hit/);
    expect(aliceAgain.headers.get('cache-control')).toMatch(/^private/);
    expect((await get('/me', { authorization: 'Bearer bob' })).body).toEqual({ name: 'bob' });
    expect((await get('/me')).status).toBe(401);
  }, 60_000);
});
