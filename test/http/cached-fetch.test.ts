/**
 * cachedFetch against a real loopback HTTP origin, one test per RFC 9111 (and RFC 5861) rule.
 * Every case gets its own path on the shared origin and its own cache; the clock is injected.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCache } from '@cachegen/runtime';
import { cachedFetch } from '@cachegen/runtime';

interface OriginReply { status?: number; headers?: Record<string, string>; body?: string; destroy?: boolean; noDate?: boolean }
interface Seen { method: string; path: string; headers: IncomingMessage['headers'] }

interface Step {
  /** Seconds since the case started (fake clock). */
  at: number;
  method?: string;
  /** Path relative to the case's own prefix; default ''. */
  path?: string;
  headers?: Record<string, string>;
  /** Another name for the loopback origin (`localhost`): a different origin, the same server. */
  host?: string;
  /** Expected status, body, origin calls so far, Cache-Status substring, extra header values. */
  status?: number;
  body?: string;
  origin?: number;
  cacheStatus?: string;
  header?: Record<string, string | null>;
  /** Wait for background work (stale-while-revalidate) after this step. */
  settle?: boolean;
}

interface Case {
  rule: string;
  shared?: boolean;
  origin: (seen: Seen, n: number) => OriginReply;
  steps: Step[];
}

let server: Server;
let base: string;
let clock = 0;
const handlers = new Map<string, { origin: Case['origin']; calls: Seen[] }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const prefix = (req.url ?? '').split('/')[1] ?? '';
    const handler = handlers.get(prefix);
    if (!handler) { res.statusCode = 404; res.end(); return; }
    const seen = { method: req.method ?? 'GET', path: (req.url ?? '').slice(prefix.length + 1), headers: req.headers };
    handler.calls.push(seen);
    const reply = handler.origin(seen, handler.calls.length);
    if (reply.destroy) { req.socket.destroy(); return; }
    res.sendDate = false;
    res.statusCode = reply.status ?? 200;
    if (!reply.noDate) res.setHeader('date', new Date(clock).toUTCString());
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.end(reply.body ?? `body ${handler.calls.length}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const httpDate = (offsetSeconds: number) => new Date(T0 + offsetSeconds * 1000).toUTCString();

async function run(c: Case, index: number): Promise<void> {
  const prefix = `case${index}`;
  const calls: Seen[] = [];
  handlers.set(prefix, { origin: c.origin, calls });
  const cache = createCache({ l1: { maxEntries: 1000 } });
  const background: Promise<unknown>[] = [];
  const fetchCached = cachedFetch(cache, { shared: c.shared ?? false, now: () => clock, waitUntil: (p) => background.push(p) });
  try {
    for (const [i, step] of c.steps.entries()) {
      clock = T0 + step.at * 1000;
      const response = await fetchCached(`${step.host ? base.replace('127.0.0.1', step.host) : base}/${prefix}${step.path ?? ''}`, { method: step.method ?? 'GET', headers: step.headers });
      const body = await response.text();
      const where = `${c.rule}, step ${i} (t=${step.at}s)`;
      if (step.status !== undefined) expect(response.status, where).toBe(step.status);
      if (step.body !== undefined) expect(body, where).toBe(step.body);
      if (step.origin !== undefined) expect(calls.length, `${where}: origin calls`).toBe(step.origin);
      if (step.cacheStatus !== undefined) expect(response.headers.get('cache-status') ?? '', where).toContain(step.cacheStatus);
      for (const [name, value] of Object.entries(step.header ?? {})) expect(response.headers.get(name), `${where}: ${name}`).toBe(value);
      if (step.settle) await Promise.all(background.splice(0));
    }
  } finally {
    await Promise.all(background);
    await cache.close();
    handlers.delete(prefix);
  }
}

const cases: Case[] = [
  {
    rule: '§4.2.1 max-age: fresh responses are served from the cache, with Age',
    origin: () => ({ headers: { 'cache-control': 'max-age=100' } }),
    steps: [
      { at: 0, body: 'body 1', origin: 1, cacheStatus: 'fwd=uri-miss; stored' },
      { at: 30, body: 'body 1', origin: 1, cacheStatus: 'hit; ttl=70', header: { age: '30' } },
      { at: 101, body: 'body 2', origin: 2 },
    ],
  },
  {
    rule: '§4.2.1 Expires minus Date gives the freshness lifetime',
    origin: (_s, n) => ({ headers: { expires: httpDate((n === 1 ? 0 : 200) + 100) } }),
    steps: [
      { at: 0, origin: 1 },
      { at: 50, body: 'body 1', origin: 1 },
      { at: 150, body: 'body 2', origin: 2 },
    ],
  },
  {
    rule: '§5.3 an invalid Expires means already expired',
    origin: () => ({ headers: { expires: '0' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, body: 'body 2', origin: 2 }],
  },
  {
    rule: '§4.2.3 an upstream Age counts against freshness',
    origin: () => ({ headers: { 'cache-control': 'max-age=100', age: '90' } }),
    steps: [{ at: 0, origin: 1 }, { at: 5, origin: 1, header: { age: '95' } }, { at: 11, origin: 2 }],
  },
  {
    rule: '§4.2.3 a Date in the past (apparent age) counts against freshness',
    origin: () => ({ headers: { 'cache-control': 'max-age=100', date: httpDate(-60) } }),
    steps: [{ at: 0, origin: 1 }, { at: 30, origin: 1 }, { at: 41, origin: 2 }],
  },
  {
    rule: '§4.2.2 heuristic freshness: 10% of the time since Last-Modified',
    origin: () => ({ headers: { 'last-modified': httpDate(-1000) } }),
    steps: [{ at: 0, origin: 1 }, { at: 90, origin: 1 }, { at: 110, origin: 2 }],
  },
  {
    rule: '§4.2.2 no heuristic freshness for a status that is not cacheable by default',
    origin: () => ({ status: 202, headers: { 'last-modified': httpDate(-1000) } }),
    steps: [{ at: 0, status: 202, origin: 1 }, { at: 1, status: 202, origin: 2 }],
  },
  {
    rule: '§3 a status cacheable by default is stored with explicit freshness (404)',
    origin: () => ({ status: 404, headers: { 'cache-control': 'max-age=60' } }),
    steps: [{ at: 0, status: 404, origin: 1 }, { at: 10, status: 404, origin: 1 }],
  },
  {
    rule: '§3 a 500 without explicit freshness is not stored',
    origin: () => ({ status: 500 }),
    steps: [{ at: 0, status: 500, origin: 1 }, { at: 1, status: 500, origin: 2 }],
  },
  {
    rule: '§5.2.2.5 response no-store: never stored',
    origin: () => ({ headers: { 'cache-control': 'no-store, max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, body: 'body 2', origin: 2 }],
  },
  {
    rule: '§5.2.1.5 request no-store: neither served from nor stored in the cache',
    origin: () => ({ headers: { 'cache-control': 'max-age=100' } }),
    steps: [
      { at: 0, headers: { 'cache-control': 'no-store' }, origin: 1 },
      { at: 1, body: 'body 2', origin: 2 },
      { at: 2, headers: { 'cache-control': 'no-store' }, body: 'body 3', origin: 3 },
      { at: 3, body: 'body 2', origin: 3 },
    ],
  },
  {
    rule: '§5.2.2.7 private: stored by a private cache',
    origin: () => ({ headers: { 'cache-control': 'private, max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, origin: 1 }],
  },
  {
    rule: '§5.2.2.7 private: never stored by a shared cache',
    shared: true,
    origin: () => ({ headers: { 'cache-control': 'private, max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, origin: 2 }],
  },
  {
    rule: '§5.2.2.10 s-maxage: a shared cache prefers it to max-age',
    shared: true,
    origin: () => ({ headers: { 'cache-control': 'max-age=10, s-maxage=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 50, origin: 1 }, { at: 101, origin: 2 }],
  },
  {
    rule: '§5.2.2.10 s-maxage: a private cache ignores it',
    origin: () => ({ headers: { 'cache-control': 'max-age=10, s-maxage=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 50, origin: 2 }],
  },
  {
    rule: '§3.5 a shared cache stores a response to an Authorization request only when allowed (public)',
    shared: true,
    origin: (seen) => ({ headers: { 'cache-control': seen.path === '/public' ? 'public, max-age=100' : 'max-age=100' } }),
    steps: [
      { at: 0, headers: { authorization: 'Bearer a' }, origin: 1 },
      { at: 1, headers: { authorization: 'Bearer a' }, origin: 2 },
      { at: 2, path: '/public', headers: { authorization: 'Bearer a' }, origin: 3 },
      { at: 3, path: '/public', headers: { authorization: 'Bearer a' }, origin: 3 },
    ],
  },
  {
    rule: 'responses are never shared between different Authorization values',
    origin: (seen) => ({ headers: { 'cache-control': 'max-age=100' }, body: `for ${String(seen.headers.authorization)}` }),
    steps: [
      { at: 0, headers: { authorization: 'Bearer alice' }, body: 'for Bearer alice', origin: 1 },
      { at: 1, headers: { authorization: 'Bearer bob' }, body: 'for Bearer bob', origin: 2 },
      { at: 2, headers: { authorization: 'Bearer alice' }, body: 'for Bearer alice', origin: 2 },
    ],
  },
  {
    rule: '§4.1 Vary: a stored response is used only for matching request headers; variants coexist',
    origin: (seen) => ({ headers: { 'cache-control': 'max-age=100', vary: 'Accept-Language' }, body: `lang ${String(seen.headers['accept-language'])}` }),
    steps: [
      { at: 0, headers: { 'accept-language': 'en' }, body: 'lang en', origin: 1 },
      { at: 1, headers: { 'accept-language': 'fr' }, body: 'lang fr', origin: 2, cacheStatus: 'fwd=vary-miss' },
      { at: 2, headers: { 'accept-language': ' en ' }, body: 'lang en', origin: 2 },
      { at: 3, headers: { 'accept-language': 'fr' }, body: 'lang fr', origin: 2 },
      { at: 4, headers: { 'accept-language': 'de' }, body: 'lang de', origin: 3 },
    ],
  },
  {
    rule: '§4.1 Vary: * never matches, so it is not stored',
    origin: () => ({ headers: { 'cache-control': 'max-age=100', vary: '*' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, origin: 2 }],
  },
  {
    rule: '§4.3.1 revalidation sends If-None-Match; §4.3.4 a 304 freshens the stored response and updates its headers',
    origin: (seen): OriginReply => seen.headers['if-none-match'] === '"v1"'
      ? { status: 304, headers: { 'cache-control': 'max-age=100', etag: '"v1"', 'x-updated': 'yes' }, body: '' }
      : { headers: { 'cache-control': 'max-age=10', etag: '"v1"', 'content-type': 'text/plain' }, body: 'original' },
    steps: [
      { at: 0, body: 'original', origin: 1 },
      { at: 20, status: 200, body: 'original', origin: 2, cacheStatus: 'fwd=stale; fwd-status=304', header: { 'x-updated': 'yes', 'content-type': 'text/plain' } },
      { at: 90, body: 'original', origin: 2, cacheStatus: 'hit' },
    ],
  },
  {
    rule: '§4.3.1 revalidation sends If-Modified-Since from Last-Modified',
    origin: (seen) => seen.headers['if-modified-since'] === httpDate(-500)
      ? { status: 304, body: '' }
      : { headers: { 'cache-control': 'max-age=10', 'last-modified': httpDate(-500) }, body: 'dated' },
    steps: [{ at: 0, body: 'dated', origin: 1 }, { at: 20, status: 200, body: 'dated', origin: 2, cacheStatus: 'fwd-status=304' }],
  },
  {
    rule: '§4.3.3 a full response to a revalidation replaces the stored one',
    origin: (_s, n) => ({ headers: { 'cache-control': 'max-age=10', etag: `"v${n}"` }, body: `version ${n}` }),
    steps: [{ at: 0, body: 'version 1' }, { at: 20, body: 'version 2', origin: 2 }, { at: 25, body: 'version 2', origin: 2 }],
  },
  {
    rule: '§5.2.2.4 response no-cache: revalidated before every use, even when fresh',
    origin: (seen) => seen.headers['if-none-match'] ? { status: 304, body: '' } : { headers: { 'cache-control': 'no-cache, max-age=100', etag: '"n"' }, body: 'nc' },
    steps: [{ at: 0, origin: 1 }, { at: 1, body: 'nc', origin: 2, cacheStatus: 'fwd-status=304' }, { at: 2, body: 'nc', origin: 3 }],
  },
  {
    rule: '§5.2.1.4 request no-cache: the stored response is revalidated',
    origin: (seen) => seen.headers['if-none-match'] ? { status: 304, body: '' } : { headers: { 'cache-control': 'max-age=100', etag: '"r"' }, body: 'rq' },
    steps: [{ at: 0, origin: 1 }, { at: 1, headers: { 'cache-control': 'no-cache' }, body: 'rq', origin: 2 }, { at: 2, origin: 2 }],
  },
  {
    rule: '§5.4 request Pragma: no-cache (without Cache-Control) means no-cache',
    origin: () => ({ headers: { 'cache-control': 'max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, headers: { pragma: 'no-cache' }, origin: 2 }],
  },
  {
    rule: '§5.2.1.1 request max-age: an older stored response is not used',
    origin: () => ({ headers: { 'cache-control': 'max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 30, headers: { 'cache-control': 'max-age=60' }, origin: 1 }, { at: 40, headers: { 'cache-control': 'max-age=20' }, origin: 2 }],
  },
  {
    rule: '§5.2.1.3 request min-fresh: the stored response must stay fresh that long',
    origin: () => ({ headers: { 'cache-control': 'max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 50, headers: { 'cache-control': 'min-fresh=40' }, origin: 1 }, { at: 70, headers: { 'cache-control': 'min-fresh=40' }, origin: 2 }],
  },
  {
    rule: '§5.2.1.2 request max-stale: a stale response within the limit is served',
    origin: () => ({ headers: { 'cache-control': 'max-age=10' } }),
    steps: [
      { at: 0, origin: 1 },
      { at: 30, headers: { 'cache-control': 'max-stale=60' }, body: 'body 1', origin: 1, cacheStatus: 'hit; ttl=-20' },
      { at: 30, headers: { 'cache-control': 'max-stale=5' }, body: 'body 2', origin: 2 },
    ],
  },
  {
    rule: '§5.2.2.2 must-revalidate: never served stale, even under max-stale',
    origin: () => ({ headers: { 'cache-control': 'max-age=10, must-revalidate' } }),
    steps: [{ at: 0, origin: 1 }, { at: 30, headers: { 'cache-control': 'max-stale' }, body: 'body 2', origin: 2 }],
  },
  {
    rule: '§5.2.2.2 must-revalidate: a failed revalidation gives 504, not the stale response',
    origin: (_s, n) => (n === 1 ? { headers: { 'cache-control': 'max-age=10, must-revalidate, stale-if-error=100' } } : { destroy: true }),
    steps: [{ at: 0, origin: 1 }, { at: 30, status: 504 }],
  },
  {
    rule: '§5.2.1.7 only-if-cached: 504 without a stored response, the stored one otherwise',
    origin: () => ({ headers: { 'cache-control': 'max-age=100' } }),
    steps: [
      { at: 0, headers: { 'cache-control': 'only-if-cached' }, status: 504, origin: 0 },
      { at: 1, origin: 1 },
      { at: 2, headers: { 'cache-control': 'only-if-cached' }, status: 200, body: 'body 1', origin: 1 },
    ],
  },
  {
    rule: 'RFC 5861 §3 stale-while-revalidate: stale served at once, refreshed in the background',
    origin: (_s, n) => ({ headers: { 'cache-control': 'max-age=10, stale-while-revalidate=60' }, body: `v${n}` }),
    steps: [
      { at: 0, body: 'v1', origin: 1 },
      { at: 30, body: 'v1', cacheStatus: 'detail=stale-while-revalidate', settle: true },
      { at: 31, body: 'v2', origin: 2, cacheStatus: 'hit' },
      { at: 200, body: 'v3', origin: 3 },
    ],
  },
  {
    rule: 'RFC 5861 §4 stale-if-error: a 5xx from the origin is answered with the stale response within the window',
    origin: (_s, n) => (n === 1 ? { headers: { 'cache-control': 'max-age=10, stale-if-error=60' }, body: 'good' } : { status: 503, body: 'down' }),
    steps: [
      { at: 0, body: 'good' },
      { at: 30, status: 200, body: 'good', origin: 2, cacheStatus: 'detail=stale-if-error' },
      { at: 100, status: 503, body: 'down', origin: 3 },
    ],
  },
  {
    rule: 'RFC 5861 §4 stale-if-error: a network failure is answered with the stale response',
    origin: (_s, n) => (n === 1 ? { headers: { 'cache-control': 'max-age=10, stale-if-error=60' }, body: 'good' } : { destroy: true }),
    steps: [{ at: 0, body: 'good' }, { at: 30, status: 200, body: 'good', origin: 2 }],
  },
  {
    rule: 'RFC 5861 §4 stale-if-error as a request directive',
    origin: (_s, n) => (n === 1 ? { headers: { 'cache-control': 'max-age=10' }, body: 'good' } : { status: 500, body: 'down' }),
    steps: [{ at: 0, body: 'good' }, { at: 30, headers: { 'cache-control': 'stale-if-error=60' }, body: 'good', origin: 2 }, { at: 31, status: 500, origin: 3 }],
  },
  {
    rule: '§4.4 an unsafe method invalidates the stored response of its target URI',
    origin: (seen) => (seen.method === 'POST' ? { status: 201, body: 'created' } : { headers: { 'cache-control': 'max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, origin: 1 }, { at: 2, method: 'POST', status: 201, origin: 2 }, { at: 3, body: 'body 3', origin: 3 }],
  },
  {
    rule: '§4.4 Location and Content-Location of the same origin are invalidated too',
    origin: (seen): OriginReply => (seen.method === 'PUT'
      ? { status: 200, headers: { location: `/${handlerPrefix(seen)}/a`, 'content-location': `/${handlerPrefix(seen)}/b` }, body: 'ok' }
      : { headers: { 'cache-control': 'max-age=100' }, body: `${seen.path} ${seen.method}` }),
    steps: [
      { at: 0, path: '/a', origin: 1 }, { at: 0, path: '/b', origin: 2 }, { at: 1, path: '/a', origin: 2 }, { at: 1, path: '/b', origin: 2 },
      { at: 2, path: '/put', method: 'PUT', origin: 3 },
      { at: 3, path: '/a', origin: 4 }, { at: 3, path: '/b', origin: 5 },
    ],
  },
  {
    rule: '§4.4 a Location on another origin is not invalidated',
    origin: (seen): OriginReply => (seen.method === 'PUT'
      ? { status: 200, headers: { location: `${base.replace('127.0.0.1', 'localhost')}/${handlerPrefix(seen)}/a` }, body: 'ok' }
      : { headers: { 'cache-control': 'max-age=100' } }),
    steps: [
      { at: 0, path: '/a', host: 'localhost', origin: 1 },
      { at: 1, path: '/put', method: 'PUT', origin: 2 },
      { at: 2, path: '/a', host: 'localhost', body: 'body 1', origin: 2 },
    ],
  },
  {
    rule: '§4.4 an error response to an unsafe method invalidates nothing',
    origin: (seen) => (seen.method === 'DELETE' ? { status: 500 } : { headers: { 'cache-control': 'max-age=100' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, method: 'DELETE', status: 500, origin: 2 }, { at: 2, body: 'body 1', origin: 2 }],
  },
  {
    rule: '§4.3.5 HEAD is answered from a stored GET response, without a body',
    origin: () => ({ headers: { 'cache-control': 'max-age=100', 'x-kind': 'product' } }),
    steps: [{ at: 0, origin: 1 }, { at: 1, method: 'HEAD', status: 200, body: '', origin: 1, header: { 'x-kind': 'product' } }],
  },
];

/** The case prefix a request came in under (for same-origin Content-Location values). */
function handlerPrefix(seen: Seen): string {
  for (const [prefix, h] of handlers) if (h.calls.at(-1) === seen) return prefix;
  return '';
}

describe('cachedFetch (RFC 9111 private cache over real HTTP)', () => {
  it.each(cases.map((c, i) => [c.rule, c, i] as const))('%s', async (_rule, c, i) => {
    await run(c, i);
  });

  it('gives every caller its own unconsumed body', async () => {
    handlers.set('bodies', { origin: () => ({ headers: { 'cache-control': 'max-age=100' }, body: 'shared bytes' }), calls: [] });
    clock = T0; // the origin's Date header
    const cache = createCache({ l1: { maxEntries: 100 } });
    const f = cachedFetch(cache, { now: () => T0 });
    try {
      const first = await f(`${base}/bodies`);
      const [a, b] = await Promise.all([f(`${base}/bodies`), f(`${base}/bodies`)]);
      expect(await a.text()).toBe('shared bytes');
      expect(await b.text()).toBe('shared bytes');
      expect(await first.text()).toBe('shared bytes');
      expect(handlers.get('bodies')!.calls.length).toBe(1);
    } finally {
      await cache.close();
      handlers.delete('bodies');
    }
  });

  it.each<[string, Record<string, string>, Array<Record<string, string>>, number, string[]]>([
    ['identical misses share one origin request', { 'cache-control': 'max-age=100', vary: 'Accept-Language' }, [{ 'accept-language': 'en' }, { 'accept-language': 'en' }, { 'accept-language': 'en' }], 1, ['en', 'en', 'en']],
    ['misses that Vary apart do not share', { 'cache-control': 'max-age=100', vary: 'Accept-Language' }, [{ 'accept-language': 'en' }, { 'accept-language': 'fr' }], 2, ['en', 'fr']],
    ['an unstorable response is not shared', { 'cache-control': 'no-store' }, [{}, {}], 2, ['undefined', 'undefined']],
    ['a client asking for no-cache does not join', { 'cache-control': 'max-age=100' }, [{}, { 'cache-control': 'no-cache' }], 2, ['undefined', 'undefined']],
  ])('concurrent misses (collapsed forwarding): %s', async (_name, responseHeaders, requestHeaders, originCalls, languages) => {
    const prefix = `collapse-${originCalls}-${languages.join('')}-${Object.keys(requestHeaders[1] ?? {}).join('')}`;
    const calls: Seen[] = [];
    handlers.set(prefix, { origin: (seen) => ({ headers: responseHeaders, body: `lang ${String(seen.headers['accept-language'] === '*' ? undefined : seen.headers['accept-language'])}` }), calls });
    clock = T0; // the origin's Date header
    const cache = createCache({ l1: { maxEntries: 100 } });
    const f = cachedFetch(cache, { now: () => T0 });
    try {
      const responses = await Promise.all(requestHeaders.map((headers) => f(`${base}/${prefix}`, { headers })));
      expect(await Promise.all(responses.map((r) => r.text()))).toEqual(languages.map((l) => `lang ${l}`));
      expect(calls.length).toBe(originCalls);
      if (originCalls === 1) expect(responses[1]!.headers.get('cache-status')).toContain('collapsed');
    } finally {
      await cache.close();
      handlers.delete(prefix);
    }
  });

  it('shares stored responses through Redis between two instances', async () => {
    handlers.set('redis', { origin: () => ({ headers: { 'cache-control': 'max-age=100', etag: '"r"' }, body: 'from redis' }), calls: [] });
    clock = T0;
    const namespace = `test-http-fetch-${process.pid}-${Date.now()}`;
    const one = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    const two = createCache({ namespace, l2: { redis: inject('redisUrl') } });
    try {
      expect(await (await cachedFetch(one, { now: () => T0 })(`${base}/redis`)).text()).toBe('from redis');
      const hit = await cachedFetch(two, { now: () => T0 + 5000 })(`${base}/redis`);
      expect(await hit.text()).toBe('from redis');
      expect(hit.headers.get('age')).toBe('5');
      expect(handlers.get('redis')!.calls.length).toBe(1);
    } finally {
      await one.clear();
      await Promise.all([one.close(), two.close()]);
      handlers.delete('redis');
    }
  });
});
