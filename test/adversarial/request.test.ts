/**
 * Adversarial cases for the server's request path (the generated Fastify routes): what a hostile
 * client, an odd identify() or a handler's own headers could make a cached route store, replay
 * or fail on. Each case drives a real Fastify server over a real socket.
 */
import { get } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { cloudflare, fastly } from '@cachegen/runtime/edge';
import { graphqlCache } from '@cachegen/runtime/graphql';
import { registerOperations, reply, type OperationSpec, type RoutesOptions } from '@cachegen/runtime/fastify';
import type { IdentitySource } from '@cachegen/runtime';
import { recordingServer } from '../edge/recorder.js';

const SECRET = 'adversarial-request-secret';

type Policy = NonNullable<OperationSpec['cache']>['policy'];

function policy(overrides: Partial<Policy> = {}): Policy {
  return { ttl: 60, swr: 0, staleIfError: 0, scope: 'public', vary: [], tags: [], revalidate: false, sensitive: false, key: {}, ...overrides };
}

function operation(id: string, p: Policy, extra: { tags?: string[]; identity?: IdentitySource[] } = {}): OperationSpec {
  return {
    operationId: id, method: 'GET', url: `/${id}`, schema: {}, successStatus: 200, contentType: 'application/json', invalidates: [],
    cache: {
      policy: p,
      tags: (extra.tags ?? []).map((source) => ({ source, parts: [{ kind: 'literal' as const, text: source }] })),
      ...(extra.identity ? { identity: extra.identity } : {}),
    },
  };
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => { for (const close of closers.splice(0)) await close(); });

type Handler = (request: { headers: Record<string, string | undefined> }) => unknown;

/** A server with one cached route; counts the handler's calls. */
async function serve(op: OperationSpec, handler: Handler, options: Partial<RoutesOptions> = {}): Promise<{
  url: string; cache: Cache; calls: () => number; get: (headers?: Record<string, string>, method?: string) => Promise<{ status: number; headers: Headers; text: string }>;
}> {
  const cache = createCache({ namespace: `adv-request-${op.operationId}`, logger: { warn() {} } });
  const app: FastifyInstance = Fastify();
  closers.push(() => app.close(), () => cache.close());
  let calls = 0;
  registerOperations(app, [op], [], {
    handlers: { [op.operationId]: async (request: { headers: Record<string, string | undefined> }) => { calls++; return handler(request); } },
    cache,
    ...options,
  });
  const url = (await app.listen({ port: 0, host: '127.0.0.1' })) + op.url;
  return {
    url, cache, calls: () => calls,
    get: async (headers = {}, method = 'GET') => {
      const r = await fetch(url, { headers, method });
      return { status: r.status, headers: r.headers, text: await r.text() };
    },
  };
}

describe('#11.3 a private response says what it varies on, and is keyed by the operation\'s identity source', () => {
  it('Vary names the identity header of an API-key scheme, and each key gets its own entry', async () => {
    const s = await serve(
      operation('apiKeyMe', policy({ scope: 'private' }), { identity: [{ in: 'header', name: 'x-api-key' }] }),
      ({ headers }) => ({ caller: headers['x-api-key'] }),
      { secret: SECRET },
    );
    const alice = await s.get({ 'x-api-key': 'alice-key' });
    expect(JSON.parse(alice.text)).toEqual({ caller: 'alice-key' });
    expect(alice.headers.get('cache-control')).toMatch(/^private/);
    expect(alice.headers.get('vary')).toBe('X-Api-Key');
    expect(JSON.parse((await s.get({ 'x-api-key': 'bob-key' })).text)).toEqual({ caller: 'bob-key' });
    const again = await s.get({ 'x-api-key': 'alice-key' });
    expect(JSON.parse(again.text)).toEqual({ caller: 'alice-key' });
    expect(again.headers.get('cache-status')).toMatch(/hit/);
    expect(s.calls()).toBe(2);
    // No credential: served, never stored.
    await s.get();
    await s.get();
    expect(s.calls()).toBe(4);
  });

  it('a cookie scheme: Vary: Cookie, and the entry is keyed by that cookie only', async () => {
    const s = await serve(
      operation('cookieMe', policy({ scope: 'private', vary: ['accept-language'] }), { identity: [{ in: 'cookie', name: 'sid' }] }),
      ({ headers }) => ({ cookie: headers.cookie }),
      { secret: SECRET },
    );
    const a = await s.get({ cookie: 'theme=dark; sid=alice' });
    expect(a.headers.get('vary')).toBe('Accept-Language, Cookie');
    expect(JSON.parse((await s.get({ cookie: 'sid=bob' })).text)).toEqual({ cookie: 'sid=bob' });
    expect(JSON.parse((await s.get({ cookie: 'theme=dark; sid=alice' })).text)).toEqual({ cookie: 'theme=dark; sid=alice' });
    expect(s.calls()).toBe(2);
  });

  it('the Authorization fallback (no sources in the table) says Vary: Authorization', async () => {
    const s = await serve(operation('bearerMe', policy({ scope: 'private' })), ({ headers }) => ({ who: headers.authorization }), { secret: SECRET });
    expect((await s.get({ authorization: 'Bearer a' })).headers.get('vary')).toBe('Authorization');
  });
});

describe('#11.10 a tag outside Latin-1 never fails a hit', () => {
  const hostile = ['price:€', 'emoji:🛒', 'crlf:a\r\nX-Injected: 1', 'comma:a,b', 'space:a b', 'percent:100%', 'latin1:é'];

  it('Surrogate-Key is percent-encoded UTF-8 on the miss and on every hit', async () => {
    const s = await serve(operation('tagged', policy(), { tags: hostile }), () => ({ ok: true }), { surrogateKeys: true });
    const expected = 'price:%E2%82%AC emoji:%F0%9F%9B%92 crlf:a%0D%0AX-Injected:%201 comma:a%2Cb space:a%20b percent:100%25 latin1:%C3%A9';
    for (let i = 0; i < 3; i++) {
      const r = await s.get();
      expect(r.status).toBe(200);
      expect(r.headers.get('surrogate-key')).toBe(expected);
      expect(r.headers.get('x-injected')).toBeNull();
    }
    expect(s.calls()).toBe(1);
  });

  it('Fastly and Cloudflare are asked to purge exactly the text the header carried', async () => {
    const s = await serve(operation('purged', policy(), { tags: hostile }), () => ({ ok: true }), { surrogateKeys: true });
    const header = (await s.get()).headers.get('surrogate-key')!.split(' ');
    const api = await recordingServer();
    closers.push(() => api.close());
    api.respond = () => ({ status: 200, body: JSON.stringify({ status: 'ok', success: true }) });
    const signal = new AbortController().signal;
    await fastly({ serviceId: 's', token: 't', apiUrl: api.url }).purge(hostile, signal);
    await cloudflare({ zoneId: 'z', token: 't', apiUrl: api.url }).purge(hostile, signal);
    expect(JSON.parse(api.received[0]!.body).surrogate_keys).toEqual(header);
    expect(JSON.parse(api.received[1]!.body).tags).toEqual(header);
  });
});

describe('#11.11 identify() returning a Promise or a non-string', () => {
  it('a Promise is awaited: each caller gets their own entry, never a shared `[object Promise]` one', async () => {
    const identify = async (request: FastifyRequest) => request.headers.authorization?.slice('Bearer '.length);
    const s = await serve(operation('asyncMe', policy({ scope: 'private' })), ({ headers }) => ({ user: headers.authorization }), { identify });
    expect(JSON.parse((await s.get({ authorization: 'Bearer alice' })).text)).toEqual({ user: 'Bearer alice' });
    expect(JSON.parse((await s.get({ authorization: 'Bearer bob' })).text)).toEqual({ user: 'Bearer bob' });
    const again = await s.get({ authorization: 'Bearer alice' });
    expect(JSON.parse(again.text)).toEqual({ user: 'Bearer alice' });
    expect(again.headers.get('cache-status')).toMatch(/hit/);
    expect(again.headers.get('vary')).toBe('Authorization, Cookie');
    expect(s.calls()).toBe(2);
  });

  const refused: Array<[string, (request: FastifyRequest) => unknown]> = [
    ['an object', () => ({ id: 'alice' })],
    ['a number', () => 42],
    ['an empty string', () => ''],
    ['null', () => null],
    ['a Promise of an object', async () => ({ id: 'alice' })],
    ['a rejected Promise', async () => { throw new Error('session store down'); }],
    ['a throw', () => { throw new Error('bad cookie'); }],
  ];
  for (const [what, identify] of refused) {
    it(`${what}: served uncached, never a 500`, async () => {
      const s = await serve(operation('oddMe', policy({ scope: 'private' })), ({ headers }) => ({ user: headers.authorization }), { identify: identify as never });
      for (const user of ['alice', 'bob', 'alice']) {
        const r = await s.get({ authorization: user });
        expect(r.status).toBe(200);
        expect(JSON.parse(r.text)).toEqual({ user });
        expect(r.headers.get('cache-control')).toBe('no-store');
      }
      expect(s.calls()).toBe(3);
    });
  }
});

describe('#11.15 a handler\'s own Cache-Control and Vary win', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['no-store', { 'cache-control': 'no-store' }],
    ['private, no-store', { 'Cache-Control': 'private, no-store' }],
    ['private on a public route', { 'cache-control': 'private, max-age=60' }],
    ['no-cache', { 'cache-control': 'no-cache' }],
    ['a Vary the key does not cover', { vary: 'X-Tenant' }],
    ['Vary: *', { vary: '*' }],
  ];
  for (const [what, headers] of cases) {
    it(`${what}: not stored`, async () => {
      let n = 0;
      const s = await serve(operation('ownHeaders', policy({ vary: ['accept-language'] })), () => reply(200, { n: ++n }, headers));
      const first = await s.get();
      expect(JSON.parse(first.text)).toEqual({ n: 1 });
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(JSON.parse((await s.get()).text)).toEqual({ n: 2 });
      expect(s.calls()).toBe(2);
    });
  }

  it('a Vary the key covers is stored, and the response names both', async () => {
    const s = await serve(operation('coveredVary', policy({ vary: ['accept-language', 'x-tenant'] })), () => reply(200, { ok: true }, { vary: 'x-tenant' }));
    expect((await s.get()).headers.get('vary')).toBe('Accept-Language, X-Tenant');
    const hit = await s.get();
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    expect(hit.headers.get('vary')).toBe('Accept-Language, X-Tenant');
    expect(s.calls()).toBe(1);
  });

  it('a Cache-Control without private on a private route is not stored, nor sent as it is', async () => {
    const s = await serve(operation('widened', policy({ scope: 'private' })), ({ headers }) => reply(200, { who: headers.authorization }, { 'cache-control': 'public, max-age=600' }), { secret: SECRET });
    const first = await s.get({ authorization: 'Bearer a' });
    expect(first.headers.get('cache-control')).toBe('no-store');
    await s.get({ authorization: 'Bearer a' });
    expect(s.calls()).toBe(2);
  });

  it('private on a private route is stored per identity', async () => {
    const s = await serve(operation('privatePrivate', policy({ scope: 'private' })), ({ headers }) => reply(200, { who: headers.authorization }, { 'cache-control': 'private, max-age=5' }), { secret: SECRET });
    await s.get({ authorization: 'Bearer a' });
    expect((await s.get({ authorization: 'Bearer a' })).headers.get('cache-status')).toMatch(/hit/);
    expect(s.calls()).toBe(1);
  });
});

describe('request path: what else a request or a handler could make the cache keep', () => {
  it('Set-Cookie on a public route: not stored, sent to its own caller only', async () => {
    let n = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    const s = await serve(operation('login', policy()), async () => {
      const mine = ++n;
      if (mine === 1) await held;
      return reply(200, { session: mine }, { 'set-cookie': `sid=s${mine}; HttpOnly` });
    });
    // Two identical requests at once: the second joins the first's load, but must not get its cookie or body.
    const first = s.get();
    while (s.calls() < 1) await new Promise((r) => setTimeout(r, 5));
    const second = s.get();
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(JSON.parse(a.text)).toEqual({ session: 1 });
    expect(a.headers.get('set-cookie')).toBe('sid=s1; HttpOnly');
    expect(JSON.parse(b.text)).toEqual({ session: 2 });
    expect(b.headers.get('set-cookie')).toBe('sid=s2; HttpOnly');
    expect(JSON.parse((await s.get()).text)).toEqual({ session: 3 });
  });

  for (const status of [206, 304, 201, 404, 500]) {
    it(`a ${status} from the handler is not stored`, async () => {
      let n = 0;
      const s = await serve(operation(`status${status}`, policy()), () => (++n === 1 ? reply(status, status === 304 ? undefined : { n }) : { n }));
      expect((await s.get()).status).toBe(status);
      const next = await s.get();
      expect(next.status).toBe(200);
      expect(JSON.parse(next.text)).toEqual({ n: 2 });
    });
  }

  it('a handler header Node cannot send fails that request only: it is not stored to fail every hit', async () => {
    let n = 0;
    const s = await serve(operation('badHeader', policy()), () => reply(200, { n: ++n }, n === 1 ? { 'x-title': 'Caf\u00e9 \u20ac' } : {}));
    expect((await s.get()).status).toBe(500);
    const next = await s.get();
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text)).toEqual({ n: 2 });
  });

  it('the handler of a stored answer sees only the headers its key holds: Host, X-Forwarded-*, Accept, cookies cannot poison it', async () => {
    const s = await serve(operation('links', policy({ vary: ['accept-language'] })), ({ headers }) => ({ seen: headers }));
    const hostile = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'javascript', accept: 'text/html', cookie: 'sid=alice', 'accept-language': 'de' };
    const evil = await s.get(hostile);
    expect(JSON.parse(evil.text)).toEqual({ seen: { 'accept-language': 'de' } });
    const honest = await s.get({ 'accept-language': 'de' });
    expect(honest.headers.get('cache-status')).toMatch(/hit/);
    expect(JSON.parse(honest.text)).toEqual({ seen: { 'accept-language': 'de' } });
  });

  it('query parameters the key leaves out never reach the handler of a stored answer', async () => {
    const op = operation('search', policy({ key: { query: ['category'] } }));
    const s = await serve(op, (request) => ({ seen: (request as unknown as { query: unknown }).query }));
    const first = await fetch(`${s.url}?category=books&page=7&debug=1`);
    expect(await first.json()).toEqual({ seen: { category: 'books' } });
    const second = await fetch(`${s.url}?category=books&page=2`);
    expect(second.headers.get('cache-status')).toMatch(/hit/);
    expect(await second.json()).toEqual({ seen: { category: 'books' } });
    expect(s.calls()).toBe(1);
  });

  it('a header in vary reaches the handler and the key: one entry per Host', async () => {
    const s = await serve(operation('perHost', policy({ vary: ['host'] })), ({ headers }) => ({ host: headers.host }));
    const withHost = (host: string) => new Promise<string>((resolve, reject) => {
      get(s.url, { headers: { host } }, (res) => {
        let text = '';
        res.on('data', (chunk) => { text += chunk; }).on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(await withHost('a.example'))).toEqual({ host: 'a.example' });
    expect(JSON.parse(await withHost('b.example'))).toEqual({ host: 'b.example' });
    expect(JSON.parse(await withHost('a.example'))).toEqual({ host: 'a.example' });
    expect(s.calls()).toBe(2);
  });

  it('a spec string that cannot be a header fails at registration, naming the operation, not every answer with a 500', () => {
    const app = Fastify();
    const cache = createCache({ namespace: 'adv-request-spec-headers' });
    closers.push(() => app.close(), () => cache.close());
    const handlers = { badVary: async () => ({}), badType: async () => ({}) };
    expect(() => registerOperations(app, [operation('badVary', policy({ vary: ['x-a\r\nx-injected: 1'] }))], [], { handlers, cache }))
      .toThrow(/operation "badVary": x-cache vary .* is not a header name/);
    expect(() => registerOperations(app, [{ ...operation('badType', policy()), contentType: 'text/plain\r\nx-injected: 1' }], [], { handlers, cache }))
      .toThrow(/operation "badType": content type .* cannot be sent as a header/);
  });

  it('Age is never negative, also for an entry stored by an instance whose clock runs ahead', async () => {
    const namespace = `adv-request-age-${process.pid}-${Date.now()}`;
    const op = operation('aged', policy());
    const servers: string[] = [];
    const caches: Cache[] = [];
    for (const skew of [10_000, 0]) {
      const cache = createCache({ namespace, clock: () => Date.now() + skew, l2: { redis: inject('redisUrl') }, bus: false, logger: { warn() {} } });
      const app = Fastify();
      closers.push(() => app.close(), () => cache.close());
      registerOperations(app, [op], [], { handlers: { aged: async () => ({ ok: true }) }, cache });
      servers.push((await app.listen({ port: 0, host: '127.0.0.1' })) + op.url);
      caches.push(cache);
    }
    closers.push(() => caches[0]!.clear());
    await fetch(servers[0]!).then((r) => r.text());
    const behind = await fetch(servers[1]!);
    expect(behind.headers.get('cache-status')).toMatch(/hit/);
    expect(behind.headers.get('age')).toBe('0');
  });

  it('HEAD: a miss stores the whole response, a GET after it gets the body, a HEAD hit none', async () => {
    const s = await serve(operation('headFirst', policy()), () => ({ body: 'x'.repeat(100) }));
    const head = await s.get({}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const get = await s.get();
    expect(JSON.parse(get.text)).toEqual({ body: 'x'.repeat(100) });
    expect(get.headers.get('cache-status')).toMatch(/hit/);
    const headHit = await s.get({}, 'HEAD');
    expect(headHit.text).toBe('');
    expect(headHit.headers.get('content-length')).toBe(String(Buffer.byteLength(get.text)));
    expect(s.calls()).toBe(1);
  });
});

describe('#11.11 GraphQL: identify() returning a Promise or a non-string', () => {
  async function graphqlServer(identify: (request: FastifyRequest) => unknown) {
    const cache = createCache({ namespace: 'adv-request-graphql', logger: { warn() {} } });
    const app = Fastify();
    closers.push(() => app.close(), () => cache.close());
    let executions = 0;
    await app.register(graphqlCache, {
      cache, ttl: 60, scope: 'private', identify: identify as never,
      execute: async (_query, request) => { executions++; return { data: { me: request.headers['x-user'] ?? null } }; },
    });
    const url = (await app.listen({ port: 0, host: '127.0.0.1' })) + '/graphql';
    const ask = async (user: string) => {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': user }, body: JSON.stringify({ query: '{ me }' }) });
      return { status: r.status, body: await r.json() as { data: { me: string } } };
    };
    return { ask, executions: () => executions };
  }

  it('a Promise is awaited: each caller gets their own result', async () => {
    const g = await graphqlServer(async (request) => request.headers['x-user']);
    expect((await g.ask('alice')).body.data.me).toBe('alice');
    expect((await g.ask('bob')).body.data.me).toBe('bob');
    expect((await g.ask('alice')).body.data.me).toBe('alice');
    expect(g.executions()).toBe(2);
  });

  for (const [what, identify] of [['an object', () => ({ id: 1 })], ['a throw', () => { throw new Error('no session'); }]] as const) {
    it(`${what}: executed uncached, never shared`, async () => {
      const g = await graphqlServer(identify);
      for (const user of ['alice', 'bob']) {
        const r = await g.ask(user);
        expect(r.status).toBe(200);
        expect(r.body.data.me).toBe(user);
      }
      expect(g.executions()).toBe(2);
    });
  }
});
