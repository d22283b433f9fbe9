/** `cachegen advise` as a user runs it: the table, the written report, --apply, and usage errors. */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from 'cachegen';
import { main } from '../../generator/cli/main.js';
import { generateLog } from './log-generator.js';
import { shopMix } from './shop-traffic.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/shop.yaml', import.meta.url));
let dir: string;

/** Runs the CLI in process; `tty`: stderr says it is a terminal, as a user's shell's does. */
async function cachegenOn(tty: boolean, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { isTTY: tty, write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
    cwd: dir,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const cachegen = (...args: string[]) => cachegenOn(false, ...args);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachegen-advise-cli-'));
  await copyFile(FIXTURE, join(dir, 'openapi.yaml'));
  await generateLog(join(dir, 'access.log'), 'combined', { seed: 5, rate: 40, seconds: 300, mix: shopMix() });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cachegen advise', () => {
  it('prints a row per read with its advice, the L1 size, and writes the report with two charts', async () => {
    const { code, stdout, stderr } = await cachegen('advise', '--log', 'access.log', '--spec', 'openapi.yaml', '--report', 'out');
    expect(code).toBe(0);
    expect(stderr).toBe(''); // no progress bar where stderr is no terminal
    expect(stdout).toMatch(/^getArticle .* cache: ttl \d+ s.*tags article:\{id\}$/m);
    expect(stdout).toMatch(/^getCounter .* do not cache: write-heavy$/m);
    expect(stdout).toMatch(/^getHealth .* cached by the spec \(ttl 5 s\)$/m);
    expect(stdout).toMatch(/^L1: maxBytes \d+(\.\d)? [KM]iB \(W-TinyLFU\)/m);
    expect(stdout).toContain('report: out/report.md');
    const markdown = await readFile(join(dir, 'out/report.md'), 'utf8');
    expect(markdown).toContain('![hit ratio vs L1 size](hit-ratio-vs-size.svg)');
    expect(markdown).toMatch(/x-cache:\n {2}ttl: \d+\n(.*\n)* {2}tags: \["article:\{id\}"\]/);
    for (const chart of ['hit-ratio-vs-size.svg', 'hit-ratio-vs-ttl.svg']) {
      const svg = await readFile(join(dir, 'out', chart), 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ L/);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
    const json = JSON.parse(await readFile(join(dir, 'out/advice.json'), 'utf8')) as { l1: { maxBytes: number } };
    expect(json.l1.maxBytes).toBeGreaterThan(0);
  }, 180_000);

  it('--apply inserts the suggested x-cache blocks, keeps comments, and never touches an operation that has one', async () => {
    const before = await readFile(join(dir, 'openapi.yaml'), 'utf8');
    const errors = async () => (await loadProject({ spec: join(dir, 'openapi.yaml'), cwd: dir })).problems.filter((p) => p.severity === 'error').map((p) => `${p.rule} ${p.pointer}`);
    const errorsBefore = await errors();
    const { code, stdout } = await cachegen('advise', '--log', 'access.log', '--spec', 'openapi.yaml', '--report', 'out', '--apply');
    expect(code).toBe(0);
    expect(stdout).toMatch(/annotated 3 operations in openapi\.yaml: getArticle, listCatalog, getAccount/);
    const after = await readFile(join(dir, 'openapi.yaml'), 'utf8');
    // Only lines were added: removing them gives the original back byte for byte.
    const added = after.split('\n').filter((line) => !before.split('\n').includes(line));
    expect(after.split('\n').filter((line) => !added.includes(line)).join('\n')).toBe(before);
    expect(after).toContain('# Most reads here have no x-cache: advise decides.');
    expect(after).toContain("x-cache: { ttl: 5 }");
    // The annotations lint clean: no error the fixture did not have (and the article invalidation now matches a tag).
    const errorsAfter = await errors();
    expect(errorsAfter.filter((e) => !errorsBefore.includes(e))).toEqual([]);
    expect(errorsAfter.length).toBeLessThan(errorsBefore.length);
    const project = await loadProject({ spec: join(dir, 'openapi.yaml'), cwd: dir });
    const cache = (id: string) => project.ir.operations.find((o) => o.operationId === id)!.cache;
    expect(cache('getArticle')?.policy.tags).toEqual(['article:{id}']);
    expect(cache('getAccount')?.policy.scope).toBe('private');
    for (const id of ['getCounter', 'getStock', 'getSession', 'getCart', 'getCredentials', 'getFile', 'exportAccount']) expect(cache(id), id).toBeUndefined();
    expect(cache('getHealth')?.policy.ttl).toBe(5);

    // A second run finds them cached by the spec and writes nothing more.
    const again = await cachegen('advise', '--log', 'access.log', '--spec', 'openapi.yaml', '--report', 'out', '--apply');
    expect(again.stdout).toMatch(/^getArticle .* cached by the spec/m);
    expect(again.stdout).toContain('--apply: no operation to annotate');
    expect(await readFile(join(dir, 'openapi.yaml'), 'utf8')).toBe(after);
  }, 180_000);

  it('draws a progress bar on a terminal\'s stderr, redrawn in place and erased at the end; stdout keeps the table', async () => {
    const { code, stdout, stderr } = await cachegenOn(true, 'advise', '--log', 'access.log', '--spec', 'openapi.yaml', '--report', 'out-tty');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^getArticle /m);
    const frames = stderr.split('\r').filter(Boolean);
    expect(frames[0]).toMatch(/^pass 1\/3 profiling +\[[#.]{30}\] +\d+%$/);
    for (const frame of frames.slice(0, -1)) expect(frame).toMatch(/^pass [1-3]\/3 [a-z ]+\[[#.]{30}\] +\d+%$/);
    expect(frames.at(-1)).toBe('\u001b[K');
  }, 180_000);

  it('names what is wrong with the command line', async () => {
    expect(await cachegen('advise', '--spec', 'openapi.yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining('--log is required') });
    expect(await cachegen('advise', '--log', 'access.log', '--spec', 'openapi.yaml', '--format', 'w3c')).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of combined, json (got "w3c")') });
    expect(await cachegen('advise', '--log', 'missing.log', '--spec', 'openapi.yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining('missing.log') });
  });
});
