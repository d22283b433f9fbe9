/**
 * The servers bench:http compares, all serving `GET /items/:size/:id` (size small: ~300 B,
 * large: 100 KB). bench/lib/http-server.ts runs one per process over sockets; the pipeline
 * section drives them in the benchmark's process through a null socket (bench/lib/null-socket.ts).
 *
 *   generated          the generated route (its server.ts given), L1 only: a hit once warm
 *   constant           a hand-written Fastify route sending the body as a constant Buffer (the ceiling)
 *   constant-headers   the same with the four headers a cached answer carries (Age, Cache-Status, Cache-Control, ETag)
 *   bentocache         the route hand-cached with bentocache (memory L1)
 *   cache-manager      the route hand-cached with cache-manager (its default in-memory store)
 *   node-http          node:http alone sending constant-headers' bytes and headers (no Fastify)
 *   constant+<part>    `constant` with one more piece of Fastify's pipeline, for what it costs by itself:
 *                      a no-op hook (onRequest, preParsing, preValidation, preHandler, onSend, onResponse),
 *                      the generated route's params schema (params-schema: validation and coercion),
 *                      an async handler (async), or the four headers as one object (headers-object)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache as createCacheManager } from 'cache-manager';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteShorthandOptions } from 'fastify';
import { createCache } from '@cachegen/runtime';
import { bodies, bodyBytes, type Size } from './http-fixture.js';

export interface BenchApp {
  /** The node:http server whose 'request' event serves a request. */
  server: Server;
  /** Listens on a free loopback port; resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const URL_PATTERN = '/items/:size/:id';
const JSON_TYPE = 'application/json; charset=utf-8';
/** The headers constant-headers sends: what a hit carries, with values of the same length. */
const CACHE_HEADERS: Record<string, string> = {
  age: '21', 'cache-status': 'cachegen; hit; ttl=3578', 'cache-control': 'public, max-age=3600', etag: '"yDbI2bYcWLWSAfpuyDT5WV"',
};
/** The generated route's params schema (bench/lib/http-fixture.ts benchSpec), as its server.ts gives it to Fastify. */
const PARAMS_SCHEMA = {
  type: 'object',
  properties: { size: { type: 'string', enum: ['small', 'large'] }, id: { type: 'integer' } },
  required: ['id', 'size'],
};
const HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'onSend', 'onResponse'] as const;

const sizeOf = (request: FastifyRequest): Size => (request.params as { size: Size }).size;

function constantHandler(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('content-type', JSON_TYPE).send(bodyBytes[sizeOf(request)]);
}

/** Readies the app (Fastify builds each route's hook lists then), so its server can serve without listening. */
async function fastifyApp(app: FastifyInstance, close: () => Promise<void> = async () => {}): Promise<BenchApp> {
  await app.ready();
  return {
    server: app.server,
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    close: async () => { await app.close(); await close(); },
  };
}

/** `constant` with one more piece of Fastify's pipeline. */
function constantWith(part: string): FastifyInstance {
  const app = Fastify({ logger: false });
  const options: RouteShorthandOptions = {};
  let handler: (request: FastifyRequest, reply: FastifyReply) => unknown = constantHandler;
  if ((HOOKS as readonly string[]).includes(part)) {
    // Callback hooks, the shape Fastify runs fastest (onSend and preParsing pass the payload on).
    if (part === 'onSend') app.addHook('onSend', (_request, _reply, payload, done) => done(null, payload));
    else if (part === 'preParsing') app.addHook('preParsing', (_request, _reply, payload, done) => done(null, payload));
    else app.addHook(part as 'onRequest', (_request, _reply, done) => done());
  } else if (part === 'params-schema') {
    options.schema = { params: PARAMS_SCHEMA };
  } else if (part === 'async') {
    handler = async (request, reply) => reply.header('content-type', JSON_TYPE).send(bodyBytes[sizeOf(request)]);
  } else if (part === 'headers-object') {
    const headers = { ...CACHE_HEADERS, 'content-type': JSON_TYPE };
    handler = (request, reply) => { reply.headers(headers).send(bodyBytes[sizeOf(request)]); };
  } else {
    throw new Error(`bench:http: unknown part "${part}"`);
  }
  app.get(URL_PATTERN, options, handler);
  return app;
}

/** Builds one contender (not listening yet); `generated`: the generated server.ts, for the generated route. */
export async function buildApp(variant: string, generated?: string): Promise<BenchApp> {
  if (variant.startsWith('constant+')) return fastifyApp(constantWith(variant.slice('constant+'.length)));
  switch (variant) {
    case 'generated': {
      if (!generated) throw new Error('bench:http: the generated contender needs the generated server.ts');
      const routes = (await import(pathToFileURL(generated).href)) as { default: Parameters<FastifyInstance['register']>[0] };
      const cache = createCache({ namespace: `bench-http-${process.pid}`, logger: { warn() {} } });
      const app = Fastify({ logger: false });
      await app.register(routes.default, {
        handlers: { getItem: async ({ params }: { params: { size: Size; id: number } }) => ({ ...bodies[params.size], id: params.id }) },
        cache,
      } as never);
      return fastifyApp(app, () => cache.close());
    }
    case 'constant': {
      const app = Fastify({ logger: false });
      app.get(URL_PATTERN, constantHandler);
      return fastifyApp(app);
    }
    case 'constant-headers': {
      const app = Fastify({ logger: false });
      app.get(URL_PATTERN, (request, reply) => {
        reply.header('age', CACHE_HEADERS.age).header('cache-status', CACHE_HEADERS['cache-status']).header('cache-control', CACHE_HEADERS['cache-control'])
          .header('etag', CACHE_HEADERS.etag).header('content-type', JSON_TYPE).send(bodyBytes[sizeOf(request)]);
      });
      return fastifyApp(app);
    }
    case 'bentocache': {
      const bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000 })) } });
      const app = Fastify({ logger: false });
      app.get(URL_PATTERN, async (request) => {
        const { size, id } = request.params as { size: Size; id: string };
        return bento.getOrSet({ key: `item:${size}:${id}`, factory: async () => ({ ...bodies[size], id: Number(id) }), ttl: '1h' });
      });
      return fastifyApp(app, () => bento.disconnect());
    }
    case 'cache-manager': {
      const manager = createCacheManager();
      const app = Fastify({ logger: false });
      app.get(URL_PATTERN, async (request) => {
        const { size, id } = request.params as { size: Size; id: string };
        return manager.wrap(`item:${size}:${id}`, async () => ({ ...bodies[size], id: Number(id) }), 3_600_000);
      });
      return fastifyApp(app);
    }
    case 'node-http': {
      const headers = (size: Size) => ({ ...CACHE_HEADERS, 'content-type': JSON_TYPE, 'content-length': String(bodyBytes[size].length) });
      const bySize = { small: headers('small'), large: headers('large') };
      const server = createServer((request, response) => {
        const size: Size = request.url!.startsWith('/items/large/') ? 'large' : 'small';
        response.writeHead(200, bySize[size]).end(bodyBytes[size]);
      });
      return {
        server,
        listen: async () => {
          await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
          return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        },
        close: () => new Promise<void>((resolve) => { if (server.listening) server.close(() => resolve()); else resolve(); }),
      };
    }
    default:
      throw new Error(`bench:http: unknown contender "${variant}"`);
  }
}
