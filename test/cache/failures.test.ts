/**
 * A broken Redis never fails a request. Each case runs against a redis-server this file
 * starts on its own port, then stops, pauses (SIGSTOP: a hung server) or slows (DEBUG SLEEP).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { freePort, startRedisServer, type RunningService } from '../support/services.js';
import { countingObserver, manualClock, recordingLogger, uniqueNamespace, until } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

/**
 * A cache on url whose Redis commands time out after 100 ms, or after `commandTimeoutMs` in the
 * cases that test no timeout (a slow connect on a loaded machine must not fail them).
 */
function cacheOn(url: string, namespace = uniqueNamespace('failures'), commandTimeoutMs = 100) {
  const clock = manualClock();
  const observer = countingObserver();
  const logger = recordingLogger();
  const cache: Cache = createCache({
    namespace, clock: clock.now, observer, logger, l1: { maxEntries: 1000 },
    l2: { redis: url, commandTimeoutMs, circuitFailures: 3, circuitOpenMs: 1000 },
  });
  cleanup.push(() => cache.close());
  return { cache, clock, observer, logger, namespace };
}

/** The bus flushes L1 once it is subscribed; warm entries after that. */
async function subscribed(env: ReturnType<typeof cacheOn>): Promise<void> {
  await until(() => (env.observer.counts.get('bus:flush') ?? 0) >= 1, 'the bus subscription');
}

async function server(args: string[] = [], port?: number): Promise<RunningService> {
  const s = await startRedisServer({ args, ...(port ? { port } : {}) });
  cleanup.push(() => s.stop());
  return s;
}

const unavailable = (lines: string[]) => lines.filter((l) => l.includes('Redis L2 unavailable')).length;
const recovered = (lines: string[]) => lines.filter((l) => l.includes('Redis L2 recovered')).length;

/** Advances the clock past the open period and asks until a probe closes the circuit. */
async function recover(env: ReturnType<typeof cacheOn>, key: string): Promise<void> {
  await until(async () => {
    env.clock.advance(1_001);
    await env.cache.getOrSet(key, async () => 'probe', { ttl: 1 });
    return env.observer.states.at(-1) === 'closed';
  }, 'the circuit to close');
}

describe('Redis failures', () => {
  it('down at start: answers from the loader, opens the circuit once, recovers when Redis comes up', async () => {
    const port = await freePort();
    // Refused connections fail at once; the writes and reads after recovery must not time out.
    const env = cacheOn(`redis://127.0.0.1:${port}`, undefined, 5_000);
    for (let i = 0; i < 10; i++) expect(await env.cache.getOrSet(`k${i}`, async () => i, { ttl: 60 })).toBe(i);
    expect(env.observer.states[0]).toBe('open');
    expect(unavailable(env.logger.lines)).toBe(1);
    await server([], port);
    await recover(env, 'probe');
    expect(recovered(env.logger.lines)).toBe(1);
    await env.cache.set('after', 'stored', { ttl: 60 });
    const reader = cacheOn(`redis://127.0.0.1:${port}`, env.namespace, 5_000);
    expect(await reader.cache.fetch('after', async () => 'origin', { ttl: 60 })).toMatchObject({ tier: 'l2', value: 'stored' });
  });

  it('going down mid-traffic: L1 is flushed once (the bus may miss invalidations), then fills from the loader and answers; recovery is automatic', async () => {
    const s = await server();
    const env = cacheOn(s.url);
    await subscribed(env);
    await env.cache.getOrSet('warm', async () => 'cached', { ttl: 600 });
    await s.stop();
    await until(() => (env.observer.counts.get('bus:gap') ?? 0) >= 1, 'the bus to notice');
    expect(await env.cache.fetch('warm', async () => 'origin', { ttl: 600 })).toMatchObject({ tier: 'origin', value: 'origin' });
    expect(await env.cache.fetch('warm', async () => 'again', { ttl: 600 })).toMatchObject({ tier: 'l1', value: 'origin' });
    for (let i = 0; i < 5; i++) expect(await env.cache.getOrSet(`cold${i}`, async () => `o${i}`, { ttl: 600 })).toBe(`o${i}`);
    await env.cache.invalidateTags(['t']); // does not throw while Redis is down
    expect(env.observer.states).toContain('open');
    expect(unavailable(env.logger.lines)).toBe(1);
    await server([], s.port);
    await recover(env, 'probe');
    expect(env.logger.lines.filter((l) => l.startsWith('warn')).length).toBe(1);
  });

  it('hung (SIGSTOP): every call answers within the command timeout, then the circuit skips Redis', async () => {
    const s = await server();
    const env = cacheOn(s.url);
    await subscribed(env);
    await env.cache.getOrSet('warm', async () => 'cached', { ttl: 600 });
    s.pause();
    try {
      for (let i = 0; i < 6; i++) expect(await env.cache.getOrSet(`cold${i}`, async () => i, { ttl: 600 })).toBe(i);
      expect(await env.cache.getOrSet('warm', async () => 'x', { ttl: 600 })).toBe('cached');
      const l2Errors = [...env.observer.counts].filter(([k]) => k.startsWith('l2Error:')).reduce((n, [, v]) => n + v, 0);
      expect(l2Errors).toBe(3); // the threshold; after that the open circuit skips Redis
      expect(env.observer.states).toEqual(['open']);
    } finally {
      s.resume();
    }
    await recover(env, 'probe');
    expect(env.observer.states).toEqual(['open', 'half-open', 'closed']);
  });

  it('slow (CLIENT PAUSE): the request is answered by the loader while Redis still holds it', async () => {
    const s = await server();
    const env = cacheOn(s.url);
    await subscribed(env);
    await env.cache.getOrSet('warm', async () => 'cached', { ttl: 600 });
    const admin = new Redis(s.url);
    cleanup.push(async () => { admin.disconnect(); });
    // PAUSE answers once it holds every client (a DEBUG SLEEP sent "first" could still arrive after the read).
    await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
    let resumed = false;
    const paused = admin.ping().then(() => { resumed = true; });
    expect(await env.cache.getOrSet('cold', async () => 'from-origin', { ttl: 600 })).toBe('from-origin');
    expect(resumed).toBe(false);
    expect(env.observer.counts.get('l2Error:get')).toBe(1);
    await paused;
  });

  it.each([
    { name: 'allkeys-lru is reported as unsafe', args: ['--maxmemory-policy', 'allkeys-lru'], want: /maxmemory-policy is allkeys-lru/ },
    { name: 'volatile-lru is reported as unsafe (stamps carry a TTL)', args: ['--maxmemory-policy', 'volatile-lru'], want: /maxmemory-policy is volatile-lru/ },
    { name: 'a refused CONFIG GET is logged once', args: ['--rename-command', 'CONFIG', '""'], want: /could not read Redis maxmemory-policy/ },
  ])('eviction policy at start: $name', async ({ args, want }) => {
    const s = await server(args);
    // The check is the connection's first command: a 100 ms timeout would report a slow connect instead.
    const env = cacheOn(s.url, undefined, 5_000);
    await until(() => env.logger.lines.some((l) => want.test(l)), 'the policy check');
    expect(env.logger.lines.filter((l) => /maxmemory-policy/.test(l))).toHaveLength(1);
  });

  it.each(['noeviction', 'volatile-ttl'])('%s passes the policy check silently', async (policy) => {
    const s = await server(['--maxmemory-policy', policy]);
    const env = cacheOn(s.url, undefined, 5_000);
    await env.cache.getOrSet('k', async () => 1, { ttl: 60 }); // the check runs on the same connection, before this
    expect(env.logger.lines).toEqual([]);
  });
});

describe('the bus connection, cut', () => {
  it('re-subscribes once per reconnect, its own handled SUBSCRIBE only (ioredis\'s unhandled one rejected "Connection is closed" when the cache closed before its answer)', async () => {
    const s = await server();
    const env = cacheOn(s.url, undefined, 5_000);
    await subscribed(env);
    const admin = new Redis(s.url);
    cleanup.push(async () => { admin.disconnect(); });
    const subscribes = async () => Number(/cmdstat_subscribe:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
    const before = await subscribes();
    expect(Number(await admin.client('KILL', 'TYPE', 'pubsub'))).toBe(1);
    // Flushes: once subscribed, once on the cut, once subscribed again.
    await until(() => (env.observer.counts.get('bus:flush') ?? 0) >= 3, 'the bus to subscribe again');
    // ioredis sends its own re-SUBSCRIBE at once on 'ready', the bus's one tick later on the same
    // connection: once the bus's is answered, Redis has run (and counted) both.
    expect(await subscribes()).toBe(before + 1);
  });
});
