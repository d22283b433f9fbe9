/**
 * The cached route's hit path over a real socket: headers prepared once per entry (the
 * handler's own headers included), Cache-Status/Age as the clock moves, request and response
 * tags rendered by the loader yet honoured by invalidation and Surrogate-Key, and 304s.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createCache } from '@cachegen/runtime';
import { registerOperations, reply, type OperationSpec } from '@cachegen/runtime/fastify';

const operation: OperationSpec = {
  operationId: 'getItem',
  method: 'GET',
  url: '/items/:id',
  schema: { params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } },
  successStatus: 200,
  contentType: 'application/json',
  invalidates: [],
  cache: {
    policy: { ttl: 60, swr: 0, staleIfError: 0, scope: 'public', vary: ['Accept-Language'], tags: [], revalidate: false, sensitive: false, key: {} },
    tags: [
      { source: 'item:{id}', parts: [{ kind: 'literal', text: 'item:' }, { kind: 'path', name: 'id' }] },
      { source: 'name:{response.name}', parts: [{ kind: 'literal', text: 'name:' }, { kind: 'response', path: ['name'] }] },
    ],
  },
};

const apps: FastifyInstance[] = [];
afterEach(async () => { await Promise.all(apps.splice(0).map((a) => a.close())); });

async function serve(shared?: { namespace: string }, options: { fetchOnly?: boolean; hooks?: boolean } = {}) {
  let now = 1_000_000;
  let calls = 0;
  const cache = createCache({
    namespace: shared?.namespace ?? 'e2e-hit-path', clock: () => now, logger: { warn() {} },
    ...(shared ? { l2: { redis: inject('redisUrl') }, bus: false } : {}),
  });
  const app = Fastify();
  apps.push(app);
  app.addHook('onClose', async () => { await cache.close(); });
  // A user's hooks, each leaving a trace on the answer (onResponse runs after it was sent: counted).
  const ran: string[] = [];
  if (options.hooks) {
    app.addHook('onRequest', async (_request, r) => { r.header('x-on-request', '1'); });
    app.addHook('preHandler', async (_request, r) => { r.header('x-pre-handler', '1'); });
    app.addHook('onSend', async (_request, r, payload) => { r.header('x-on-send', '1'); return payload; });
    app.addHook('onResponse', async () => { ran.push('onResponse'); });
  }
  registerOperations(app, [operation], [], {
    handlers: { getItem: async ({ params }: { params: { id: number } }) => { calls++; return reply(200, { id: params.id, name: 'lamp' }, { 'X-Extra': 'a' }); } },
    // A RouteCache of one's own may have fetch alone: hits then come through its promise.
    cache: options.fetchOnly ? { fetch: cache.fetch.bind(cache), invalidateTags: cache.invalidateTags.bind(cache) } : cache,
    surrogateKeys: true,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, { headers });
    return { status: r.status, headers: r.headers, text: await r.text() };
  };
  return { cache, get, advance: (ms: number) => { now += ms; }, calls: () => calls, ran };
}

describe('cached route hit path', () => {
  it('sends the entry\'s headers on every hit, with Cache-Status and Age following the clock', async () => {
    const s = await serve();
    const miss = await s.get('/items/1');
    expect(miss.headers.get('cache-status')).toBe('cachegen; fwd=miss; stored');
    for (const [advance, ttl, age] of [[0, 60, 0], [10_500, 49, 10], [200, 49, 10], [1_000, 48, 11]] as const) {
      s.advance(advance);
      const hit = await s.get('/items/1');
      expect(hit.status).toBe(200);
      expect(hit.text).toBe(miss.text);
      expect(hit.headers.get('cache-status')).toBe(`cachegen; hit; ttl=${ttl}`);
      expect(hit.headers.get('age')).toBe(String(age));
      for (const name of ['cache-control', 'etag', 'vary', 'x-extra', 'content-type']) {
        expect(hit.headers.get(name), name).toBe(miss.headers.get(name));
      }
      expect(hit.headers.get('vary')).toBe('Accept-Language');
      expect(hit.headers.get('x-extra')).toBe('a');
      expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
    expect(s.calls()).toBe(1);
  });

  it('answers hits the same through a cache that has fetch alone (no hitOrFetch)', async () => {
    const own = await serve(undefined, { fetchOnly: true });
    const ours = await serve();
    for (const s of [own, ours]) {
      const miss = await s.get('/items/1');
      s.advance(10_500);
      const hit = await s.get('/items/1');
      expect(hit.text).toBe(miss.text);
      expect(hit.headers.get('cache-status')).toBe('cachegen; hit; ttl=49');
      expect(hit.headers.get('age')).toBe('10');
      expect(s.calls()).toBe(1);
    }
  });

  it('runs a user\'s hooks on a hit answered within the handler\'s call: onRequest, preHandler, onSend, onResponse', async () => {
    const s = await serve(undefined, { hooks: true });
    await s.get('/items/1');
    const hit = await s.get('/items/1');
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    for (const name of ['x-on-request', 'x-pre-handler', 'x-on-send']) expect(hit.headers.get(name), name).toBe('1');
    await expect.poll(() => s.ran.length).toBe(2);
  });

  it('sends request and response tags as Surrogate-Key on a miss and on a hit', async () => {
    const s = await serve();
    expect((await s.get('/items/2')).headers.get('surrogate-key')).toBe('item:2 name:lamp');
    expect((await s.get('/items/2')).headers.get('surrogate-key')).toBe('item:2 name:lamp');
  });

  it('keeps an entry\'s tags when another instance reads it back from Redis: Surrogate-Key without rendering', async () => {
    const shared = { namespace: `e2e-hit-path-l2-${process.pid}-${Date.now()}` };
    const a = await serve(shared);
    const b = await serve(shared);
    expect((await a.get('/items/4')).headers.get('surrogate-key')).toBe('item:4 name:lamp');
    const fromL2 = await b.get('/items/4');
    expect(b.calls()).toBe(0);
    expect(fromL2.headers.get('surrogate-key')).toBe('item:4 name:lamp');
    await a.cache.clear();
  });

  it('invalidates by the request tags and by the response tags, both rendered in the loader', async () => {
    const s = await serve();
    await s.get('/items/3');
    await s.cache.invalidateTags(['item:3']);
    expect((await s.get('/items/3')).headers.get('cache-status')).toMatch(/fwd=miss/);
    expect((await s.get('/items/3')).headers.get('cache-status')).toMatch(/hit/);
    await s.cache.invalidateTags(['name:lamp']);
    expect((await s.get('/items/3')).headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(s.calls()).toBe(3);
  });

  it('answers a matching If-None-Match with 304: the entry\'s headers, no body, no Content-Type', async () => {
    const s = await serve();
    const first = await s.get('/items/4');
    const etag = first.headers.get('etag')!;
    const r = await s.get('/items/4', { 'if-none-match': etag });
    expect(r.status).toBe(304);
    expect(r.text).toBe('');
    expect(r.headers.get('etag')).toBe(etag);
    expect(r.headers.get('x-extra')).toBe('a');
    expect(r.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    expect(r.headers.get('content-type')).toBeNull();
    // The 304 did not strip the entry's prepared headers: the next 200 still has its Content-Type.
    expect((await s.get('/items/4')).headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

describe('cached route keys', () => {
  it('keys by URL for a public route without Vary: a different query or id is another entry, the same URL the same', async () => {
    const s = await serve();
    await s.get('/items/5?a=1');
    expect((await s.get('/items/5?a=1')).headers.get('cache-status')).toMatch(/hit/);
    expect((await s.get('/items/5?a=2')).headers.get('cache-status')).toMatch(/fwd=miss/);
    expect((await s.get('/items/6?a=1')).headers.get('cache-status')).toMatch(/fwd=miss/);
    // Another spelling of the same parameters is the same entry, as the keyer decides.
    expect((await s.get('/items/05?a=1')).headers.get('cache-status')).toMatch(/hit/);
    expect(s.calls()).toBe(3);
  });
});
