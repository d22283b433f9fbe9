/** grpcCacheInterceptor against a real grpc-js server on loopback. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { grpcCacheInterceptor, grpcKey } from '@cachegen/runtime/grpc';

interface Product { id: string; name: string; priceCents: string; thumbnail: Buffer }
type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
interface CatalogClient extends grpc.Client {
  getProduct(request: unknown, metadata: grpc.Metadata, callback: Callback<Product>): grpc.ClientUnaryCall;
  getProduct(request: unknown, callback: Callback<Product>): grpc.ClientUnaryCall;
  updateProduct(request: unknown, callback: Callback<Product>): grpc.ClientUnaryCall;
  watchProducts(request: unknown): grpc.ClientReadableStream<Product>;
}

const definition = protoLoader.loadSync(fileURLToPath(new URL('./fixtures/catalog.proto', import.meta.url)), { longs: String, defaults: true });
const proto = grpc.loadPackageDefinition(definition) as unknown as {
  catalog: { v1: { Catalog: grpc.ServiceClientConstructor } };
};
const GET = '/catalog.v1.Catalog/GetProduct';

let server: grpc.Server;
let address: string;
let cache: Cache;
let client: CatalogClient;
const calls: Record<string, number> = {};

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(proto.catalog.v1.Catalog.service, {
    getProduct(call: grpc.ServerUnaryCall<{ id: string; labels: Record<string, string> }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      calls.get = (calls.get ?? 0) + 1;
      const { id, labels } = call.request;
      if (id === 'missing') return callback({ code: grpc.status.NOT_FOUND, details: `no product ${id}` });
      callback(null, {
        id, name: `product ${id} v${calls.get}${labels.lang ? ` (${labels.lang})` : ''}`,
        priceCents: '9007199254740993', thumbnail: Buffer.from([0, 1, 2, 255]),
      });
    },
    updateProduct(call: grpc.ServerUnaryCall<Product, unknown>, callback: grpc.sendUnaryData<unknown>) {
      calls.update = (calls.update ?? 0) + 1;
      callback(null, call.request);
    },
    watchProducts(call: grpc.ServerWritableStream<{ id: string }, unknown>) {
      calls.watch = (calls.watch ?? 0) + 1;
      call.write({ id: call.request.id, name: 'streamed' });
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  address = `127.0.0.1:${port}`;
  cache = createCache({ l1: { maxEntries: 1000 } });
  client = new proto.catalog.v1.Catalog(address, grpc.credentials.createInsecure(), {
    interceptors: [grpcCacheInterceptor({
      cache,
      methods: {
        [GET]: { ttl: 60, tags: (request: { id: string }) => [`product:${request.id}`] },
        '/catalog.v1.Catalog/WatchProducts': { ttl: 60 },
      },
    })],
  }) as unknown as CatalogClient;
});

afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await cache.close();
});

beforeEach(async () => {
  await cache.clear();
  for (const k of Object.keys(calls)) delete calls[k];
});

function getProduct(request: unknown, metadata = new grpc.Metadata()): Promise<{ product: Product; cacheStatus: string }> {
  return new Promise((resolve, reject) => {
    let cacheStatus = '';
    const call = client.getProduct(request, metadata, (err, product) => (err ? reject(err) : resolve({ product: product!, cacheStatus })));
    call.on('metadata', (md) => { cacheStatus = String(md.get('cache-status')[0] ?? ''); });
  });
}

describe('grpcCacheInterceptor (real grpc-js server)', () => {
  it('answers a repeated unary call from the cache, bytes and int64 intact', async () => {
    const first = await getProduct({ id: '1' });
    const second = await getProduct({ id: '1' });
    expect(calls.get).toBe(1);
    expect(second.product).toEqual(first.product);
    expect(Buffer.isBuffer(second.product.thumbnail)).toBe(true);
    expect([...second.product.thumbnail]).toEqual([0, 1, 2, 255]);
    expect(second.product.priceCents).toBe('9007199254740993');
    expect(first.cacheStatus).toContain('fwd=miss');
    expect(second.cacheStatus).toContain('hit');
  });

  it('keys by request bytes: a different request misses, a reordered map hits', async () => {
    await getProduct({ id: '1', labels: { lang: 'en', region: 'eu' } });
    await getProduct({ id: '1', labels: { region: 'eu', lang: 'en' } });
    expect(calls.get).toBe(1);
    const other = await getProduct({ id: '1', labels: { lang: 'fr', region: 'eu' } });
    expect(other.product.name).toContain('(fr)');
    expect(calls.get).toBe(2);
  });

  it('shares one server call between concurrent identical calls', async () => {
    const results = await Promise.all([getProduct({ id: '7' }), getProduct({ id: '7' }), getProduct({ id: '7' })]);
    expect(calls.get).toBe(1);
    expect(new Set(results.map((r) => r.product.name)).size).toBe(1);
  });

  it('delivers server errors with their status and never stores them', async () => {
    await expect(getProduct({ id: 'missing' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(getProduct({ id: 'missing' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    expect(calls.get).toBe(2);
  });

  it('invalidates by tag', async () => {
    await getProduct({ id: '3' });
    await cache.invalidateTags(['product:3']);
    const fresh = await getProduct({ id: '3' });
    expect(calls.get).toBe(2);
    expect(fresh.product.name).toBe('product 3 v2');
  });

  it('leaves methods without a policy and streaming methods alone', async () => {
    const update = () => new Promise<Product>((resolve, reject) =>
      client.updateProduct({ id: '1', name: 'x' }, (err, p) => (err ? reject(err) : resolve(p!))));
    await update();
    await update();
    expect(calls.update).toBe(2);
    const watch = () => new Promise<string[]>((resolve, reject) => {
      const names: string[] = [];
      const stream = client.watchProducts({ id: '1' });
      stream.on('data', (p: Product) => names.push(p.name));
      stream.on('end', () => resolve(names));
      stream.on('error', reject);
    });
    expect(await watch()).toEqual(['streamed']);
    expect(await watch()).toEqual(['streamed']);
    expect(calls.watch).toBe(2);
  });
});

describe('grpcCacheInterceptor policies', () => {
  let now = Date.UTC(2026, 0, 1);
  let failing = false;
  let calls2 = 0;
  let server2: grpc.Server;
  let cache2: Cache;
  let client2: CatalogClient;

  beforeAll(async () => {
    server2 = new grpc.Server();
    server2.addService(proto.catalog.v1.Catalog.service, {
      getProduct(call: grpc.ServerUnaryCall<{ id: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
        calls2++;
        if (failing) return callback({ code: grpc.status.UNAVAILABLE, details: 'down' });
        callback(null, { id: call.request.id, name: `for ${String(call.metadata.get('x-user')[0] ?? 'nobody')} #${calls2}` });
      },
      updateProduct: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
      watchProducts: (c: grpc.ServerWritableStream<unknown, unknown>) => c.end(),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server2.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    cache2 = createCache({ l1: { maxEntries: 100 }, clock: () => now });
    client2 = new proto.catalog.v1.Catalog(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      interceptors: [grpcCacheInterceptor({
        cache: cache2,
        methods: { [GET]: { ttl: 1, staleIfError: 60, scope: 'private' } },
        identify: (metadata) => metadata.get('x-user')[0]?.toString(),
      })],
    }) as unknown as CatalogClient;
  });

  afterAll(async () => {
    client2.close();
    await new Promise<void>((resolve) => server2.tryShutdown(() => resolve()));
    await cache2.close();
  });

  const call = (user?: string) => new Promise<Product>((resolve, reject) => {
    const metadata = new grpc.Metadata();
    if (user) metadata.set('x-user', user);
    client2.getProduct({ id: '1' }, metadata, (err, p) => (err ? reject(err) : resolve(p!)));
  });

  it('keys private methods by identity and passes anonymous calls through', async () => {
    const alice = await call('alice');
    const bob = await call('bob');
    expect((await call('alice')).name).toBe(alice.name);
    expect(bob.name).toContain('for bob');
    expect(calls2).toBe(2);
    await call();
    await call();
    expect(calls2).toBe(4);
  });

  it('answers with the stale response while the server fails, within staleIfError', async () => {
    const before = await call('carol');
    now += 5_000;
    failing = true;
    try {
      expect((await call('carol')).name).toBe(before.name);
      now += 120_000;
      await expect(call('carol')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      failing = false;
    }
  });
});

describe('grpcKey', () => {
  it.each<[string, [string, number[]], [string, number[]]]>([
    ['methods', ['/a.S/M', [1, 2]], ['/a.S/N', [1, 2]]],
    ['bytes', ['/a.S/M', [1, 2]], ['/a.S/M', [1, 3]]],
    ['a method that embeds a separator', ['/a.S/M|=AQ', []], ['/a.S/M', [1]]],
    ['long bytes that differ only at the end', ['/a.S/M', [...Array(200).fill(7), 1]], ['/a.S/M', [...Array(200).fill(7), 2]]],
  ])('differs for different %s', (_name, [m1, b1], [m2, b2]) => {
    expect(grpcKey(m1, Uint8Array.from(b1))).not.toBe(grpcKey(m2, Uint8Array.from(b2)));
  });

  it('is the same for the same method and bytes, and bounded for large messages', () => {
    expect(grpcKey('/a.S/M', Uint8Array.from([1, 2]))).toBe(grpcKey('/a.S/M', Buffer.from([1, 2])));
    expect(grpcKey('/a.S/M', new Uint8Array(100_000)).length).toBeLessThan(80);
  });
});
