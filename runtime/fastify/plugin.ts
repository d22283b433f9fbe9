/**
 * The Fastify plugin a generated server.ts exports: `app.register(routes, { handlers })`.
 * It follows the conventions of Fastify's own plugins: the cache is decorated as `app.cache`
 * where the plugin is registered, and one the plugin created is closed with the app.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createCache, type Cache, type CreateCacheOptions } from '../cache/index.js';
import type { OperationSpec, SharedSchemas } from './operation.js';
import { registerOperations, type RoutesOptions } from './register.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The cache of the cachegen routes registered on this instance: `app.cache.invalidateTags(['product:1'])`. */
    cache: Cache;
  }
}

export interface RoutesPluginOptions<H extends object = object> extends Omit<RoutesOptions<H>, 'cache'> {
  /**
   * A cache from `createCache()`: yours, so you close it. Or the options of one (default `{}`,
   * L1 only): the plugin creates it and closes it on `app.close()`. Either way it is `app.cache`.
   */
  cache?: Cache | CreateCacheOptions;
  /** Prefix of every route (Fastify's register option, applied to the routes only). */
  prefix?: string;
}

function isCache(value: Cache | CreateCacheOptions): value is Cache {
  return typeof (value as Partial<Cache>).fetch === 'function';
}

/**
 * The routes plugin of a route table. Not encapsulated (like fastify-plugin's), so `app.cache`
 * is seen where the plugin is registered; the routes themselves go in a scope of their own.
 */
export function routesPlugin<H extends object>(operations: readonly OperationSpec[], schemas: SharedSchemas): FastifyPluginAsync<RoutesPluginOptions<H>> {
  const plugin = async (app: FastifyInstance, options: RoutesPluginOptions<H>): Promise<void> => {
    if (!options || typeof options !== 'object') throw new Error('routes: options are required: app.register(routes, { handlers })');
    const given = options.cache ?? {};
    if (app.hasDecorator('cache')) {
      throw new Error('routes: app.cache is already decorated (another plugin, or a second route table in this scope); register each in its own scope: app.register(async (api) => { await api.register(routes, …) })');
    }
    const owned = !isCache(given);
    const cache = owned ? createCache(given) : given;
    app.decorate('cache', cache);
    if (owned) app.addHook('onClose', async () => { await cache.close(); });
    const { prefix, ...routeOptions } = options;
    await app.register(async (scope) => { registerOperations(scope, operations, schemas, { ...routeOptions, cache }); }, prefix ? { prefix } : {});
  };
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'cachegen-routes',
  });
}
