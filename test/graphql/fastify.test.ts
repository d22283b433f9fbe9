/** graphqlCacheHandler over real sockets: a tiny graphql-js schema behind Fastify, called with fetch. */
import Fastify, { type FastifyInstance } from 'fastify';
import { buildSchema, graphql } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { graphqlCache } from '@cachegen/runtime/graphql';

const schema = buildSchema(`
  type User { id: ID! name: String! email: String! }
  type Query { user(id: ID!): User  me: User  boom: String }
  type Mutation { rename(id: ID!, name: String!): User }
  type Subscription { ticks: Int }
`);

const users = new Map<string, { id: string; name: string; email: string }>();
let resolverCalls = 0;
const rootValue = {
  user: ({ id }: { id: string }) => { resolverCalls++; return users.get(id); },
  me: (_args: unknown, context: { user?: string }) => { resolverCalls++; return context.user ? users.get(context.user) : null; },
  boom: () => { resolverCalls++; throw new Error('resolver failed'); },
  rename: ({ id, name }: { id: string; name: string }) => { resolverCalls++; const u = users.get(id)!; u.name = name; return u; },
  ticks: () => { resolverCalls++; return 1; },
};

let app: FastifyInstance;
let publicUrl: string;
let privateUrl: string;
let cache: Cache;

beforeAll(async () => {
  cache = createCache({ l1: { maxEntries: 1000 } });
  app = Fastify();
  const execute = (req: { query: string; variables?: unknown; operationName?: string | null }, request: { headers: Record<string, unknown> }) =>
    graphql({
      schema, rootValue, source: req.query, variableValues: req.variables as Record<string, unknown> | undefined,
      operationName: req.operationName ?? null, contextValue: { user: request.headers['x-user'] },
    });
  await app.register(graphqlCache, {
    cache, execute, ttl: 60, path: '/graphql',
    tags: (req) => [`user:${String((req.variables as { id?: string } | undefined)?.id ?? 'all')}`],
  });
  await app.register(graphqlCache, {
    cache, execute, ttl: 60, path: '/private', scope: 'private', identify: (request) => request.headers['x-user'] as string | undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  publicUrl = `http://127.0.0.1:${address.port}/graphql`;
  privateUrl = `http://127.0.0.1:${address.port}/private`;
});

afterAll(async () => {
  await app.close();
  await cache.close();
});

beforeEach(async () => {
  await cache.clear();
  resolverCalls = 0;
  users.set('1', { id: '1', name: 'Ada', email: 'ada@example.com' });
  users.set('2', { id: '2', name: 'Grace', email: 'grace@example.com' });
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, cacheStatus: response.headers.get('cache-status'), json: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

describe('graphqlCache (Fastify, real sockets)', () => {
  it('answers the same query with reordered fields from the cache', async () => {
    const first = await post(publicUrl, { query: '{ user(id: 1) { name email } }' });
    const second = await post(publicUrl, { query: '{ user(id: 1) { email name } }' });
    expect(first.json.data).toEqual({ user: { name: 'Ada', email: 'ada@example.com' } });
    expect(second.json.data).toEqual(first.json.data);
    expect(first.cacheStatus).toContain('fwd=miss; stored');
    expect(second.cacheStatus).toContain('hit');
    expect(resolverCalls).toBe(1);
  });

  it('keeps queries with different aliases or variables apart', async () => {
    const query = 'query U($id: ID!) { user(id: $id) { name } }';
    await post(publicUrl, { query, variables: { id: '1' } });
    const other = await post(publicUrl, { query, variables: { id: '2' } });
    const aliased = await post(publicUrl, { query: 'query U($id: ID!) { user(id: $id) { n: name } }', variables: { id: '1' } });
    expect(other.json.data).toEqual({ user: { name: 'Grace' } });
    expect(aliased.json.data).toEqual({ user: { n: 'Ada' } });
    expect(resolverCalls).toBe(3);
  });

  it('never caches mutations, and invalidates by tag', async () => {
    const query = 'query U($id: ID!) { user(id: $id) { name } }';
    await post(publicUrl, { query, variables: { id: '1' } });
    const mutation = { query: 'mutation { rename(id: 1, name: "Ada L.") { name } }' };
    const m1 = await post(publicUrl, mutation);
    await post(publicUrl, mutation);
    expect(m1.cacheStatus).toContain('fwd=bypass');
    expect(resolverCalls).toBe(3);
    await cache.invalidateTags(['user:1']);
    const after = await post(publicUrl, { query, variables: { id: '1' } });
    expect(after.json.data).toEqual({ user: { name: 'Ada L.' } });
    expect(resolverCalls).toBe(4);
  });

  it('never caches subscriptions', async () => {
    await post(publicUrl, { query: 'subscription { ticks }' });
    const second = await post(publicUrl, { query: 'subscription { ticks }' });
    expect(second.cacheStatus).toContain('fwd=bypass');
    expect(resolverCalls).toBe(2);
  });

  it('never stores results with errors', async () => {
    const first = await post(publicUrl, { query: '{ boom }' });
    await post(publicUrl, { query: '{ boom }' });
    expect(first.json.errors).toHaveLength(1);
    expect(resolverCalls).toBe(2);
  });

  it('passes invalid documents to the executor uncached', async () => {
    const response = await post(publicUrl, { query: '{ user(id: 1) { name }' });
    expect(response.json.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Syntax Error') })]);
    expect(response.cacheStatus).toContain('invalid-document');
    expect((await post(publicUrl, { nope: 1 })).status).toBe(400);
  });

  it('keys private queries by caller and never answers anonymous callers from the cache', async () => {
    const me = { query: '{ me { name } }' };
    const ada = await post(privateUrl, me, { 'x-user': '1' });
    const grace = await post(privateUrl, me, { 'x-user': '2' });
    const adaAgain = await post(privateUrl, me, { 'x-user': '1' });
    const anonymous = await post(privateUrl, me);
    expect(ada.json.data).toEqual({ me: { name: 'Ada' } });
    expect(grace.json.data).toEqual({ me: { name: 'Grace' } });
    expect(adaAgain.json.data).toEqual({ me: { name: 'Ada' } });
    expect(anonymous.json.data).toEqual({ me: null });
    expect(anonymous.cacheStatus).toContain('no-identity');
    expect(resolverCalls).toBe(3);
  });
});
