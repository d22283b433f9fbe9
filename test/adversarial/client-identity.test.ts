/**
 * #11.3: the generated client keys private entries by exactly what the server keys by (the
 * operation's identity sources, through the same key module), caches nothing private without an
 * identity, and never lets one caller's private answer reach another, also through cachedFetch
 * for reads without x-cache. A real generated-style server (registerOperations) on a real socket.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createCache, createCaller, type Cache, type IdentitySource, type OperationTable } from '@cachegen/runtime';
import { registerOperations, reply, type OperationSpec } from '@cachegen/runtime/fastify';

const SECRET = 'client-identity-test-secret';

type Policy = NonNullable<OperationSpec['cache']>['policy'];

function policy(overrides: Partial<Policy> = {}): Policy {
  return { ttl: 60, swr: 0, staleIfError: 0, scope: 'private', vary: [], tags: [], revalidate: false, sensitive: false, key: {}, ...overrides };
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => { for (const close of closers.splice(0)) await close(); });

/** A server answering `{ caller }` from the header/cookie the identity source names, and a client table for the same operation. */
async function setup(identity: IdentitySource[] | undefined, p: Policy = policy(), opts: { uncachedHeaders?: Record<string, string> } = {}) {
  const op: OperationSpec = {
    operationId: 'me', method: 'GET', url: '/me', schema: {}, successStatus: 200, contentType: 'application/json', invalidates: [],
    ...(opts.uncachedHeaders ? {} : { cache: { policy: p, tags: [], ...(identity ? { identity } : {}) } }),
  };
  let calls = 0;
  const app: FastifyInstance = Fastify();
  const serverCache = createCache({ namespace: 'client-identity-server', logger: { warn() {} } });
  closers.push(() => app.close(), () => serverCache.close());
  registerOperations(app, [op], [], {
    handlers: {
      me: async ({ headers }: { headers: Record<string, string | undefined> }) => {
        calls++;
        const caller = { key: headers['x-api-key'], cookie: headers.cookie, authorization: headers.authorization, tenant: headers['x-tenant'] };
        return opts.uncachedHeaders ? reply(200, caller, opts.uncachedHeaders) : caller;
      },
    },
    cache: serverCache,
    secret: SECRET,
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const table: OperationTable = {
    me: { method: 'GET', path: '/me', ...(opts.uncachedHeaders ? {} : { cache: { ...p, ...(identity ? { identity } : {}) } }) },
  };
  let fetches = 0;
  const counting: typeof fetch = (input, init) => { fetches++; return fetch(input, init); };
  return {
    /** Requests that reached the server (the client did not answer them from its cache), and the handler's calls. */
    fetches: () => fetches,
    calls: () => calls,
    client: (cache: Cache, headers: () => Record<string, string>) => {
      const call = createCaller({ baseUrl, cache, headers, fetch: counting }, table);
      return () => call<Record<string, string | undefined>>('me');
    },
  };
}

function localCache(): Cache {
  const cache = createCache({ namespace: 'client-identity', logger: { warn() {} } });
  closers.push(() => cache.close());
  return cache;
}

describe('#11.3 the client keys private entries by the operation\'s identity source', () => {
  const schemes: Array<[string, IdentitySource, (who: string) => Record<string, string>, 'cookie' | 'key']> = [
    ['a cookie scheme', { in: 'cookie', name: 'sid' }, (who) => ({ cookie: `theme=dark; sid=${who}` }), 'cookie'],
    ['an API-key header scheme', { in: 'header', name: 'x-api-key' }, (who) => ({ 'x-api-key': who }), 'key'],
  ];
  for (const [what, source, credential, echoed] of schemes) {
    it(`${what}: one client calling for two users gives each their own answer`, async () => {
      const s = await setup([source]);
      let who = 'alice';
      const me = s.client(localCache(), () => credential(who));
      const answerFor = async (user: string) => { who = user; return (await me())[echoed]; };
      expect(await answerFor('alice')).toBe(Object.values(credential('alice'))[0]);
      expect(await answerFor('bob')).toBe(Object.values(credential('bob'))[0]);
      expect(await answerFor('alice')).toBe(Object.values(credential('alice'))[0]);
      expect(s.fetches()).toBe(2);
    });
  }

  it('no identity: a private answer is not cached by the client', async () => {
    const s = await setup([{ in: 'cookie', name: 'sid' }]);
    let cookie = 'theme=dark';
    const me = s.client(localCache(), () => ({ cookie }));
    expect((await me()).cookie).toBe('theme=dark');
    cookie = 'theme=light';
    expect((await me()).cookie).toBe('theme=light');
    expect(s.fetches()).toBe(2);
  });

  it('an operation whose spec names no identity source is never cached by the client', async () => {
    const s = await setup([]);
    let authorization = 'Bearer alice';
    const me = s.client(localCache(), () => ({ authorization }));
    await me();
    authorization = 'Bearer bob';
    expect((await me()).authorization).toBe('Bearer bob');
    await me();
    expect(s.fetches()).toBe(3);
  });

  it('private entries stay in this client\'s memory: another client on the same Redis does not see them', async () => {
    const s = await setup([{ in: 'header', name: 'authorization' }]);
    const namespace = `client-identity-l2-${process.pid}-${Date.now()}`;
    const a = createCache({ namespace, l2: { redis: inject('redisUrl') }, logger: { warn() {} } });
    const b = createCache({ namespace, l2: { redis: inject('redisUrl') }, logger: { warn() {} } });
    closers.push(async () => { await a.clear(); await Promise.all([a.close(), b.close()]); });
    const headers = () => ({ authorization: 'Bearer alice' });
    await s.client(a, headers)();
    await s.client(a, headers)();
    expect(s.fetches()).toBe(1);
    await s.client(b, headers)();
    expect(s.fetches()).toBe(2);
  });

  it('a read without x-cache whose answer says private is not shared between cookies (cachedFetch)', async () => {
    const s = await setup(undefined, policy(), { uncachedHeaders: { 'cache-control': 'private, max-age=60' } });
    let cookie = 'sid=alice';
    const me = s.client(localCache(), () => ({ cookie }));
    expect((await me()).cookie).toBe('sid=alice');
    expect((await me()).cookie).toBe('sid=alice');
    expect(s.fetches()).toBe(1);
    cookie = 'sid=bob';
    expect((await me()).cookie).toBe('sid=bob');
    expect(s.fetches()).toBe(2);
  });

  it('public vary values are keyed by the key module: values holding `&` and `=` cannot collide', async () => {
    const s = await setup(undefined, policy({ scope: 'public', vary: ['x-tenant', 'x-region'] }));
    let headers: Record<string, string> = { 'x-tenant': 'a&x-region=b', 'x-region': '' };
    const me = s.client(localCache(), () => headers);
    expect((await me()).tenant).toBe('a&x-region=b');
    headers = { 'x-tenant': 'a', 'x-region': 'b&x-region=' };
    expect((await me()).tenant).toBe('a');
    expect(s.fetches()).toBe(2);
  });
});
