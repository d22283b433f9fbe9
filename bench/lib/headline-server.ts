/**
 * One contender of `npm run bench:headline`, in its own process (so the load generator never
 * shares its event loop): `headline-server.ts <variant>` starts it on a free loopback port,
 * prints `LISTENING <url>` and runs until SIGTERM.
 *
 *   uncached   the catalog's generated routes over a cache that stores nothing: every request
 *              runs the handler (with its origin cost); the answers still carry Cache-Control,
 *              which is what nginx and Varnish in front of it go by
 *   l1         the catalog as `startCatalog` runs it: L1, Prometheus observer
 *   l1-redis   the same with Redis (L2 and the invalidation bus): REDIS_URL
 *   constant   a hand-written Fastify route sending HEADLINE_BODY (base64) as a constant Buffer
 *   constant-headers  the same with the four headers a cached answer carries (Age, Cache-Status,
 *              Cache-Control, ETag): what sending them costs by itself
 *   node-http  node:http alone sending the same bytes with the same headers: what Fastify's request
 *              pipeline (routing, hooks, reply) costs on top of Node
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { RouteCache } from '@cachegen/runtime/fastify';
import { startCatalog } from '../../examples/catalog/app.js';
import routes from '../../examples/catalog/generated/server.js';
import { createHandlers } from '../../examples/catalog/handlers/index.js';
import { createMemoryStore } from '../../examples/catalog/store/memory.js';

/** A cache that stores nothing: every fetch calls its loader. */
const noCache: RouteCache = {
  async fetch(_key, loader, options) {
    return { value: await loader(), status: 'miss', tier: 'origin', age: 0, ttl: options.ttl };
  },
  async invalidateTags() { return true; },
};

async function start(variant: string): Promise<{ url: string; close(): Promise<void> }> {
  switch (variant) {
    case 'uncached': {
      const app = Fastify({ logger: false });
      await app.register(routes, { handlers: createHandlers(createMemoryStore()), cache: noCache, secret: 'headline-bench-not-a-secret' });
      return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
    }
    case 'l1':
      return startCatalog({ namespace: `headline-${process.pid}` });
    case 'l1-redis': {
      const redisUrl = process.env.REDIS_URL;
      if (!redisUrl) throw new Error('l1-redis needs REDIS_URL');
      return startCatalog({ redisUrl, namespace: `headline-${process.pid}` });
    }
    case 'constant': {
      const body = Buffer.from(process.env.HEADLINE_BODY ?? '', 'base64');
      const app = Fastify({ logger: false });
      app.get('/products/:id', (_request, reply) => {
        reply.header('content-type', 'application/json; charset=utf-8').send(body);
      });
      return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
    }
    case 'constant-headers': {
      const body = Buffer.from(process.env.HEADLINE_BODY ?? '', 'base64');
      const app = Fastify({ logger: false });
      app.get('/products/:id', (_request, reply) => {
        reply.header('age', '21').header('cache-status', 'cachegen; hit; ttl=579').header('cache-control', 'public, max-age=600')
          .header('etag', '"yDbI2bYcWLWSAfpuyDT5WV"').header('content-type', 'application/json; charset=utf-8').send(body);
      });
      return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
    }
    case 'node-http': {
      const body = Buffer.from(process.env.HEADLINE_BODY ?? '', 'base64');
      const headers = {
        age: '21', 'cache-status': 'cachegen; hit; ttl=579', 'cache-control': 'public, max-age=600', etag: '"yDbI2bYcWLWSAfpuyDT5WV"',
        'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length),
      };
      const server = createServer((_request, response) => { response.writeHead(200, headers).end(body); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    }
    default:
      throw new Error(`headline-server: unknown variant "${variant}" (uncached | l1 | l1-redis | constant | constant-headers | node-http)`);
  }
}

const server = await start(process.argv[2] ?? '');
process.stdout.write(`LISTENING ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
