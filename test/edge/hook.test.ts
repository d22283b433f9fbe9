/** createCache's onInvalidated: once per invalidation, on the instance that invalidated, after Redis has it. */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache, type InvalidatedEvent } from '@cachegen/runtime';
import { recordingLogger, uniqueNamespace, until } from '../cache/helpers.js';

const redisUrl = inject('redisUrl');
const raw = new Redis(redisUrl);
const open: Cache[] = [];

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  raw.disconnect();
});

describe('onInvalidated', () => {
  it('fires at once without an L2, with the tags, the source and when invalidateTags was called', async () => {
    const events: InvalidatedEvent[] = [];
    const cache = createCache({ onInvalidated: (e) => events.push(e) });
    open.push(cache);
    const before = Date.now();
    await cache.invalidateTags(['product:1', 'list'], { source: 'mutation' });
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toEqual(['product:1', 'list']);
    expect(events[0]!.source).toBe('mutation');
    expect(events[0]!.startedAt).toBeGreaterThanOrEqual(before);
  });

  it('fires once, on the invalidating instance only, after the stamp is in Redis', async () => {
    const namespace = uniqueNamespace('edge-hook');
    const seen: Array<{ who: string; stampInRedis: boolean }> = [];
    const make = (who: string) => createCache({
      namespace, l2: { redis: redisUrl },
      onInvalidated: () => {
        // The stamp is read synchronously-after: the hook must not run before Redis has it.
        void raw.keys(`${namespace}*t:product:7`).then((keys) => seen.push({ who, stampInRedis: keys.length > 0 }));
      },
    });
    const a = make('a');
    const b = make('b');
    open.push(a, b);
    await a.invalidateTags(['product:7']);
    await until(() => seen.length >= 1, 'the hook');
    await new Promise((r) => setTimeout(r, 50)); // b's bus delivery, which must not fire b's hook
    expect(seen).toEqual([{ who: 'a', stampInRedis: true }]);
    await raw.eval(`for _,k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end`, 0, `${namespace}*`);
  });

  it('a hook that throws does not fail invalidateTags, and is logged', async () => {
    const logger = recordingLogger();
    const cache = createCache({ logger, onInvalidated: () => { throw new Error('boom'); } });
    open.push(cache);
    await expect(cache.invalidateTags(['x'])).resolves.toBe(true);
    expect(logger.lines.join('\n')).toContain('onInvalidated threw (boom)');
  });
});
