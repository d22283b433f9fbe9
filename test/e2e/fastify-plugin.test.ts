/**
 * The generated routes plugin follows Fastify's conventions (#12): the cache is `app.cache`
 * (typed by declaration merging) for programmatic invalidation; a cache the plugin created is
 * closed with the app, one the user passed is theirs; `/metrics` is served only when asked, and
 * can live behind the user's auth or on a listener of its own.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { routesPlugin, type OperationSpec } from '@cachegen/runtime/fastify';
import { createPrometheusObserver, registerMetricsRoute } from '@cachegen/runtime/prometheus';

const tag = (name: string) => ({ source: `item:{${name}}`, parts: [{ kind: 'literal' as const, text: 'item:' }, { kind: 'path' as const, name }] });
const params = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };
const operations: OperationSpec[] = [
  {
    operationId: 'getItem',
    method: 'GET',
    url: '/items/:id',
    schema: { params },
    successStatus: 200,
    contentType: 'application/json',
    invalidates: [],
    cache: {
      policy: { ttl: 60, swr: 0, staleIfError: 0, scope: 'public', vary: [], tags: [], revalidate: false, sensitive: false, key: {} },
      tags: [tag('id')],
    },
  },
];
const routes = routesPlugin<{ getItem: unknown }>(operations, []);

const apps: FastifyInstance[] = [];
afterEach(async () => { await Promise.all(apps.splice(0).map((a) => a.close())); });

function newApp(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  return app;
}

/** A handler counting its calls, so a hit (no call) and a miss (a call) can be told apart. */
function counted() {
  let calls = 0;
  return { handlers: { getItem: async ({ params: p }: { params: { id: number } }) => ({ id: p.id, version: ++calls }) }, calls: () => calls };
}

describe('the routes plugin (Fastify conventions)', () => {
  it('decorates app.cache, typed as the Cache, for programmatic invalidation', async () => {
    const app = newApp();
    const { handlers, calls } = counted();
    await app.register(routes, { handlers, cache: { namespace: 'plugin-decorate' } });
    expectTypeOf(app.cache).toEqualTypeOf<Cache>();
    expect((await app.inject('/items/1')).json()).toEqual({ id: 1, version: 1 });
    expect((await app.inject('/items/1')).headers['cache-status']).toMatch(/^cachegen; hit/);
    expect(await app.cache.invalidateTags(['item:1'])).toBe(true);
    const after = await app.inject('/items/1');
    expect(after.json()).toEqual({ id: 1, version: 2 });
    expect(after.headers['cache-status']).toMatch(/fwd=miss/);
    expect(calls()).toBe(2);
  });

  it('closes a cache it created on app.close(); one the user passed stays open for its owner', async () => {
    const created = newApp();
    await created.register(routes, { handlers: counted().handlers, cache: { namespace: 'plugin-owned' } });
    const closeCreated = vi.spyOn(created.cache, 'close');

    const mine = createCache({ namespace: 'plugin-mine' });
    const closeMine = vi.spyOn(mine, 'close');
    const passed = newApp();
    await passed.register(routes, { handlers: counted().handlers, cache: mine });
    expect(passed.cache).toBe(mine);

    await Promise.all(apps.splice(0).map((a) => a.close()));
    expect(closeCreated).toHaveBeenCalledTimes(1);
    expect(closeMine).not.toHaveBeenCalled();
    // Still the owner's to use (e.g. by a second app) and to close.
    expect(await mine.getOrSet('k', async () => 'v', { ttl: 60 })).toBe('v');
    await mine.close();
  });

  it('applies a register prefix to the routes', async () => {
    const app = newApp();
    await app.register(routes, { handlers: counted().handlers, prefix: '/api' });
    expect((await app.inject('/api/items/1')).statusCode).toBe(200);
    expect((await app.inject('/items/1')).statusCode).toBe(404);
  });

  it('refuses a second app.cache in one scope, naming the fix; separate scopes each get their own', async () => {
    const app = newApp();
    await app.register(routes, { handlers: counted().handlers });
    await expect(app.register(routes, { handlers: counted().handlers }).ready()).rejects.toThrow(/app\.cache is already decorated.*its own scope/);

    const scoped = newApp();
    const caches: Cache[] = [];
    for (const prefix of ['/a', '/b']) {
      await scoped.register(async (api) => {
        await api.register(routes, { handlers: counted().handlers, prefix });
        caches.push(api.cache);
      });
    }
    await scoped.ready();
    expect(caches).toHaveLength(2);
    expect(caches[0]).not.toBe(caches[1]);
    expect(scoped.hasDecorator('cache')).toBe(false);
  });

  it('serves no /metrics unless asked; metrics can sit behind the app\'s auth or on a listener of their own', async () => {
    const observer = createPrometheusObserver();
    const cache = createCache({ namespace: 'plugin-metrics', observer });
    const app = newApp();
    await app.register(routes, { handlers: counted().handlers, cache });
    // Behind the user's own auth: an encapsulated scope with its hook.
    await app.register(async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (request.headers.authorization !== 'Bearer ops') await reply.code(401).send({ message: 'unauthorized' });
      });
      registerMetricsRoute(admin, observer, '/admin/metrics');
    });
    await app.inject('/items/1');
    await app.inject('/items/1');
    expect((await app.inject('/metrics')).statusCode).toBe(404);
    expect((await app.inject('/admin/metrics')).statusCode).toBe(401);
    const scraped = await app.inject({ url: '/admin/metrics', headers: { authorization: 'Bearer ops' } });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toMatch(/cachegen_requests_total\{endpoint="getItem",result="hit",tier="l1"\} 1/);

    // On another listener: the public one still has no /metrics.
    const internal = newApp();
    registerMetricsRoute(internal, observer);
    const url = await internal.listen({ port: 0, host: '127.0.0.1' });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/cachegen_requests_total\{endpoint="getItem",result="miss",tier="origin"\} 1/);
    expect((await app.inject('/metrics')).statusCode).toBe(404);
    await cache.close();
  });
});
