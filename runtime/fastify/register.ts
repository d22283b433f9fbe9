/**
 * Registers a generated route table on a Fastify instance: validation and serialization from
 * the spec's schemas, caching per x-cache (cached-route.ts), and tag invalidation after
 * successful mutations.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderTags } from '../tags/index.js';
import { cachedHandler } from './cached-route.js';
import { handlerOf, isSuccess, requestOf, resultOf, type AnyHandler } from './handler.js';
import type { OperationSpec, SharedSchemas } from './operation.js';
import type { RoutesOptions } from './options.js';

export type { HandlerRequest } from './handler.js';
export type { MetricsRegistry, RouteCache, RoutesOptions } from './options.js';

/** Registers every operation of a generated route table; throws naming the first missing handler or option. */
export function registerOperations<H extends object>(
  app: FastifyInstance,
  operations: readonly OperationSpec[],
  schemas: SharedSchemas,
  options: RoutesOptions<H>,
): void {
  if (!options || typeof options !== 'object') throw new Error('routes: options are required: app.register(routes, { handlers, cache })');
  if (!options.handlers) throw new Error('routes: options.handlers is required: one function per operationId');
  if (!options.cache || typeof options.cache.fetch !== 'function') {
    throw new Error('routes: options.cache is required: pass createCache() from cachegen/runtime');
  }
  const handlers = options.handlers as Record<string, unknown>;
  for (const schema of schemas) app.addSchema(schema);
  const explicitHead = new Set(operations.filter((op) => op.method === 'HEAD').map((op) => op.url));
  for (const op of operations) {
    const handler = handlerOf(handlers, op.operationId);
    const routeOptions = {
      method: op.method,
      url: op.url,
      schema: op.schema,
      ...(op.method === 'GET' ? { exposeHeadRoute: !explicitHead.has(op.url) } : {}),
    };
    const policy = op.cache?.policy;
    const uncached = uncachedHandler(op, handler, options);
    if (policy && !policy.sensitive && (op.method === 'GET' || op.method === 'HEAD')) {
      app.route({ ...routeOptions, handler: cachedHandler(op, policy, handler, options, uncached) });
    } else {
      app.route({ ...routeOptions, handler: uncached });
    }
  }
  const registry = options.metrics && ('registry' in options.metrics ? options.metrics.registry : options.metrics);
  if (registry) {
    app.get(options.metricsPath ?? '/metrics', async (_request, reply) => {
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    });
  }
}

function uncachedHandler(op: OperationSpec, handler: AnyHandler, options: RoutesOptions<object>) {
  const { cache } = options;
  const observer = cache.observer;
  const endpoint = op.operationId;
  return async function uncachedRoute(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const started = performance.now();
    const { status, body, headers } = resultOf(await handler(requestOf(request)), op.successStatus);
    if (isSuccess(status) && op.invalidates.length > 0) {
      const tags = renderTags(op.invalidates, { params: request.params, query: request.query, headers: request.headers, body: request.body, response: body });
      // A broken cache must not fail the write: the cache degrades on its own, this only guards the reply.
      if (tags.length > 0) await cache.invalidateTags(tags, { source: 'mutation' }).catch((err: unknown) => request.log.warn({ err, tags }, 'cachegen: invalidation failed'));
    }
    observer?.request(endpoint, 'bypass', 'origin', (performance.now() - started) / 1000);
    reply.code(status).headers(headers);
    // Writes, sensitive reads and private reads without an identity: nobody downstream may keep them either.
    if (op.cache || (op.method !== 'GET' && op.method !== 'HEAD')) reply.header('cache-control', 'no-store');
    if (body !== undefined && !op.contentType.includes('json') && (typeof body === 'string' || Buffer.isBuffer(body))) {
      reply.header('content-type', op.contentType);
    }
    return reply.send(body);
  };
}
