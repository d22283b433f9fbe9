/**
 * Private keys of the GraphQL handler and the gRPC interceptor against identities that are not
 * plain strings (#11 "find the rest", the class of item 11 beyond REST). The gRPC interceptor gave
 * every caller whose `identify` answered a Promise or an object the identity `[object Promise]`
 * (the second caller got the first one's private answer), and failed the call when identify threw;
 * a lone surrogate in an identity threw on the request path of both (a GraphQL 500, a failed gRPC
 * call). All three keep one rule now (runtime/keys identityPart): a non-empty string is an
 * identity, anything else none (uncached), and nothing throws. The GraphQL async/object/throw cases
 * were fixed with REST's (#11.11); they stay here as guards.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { buildSchema, graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { graphqlCache } from '@cachegen/runtime/graphql';
import { grpcCacheInterceptor } from '@cachegen/runtime/grpc';

const caches: Cache[] = [];
afterAll(async () => { for (const cache of caches) await cache.close(); });

function freshCache(): Cache {
  const cache = createCache({ l1: { maxEntries: 100 } });
  caches.push(cache);
  return cache;
}

describe('GraphQL private keys', () => {
  const schema = buildSchema('type Query { me: String }');
  let app: FastifyInstance;
  const user = (request: FastifyRequest) => request.headers['x-user'] as string | undefined;

  beforeAll(async () => {
    app = Fastify();
    const execute = (req: { query: string }, request: FastifyRequest) =>
      graphql({ schema, source: req.query, rootValue: { me: () => `me is ${user(request) ?? 'nobody'}` } });
    const identities: Record<string, (request: FastifyRequest) => unknown> = {
      async: async (request) => user(request),
      object: (request) => ({ id: user(request) }),
      throwing: () => { throw new Error('identity store down'); },
      raw: (request) => user(request),
    };
    for (const [path, identify] of Object.entries(identities)) {
      await app.register(graphqlCache, { cache: freshCache(), execute, ttl: 60, path: `/${path}`, scope: 'private', identify: identify as never });
    }
    await app.ready();
  });
  afterAll(async () => { await app.close(); });

  const ask = async (path: string, who: string) => {
    const response = await app.inject({ method: 'POST', url: `/${path}`, headers: { 'x-user': who }, payload: { query: '{ me }' } });
    return { status: response.statusCode, me: (response.json() as { data?: { me?: string } }).data?.me };
  };

  it('awaits an async identify: each caller gets their own answer', async () => {
    expect(await ask('async', 'alice')).toEqual({ status: 200, me: 'me is alice' });
    expect(await ask('async', 'bob')).toEqual({ status: 200, me: 'me is bob' });
    expect(await ask('async', 'alice')).toEqual({ status: 200, me: 'me is alice' });
  });

  it.each(['object', 'throwing'])('an identify that answers %s: served uncached, never another caller\'s answer', async (path) => {
    expect(await ask(path, 'alice')).toEqual({ status: 200, me: 'me is alice' });
    expect(await ask(path, 'bob')).toEqual({ status: 200, me: 'me is bob' });
  });

  it('an identity with a lone surrogate is keyed, not a 500', async () => {
    // A header cannot carry one; identify can compute one (from a token's claims, say).
    const lone = 'ann\uD800';
    const weird = Fastify();
    const execute = () => graphql({ schema, source: '{ me }', rootValue: { me: () => 'me is ann' } });
    await weird.register(graphqlCache, { cache: freshCache(), execute, ttl: 60, path: '/g', scope: 'private', identify: () => lone });
    try {
      const response = await weird.inject({ method: 'POST', url: '/g', payload: { query: '{ me }' } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ data: { me: 'me is ann' } });
    } finally {
      await weird.close();
    }
  });
});

describe('gRPC private keys', () => {
  interface Product { id: string; name: string }
  type Client = grpc.Client & { getProduct(request: unknown, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, value?: Product) => void): void };
  const definition = protoLoader.loadSync(fileURLToPath(new URL('../grpc/fixtures/catalog.proto', import.meta.url)), { longs: String, defaults: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { catalog: { v1: { Catalog: grpc.ServiceClientConstructor } } };
  const GET = '/catalog.v1.Catalog/GetProduct';
  let server: grpc.Server;
  let port: number;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(proto.catalog.v1.Catalog.service, {
      getProduct: (call: grpc.ServerUnaryCall<{ id: string }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        callback(null, { id: call.request.id, name: `for ${String(call.metadata.get('x-user')[0] ?? 'nobody')}` }),
      updateProduct: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
      watchProducts: (c: grpc.ServerWritableStream<unknown, unknown>) => c.end(),
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  function clientWith(identify: (metadata: grpc.Metadata) => unknown): (user: string) => Promise<string> {
    const client = new proto.catalog.v1.Catalog(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      interceptors: [grpcCacheInterceptor({ cache: freshCache(), methods: { [GET]: { ttl: 60, scope: 'private' } }, identify: identify as never })],
    }) as unknown as Client;
    clients.push(client);
    return (user) => new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('x-user', user);
      client.getProduct({ id: '1' }, metadata, (err, p) => (err ? reject(err) : resolve(p!.name)));
    });
  }

  const user = (metadata: grpc.Metadata) => metadata.get('x-user')[0]?.toString();
  it.each([
    ['a Promise', (metadata: grpc.Metadata) => Promise.resolve(user(metadata))],
    ['an object', (metadata: grpc.Metadata) => ({ id: user(metadata) })],
    ['a throw', () => { throw new Error('identity store down'); }],
  ])('an identify that answers %s: the call goes through uncached, never another caller\'s answer', async (_, identify) => {
    const call = clientWith(identify);
    expect(await call('alice')).toBe('for alice');
    expect(await call('bob')).toBe('for bob');
  });

  it('an identity with a lone surrogate is keyed, not a failed call', async () => {
    const call = clientWith((metadata) => `${user(metadata)}\uD800`);
    expect(await call('alice')).toBe('for alice');
    expect(await call('bob')).toBe('for bob');
    expect(await call('alice')).toBe('for alice');
  });
});
