import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { createPrometheusObserver, metricsRequestListener, registerMetricsRoute, type MetricsOption } from '@cachegen/runtime/prometheus';

/** A registry with one gauge whose collector throws. */
function brokenRegistry(): Registry {
  const registry = new Registry();
  new Gauge({ name: 'broken', help: 'fails to collect', registers: [registry], collect() { throw new Error('collector exploded'); } });
  return registry;
}

describe('serving /metrics', () => {
  let close: () => Promise<void> = async () => {};
  afterEach(async () => { await close(); });

  const servers: Record<string, (option: MetricsOption) => Promise<string>> = {
    fastify: async (option) => {
      const app: FastifyInstance = Fastify();
      registerMetricsRoute(app, option, '/internal/metrics');
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      close = () => app.close();
      return `${url}/internal/metrics`;
    },
    'node:http': async (option) => {
      const server: Server = createServer(metricsRequestListener(option));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      close = () => new Promise<void>((resolve) => server.close(() => resolve()));
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
    },
  };

  it.each(Object.keys(servers))('%s: serves the observer\'s registry in the Prometheus text format', async (kind) => {
    const observer = createPrometheusObserver();
    observer.request('getProduct', 'hit', 'l1', 0.000_003);
    const res = await fetch(await servers[kind]!(observer));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('cachegen_requests_total{endpoint="getProduct",result="hit",tier="l1"} 1');
  });

  it.each(Object.keys(servers))('%s: answers 500 naming the failure when a collector throws', async (kind) => {
    const res = await fetch(await servers[kind]!(brokenRegistry()));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('collector exploded');
  });
});
