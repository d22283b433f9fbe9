/** `cachegen edge vcl|nginx`: configs from real specs that the real tools accept, and what they refuse to write. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIr, loadSpec } from 'cachegen';
import { main } from '../../generator/cli/main.js';
import { nginxConfig } from '../../generator/edge/nginx.js';
import { varnishVcl } from '../../generator/edge/vcl.js';
import { checkNginx, compileVcl } from './servers.js';
import { shopSpec } from './shop.js';

const catalogSpec = fileURLToPath(new URL('../../examples/catalog/openapi.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cachegen-edge-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => ({ write: (chunk: string) => { append(String(chunk)); return true; } }) as unknown as NodeJS.WritableStream;
  const code = await main(args, { stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }), cwd: dir });
  return { code, stdout, stderr };
}

describe('cachegen edge vcl', () => {
  it.each([['catalog', catalogSpec], ['shop', shopSpec]])('writes a VCL for the %s spec that varnishd -C compiles', async (_name, spec) => {
    const out = join(dir, `${_name}.vcl`);
    const run = await cli(['edge', 'vcl', spec, '--backend', '127.0.0.1:3000', '--purge-from', '10.0.0.0/8', '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const vcl = readFileSync(out, 'utf8');
    expect(vcl).toContain('"10.0.0.0"/8;');
    const compiled = compileVcl(out);
    expect(compiled.stderr).toContain('libvmod_xkey.so'); // -C prints the C it compiled, xkey imported
    expect(compiled.status).toBe(0);
  });

  it('passes private, sensitive and mutation-only paths, and keys a query by its ignore list', async () => {
    const vcl = varnishVcl(buildIr(await loadSpec(catalogSpec)), { backend: '127.0.0.1:3000' });
    expect(vcl).toMatch(/# getProfile, updateProfile: \/me\n {4}return \(pass\);/);
    expect(vcl).toMatch(/# getApiToken: \/me\/token\n {4}return \(pass\);/);
    expect(vcl).toContain('(?<=[?&])(?:utm_[^=&]*)(?:=[^&]*)?(?:&|$)');
  });

  it('is the same text for the same spec (deterministic)', async () => {
    const ir = buildIr(await loadSpec(catalogSpec));
    expect(varnishVcl(ir, { backend: '127.0.0.1:3000' })).toBe(varnishVcl(ir, { backend: '127.0.0.1:3000' }));
  });

  it('refuses a backend or purge address that is not one, naming the option', async () => {
    expect(await cli(['edge', 'vcl', shopSpec, '--backend', 'x";evil'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--backend') });
    expect(await cli(['edge', 'vcl', shopSpec, '--backend', '127.0.0.1:1', '--purge-from', '"; }'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--purge-from') });
    expect(await cli(['edge', 'vcl', shopSpec])).toMatchObject({ code: 2, stderr: expect.stringContaining('--backend') });
    expect(await cli(['edge', 'squid', shopSpec])).toMatchObject({ code: 2 });
  });
});

describe('cachegen edge nginx', () => {
  it.each([['catalog', catalogSpec], ['shop', shopSpec]])('writes a config for the %s spec that nginx -t accepts', async (name, spec) => {
    const run = await cli(['edge', 'nginx', spec, '--upstream', '127.0.0.1:3000', '--cache-dir', join(dir, `${name}-cache`)]);
    expect(run.code).toBe(0);
    const checked = checkNginx(run.stdout);
    expect(checked.output).toContain('syntax is ok');
    expect(checked.status).toBe(0);
  });

  it('lists on stderr the operations nginx will not cache, and why', async () => {
    const run = await cli(['edge', 'nginx', catalogSpec, '--upstream', '127.0.0.1:3000']);
    expect(run.stderr.trim().split('\n')).toEqual([
      'cachegen edge nginx: listProducts is not cached by nginx: tag "product:{response.items[].id}" is read from the response body, so the URLs that carry it cannot be known from the spec',
      'cachegen edge nginx: getProduct is not cached by nginx: tag "category:{response.category}" is read from the response body, so the URLs that carry it cannot be known from the spec',
      'cachegen edge nginx: searchProducts is not cached by nginx: tag "product:{response.results[].id}" is read from the response body, so the URLs that carry it cannot be known from the spec',
    ]);
  });

  it('keys on the path and the query parameters every tag names, and admits only those', async () => {
    const ir = buildIr(await loadSpec(shopSpec));
    const { text } = nginxConfig(ir, { upstream: '127.0.0.1:3000' });
    expect(text).toMatch(/location ~ "\^\/items\/\[\^\/\]\+\$" \{\n {4}proxy_pass http:\/\/cachegen_app;\n {4}proxy_cache cachegen;\n {4}proxy_cache_key "\$uri";/);
    expect(text).toContain('proxy_cache_valid 200 300s;');
    expect(text).toContain('allow 127.0.0.1;\n    allow ::1;\n    deny all;');
  });

  it('refuses a path it cannot write safely, naming the operation', async () => {
    const ir = buildIr(await loadSpec(shopSpec));
    ir.operations[0]!.path = '/items/{id}/a"b';
    expect(() => nginxConfig(ir, { upstream: '127.0.0.1:3000' })).toThrow(/operation getItem \(\/items\/\{id\}\/a"b\): the path segment "a\\"b"/);
    expect(() => varnishVcl(ir, { backend: '127.0.0.1:3000' })).toThrow(/the path segment/);
  });
});
