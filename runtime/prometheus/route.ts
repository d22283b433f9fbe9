/**
 * Serving the metrics: a Fastify route for the generated plugin, and a plain node:http
 * listener for apps that expose metrics on a port of their own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

/** What the generated plugin's `metrics` option accepts: a registry, or an object holding one (e.g. the observer). */
export type MetricsOption = Registry | { registry: Registry };

/** The registry inside a `metrics` option. */
export function metricsRegistry(option: MetricsOption): Registry {
  return 'registry' in option ? option.registry : option;
}

/** A Fastify handler answering with the registry in Prometheus text format; a failed collector gives a 500, never a crash. */
export function metricsHandler(option: MetricsOption): (request: FastifyRequest, reply: FastifyReply) => Promise<string> {
  const registry = metricsRegistry(option);
  return async (_request, reply) => {
    try {
      const body = await registry.metrics();
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return body;
    } catch (err) {
      reply.code(500).header('content-type', 'text/plain; charset=utf-8');
      return `metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  };
}

/** Adds `GET <path>` (default `/metrics`) to a Fastify app, serving the registry. */
export function registerMetricsRoute(app: FastifyInstance, option: MetricsOption, path = '/metrics'): void {
  app.get(path, metricsHandler(option));
}

/** A node:http request listener that serves the registry on every request. */
export function metricsRequestListener(option: MetricsOption): (req: IncomingMessage, res: ServerResponse) => void {
  const registry = metricsRegistry(option);
  return (_req, res) => {
    registry.metrics().then(
      (body) => { res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body); },
      (err: unknown) => { res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`); },
    );
  };
}
