/** Reading logs: the two line formats, streaming lines out of files, and mapping requests to operations. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineParser, sniffFormat } from '../../generator/advise/log/formats.js';
import { MAX_LINE, readLines } from '../../generator/advise/log/read.js';
import type { LogRecord } from '../../generator/advise/log/record.js';
import { pathsRelated, readResources, Router, writtenResources } from '../../generator/advise/routes.js';

describe('combined format', () => {
  const parse = lineParser('combined');
  const table: Array<[string, Partial<LogRecord>]> = [
    [
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=1 HTTP/1.0" 200 2326 "http://ref/" "Mozilla/4.08"',
      { time: Date.UTC(2000, 9, 10, 20, 55, 36), method: 'GET', target: '/apache_pb.gif?a=1', status: 200, bytes: 2326, caller: 'frank', headers: { referer: 'http://ref/', 'user-agent': 'Mozilla/4.08' }, cached: false },
    ],
    ['10.0.0.1 - - [01/Mar/2026:00:00:01 +0000] "PUT /a/7 HTTP/1.1" 204 - "-" "-" 0.042', { method: 'PUT', status: 204, bytes: 0, caller: undefined, duration: 0.042, headers: {} }],
    ['10.0.0.1 - - [01/Mar/2026:00:00:01 +0000] "GET /a HTTP/2.0" 200 10 "-" "curl" 0.001 HIT', { duration: 0.001, cached: true }],
    ['10.0.0.1 - - [01/Mar/2026:00:00:01 +0000] "get /a HTTP/1.1" 200 10', { method: 'GET', duration: NaN, headers: {} }],
  ];
  it.each(table)('%s', (line, want) => {
    expect(parse(line)).toMatchObject(want);
  });

  it('says why a line is not a request', () => {
    expect(parse('garbage')).toMatch(/not in combined format/);
    expect(parse('1.2.3.4 - - [99/Foo/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1')).toMatch(/unreadable time/);
  });
});

describe('JSON lines', () => {
  const parse = lineParser('json');
  const table: Array<[string, Partial<LogRecord>]> = [
    ['{"time":"2026-03-01T00:00:00.250Z","method":"get","path":"/x?y=1","status":200,"bytes":12,"duration_ms":3.5,"caller":"u1","headers":{"Accept-Language":"de"},"cache":"HIT"}',
      { time: Date.UTC(2026, 2, 1, 0, 0, 0, 250), method: 'GET', target: '/x?y=1', status: 200, bytes: 12, duration: 0.0035, caller: 'u1', headers: { 'accept-language': 'de' }, cached: true }],
    ['{"timestamp":1772323200,"method":"GET","url":"/x","statusCode":"404","duration":0.2}', { time: 1772323200000, status: 404, duration: 0.2, bytes: -1 }],
    ['{"ts":1772323200123,"method":"GET","path":"/x","status":200,"responseTime":7,"user":42}', { time: 1772323200123, duration: 0.007, caller: '42' }],
  ];
  it.each(table)('%s', (line, want) => {
    expect(parse(line)).toMatchObject(want);
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1]', 'not a JSON object'],
    ['{"path":"/x","status":200,"time":1}', 'no "method"'],
    ['{"method":"GET","path":"x","status":200,"time":1}', 'no "path" or "url" starting with /'],
    ['{"method":"GET","path":"/x","status":"ok","time":1}', 'no numeric "status"'],
    ['{"method":"GET","path":"/x","status":200,"time":"yesterday"}', 'no readable "time"'],
  ])('%s → %s', (line, why) => {
    expect(parse(line)).toMatch(why);
  });

  it('sniffs the format from the first line', () => {
    expect(sniffFormat('  {"method":"GET"}')).toBe('json');
    expect(sniffFormat('1.2.3.4 - - [..]')).toBe('combined');
  });
});

describe('readLines', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cachegen-advise-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function collect(file: string): Promise<{ lines: Array<[number, string]>; overlong: number[]; total: number }> {
    const lines: Array<[number, string]> = [];
    const overlong: number[] = [];
    const total = await readLines(file, { line: (text, n) => lines.push([n, text]), overlong: (n) => overlong.push(n) });
    return { lines, overlong, total };
  }

  it('hands over every line with its number, CRLF or not, a last line without newline included', async () => {
    const file = join(dir, 'a.log');
    await writeFile(file, 'one\r\ntwo\n\nthree');
    expect(await collect(file)).toEqual({ lines: [[1, 'one'], [2, 'two'], [3, ''], [4, 'three']], overlong: [], total: 4 });
  });

  it('skips a line longer than MAX_LINE without buffering it, and goes on', async () => {
    const file = join(dir, 'long.log');
    await writeFile(file, `first\n${'x'.repeat(3 * MAX_LINE)}\nlast\n`);
    const { lines, overlong } = await collect(file);
    expect(lines).toEqual([[1, 'first'], [3, 'last']]);
    expect(overlong).toEqual([2]);
  });

  it('reads a gzipped log', async () => {
    const file = join(dir, 'a.log.gz');
    await writeFile(file, gzipSync('a\nb\n'));
    expect((await collect(file)).lines).toEqual([[1, 'a'], [2, 'b']]);
  });
});

describe('mapping requests to operations', () => {
  const ops = [
    { method: 'get' as const, path: '/products' },
    { method: 'get' as const, path: '/products/{id}' },
    { method: 'get' as const, path: '/products/new' },
    { method: 'put' as const, path: '/products/{id}' },
    { method: 'get' as const, path: '/users/{user}/orders/{order}' },
  ];
  const router = new Router(ops.map((operation, i) => ({ operation, target: i })), ['/api/v1']);

  it.each([
    ['GET', '/products', 0, {}],
    ['GET', '/products/7', 1, { id: '7' }],
    ['GET', '/products/new', 2, {}],
    ['PUT', '/products/new', 3, { id: 'new' }],
    ['HEAD', '/products/7', 1, { id: '7' }],
    ['GET', '/products/a%20b/', 1, { id: 'a b' }],
    ['GET', '/users/u1/orders/o%2F2', 4, { user: 'u1', order: 'o/2' }],
    ['GET', '/api/v1/products/7', 1, { id: '7' }],
  ])('%s %s → operation %i', (method, path, target, params) => {
    expect(router.match(method, path)).toEqual({ target, params });
  });

  it.each([['DELETE', '/products/7'], ['GET', '/nope'], ['GET', '/products/7/extra'], ['GET', '/api/v2/products']])('%s %s matches nothing', (method, path) => {
    expect(router.match(method, path)).toBeUndefined();
  });

  it('relates a write to the reads of its path, its collection and what lies below it, not its siblings', () => {
    expect(pathsRelated('/products/{id}', '/products')).toBe(true);
    expect(pathsRelated('/products/{id}', '/products/{pid}/reviews')).toBe(true);
    expect(pathsRelated('/products/{id}', '/users/{id}')).toBe(false);
    const written = new Set(writtenResources('/products/7'));
    const touches = (path: string) => readResources(path).some((r) => written.has(r));
    expect(touches('/products/7')).toBe(true);
    expect(touches('/products')).toBe(true);
    expect(touches('/products/7/reviews')).toBe(true);
    expect(touches('/products/8')).toBe(false);
    expect(touches('/users')).toBe(false);
  });
});
