/**
 * The catalog demo server (its generated routes, handlers and memory store; L1 only) with an L1
 * of a chosen size and a clock the test moves, driven one request at a time over a real socket:
 * the same traffic gives the same answers, so a replay can be checked against it.
 */
import Fastify from 'fastify';
import { createCache } from '@cachegen/runtime';
import routes from '../../examples/catalog/generated/server.js';
import { AccessLog } from '../../examples/catalog/access-log.js';
import { createHandlers } from '../../examples/catalog/handlers/index.js';
import { createMemoryStore } from '../../examples/catalog/store/memory.js';
import { trafficMix, type PlannedRequest } from '../../examples/catalog/traffic.js';
import { seededRandom } from '../../bench/lib/traces.js';

/** A request of the traffic, at a time on the test's clock (ms). */
export interface TimedRequest extends PlannedRequest {
  time: number;
}

/** `count` requests of the demo's traffic mix, `gapMs` apart from `start`. */
export function demoTraffic(count: number, seed: number, start: number, gapMs: number): TimedRequest[] {
  const next = trafficMix(seededRandom(seed));
  return Array.from({ length: count }, (_, i) => ({ ...next(), time: start + i * gapMs }));
}

/** What a run measured: the demo's own hit rate (Cache-Status hit over hit + miss). */
export interface RunOutcome {
  hits: number;
  misses: number;
  hitRatio: number;
  /** Hits and misses per operationId. */
  byOperation: Map<string, { hits: number; misses: number }>;
}

/** Runs the traffic through a fresh catalog server whose L1 holds `maxBytes`; writes an access log when `log` is given. */
export async function runCatalog(traffic: TimedRequest[], maxBytes: number, log?: string): Promise<RunOutcome> {
  let now = traffic[0]?.time ?? 0;
  const cache = createCache({ l1: { maxBytes }, clock: () => now, logger: { warn() {} } });
  const app = Fastify({ logger: false });
  await app.register(routes, {
    handlers: createHandlers(createMemoryStore(), { costs: { lookup: 0, query: 0, aggregate: 0 }, sleep: async () => {} }),
    cache,
    secret: 'advise-test-secret-0123456789',
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const writer = log ? new AccessLog(log) : undefined;
  let hits = 0;
  let misses = 0;
  const byOperation = new Map<string, { hits: number; misses: number }>();
  try {
    for (const request of traffic) {
      now = request.time;
      const started = performance.now();
      const response = await fetch(url + request.path, {
        method: request.method,
        headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      });
      const bytes = (await response.arrayBuffer()).byteLength;
      const cacheStatus = response.headers.get('cache-status');
      if (cacheStatus) {
        let counts = byOperation.get(request.endpoint);
        if (!counts) byOperation.set(request.endpoint, (counts = { hits: 0, misses: 0 }));
        if (/;\s*hit/.test(cacheStatus)) {
          hits++;
          counts.hits++;
        } else {
          misses++;
          counts.misses++;
        }
      }
      writer?.write({ time: request.time, method: request.method, path: request.path, status: response.status, bytes, durationMs: performance.now() - started, headers: request.headers ?? {}, cacheStatus });
    }
  } finally {
    await writer?.close();
    await app.close();
    await cache.close();
  }
  return { hits, misses, hitRatio: hits / Math.max(1, hits + misses), byOperation };
}
