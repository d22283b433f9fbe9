/**
 * The purge queue shared through Redis: a flood is batched and bounded, an invalidation made on
 * several instances is purged once, a batch whose instance died goes to another, and nothing is
 * lost while the edge is away. The edge here is a local server that records what it receives.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createEdgePurger, webhook, type EdgePurger, type EdgePurgerOptions } from '@cachegen/runtime/edge';
import { RedisQueue } from '../../runtime/edge/queue.js';
import { uniqueNamespace, until } from '../cache/helpers.js';
import { startRedisServer } from '../support/services.js';
import { purgeRecorder, recordingServer, type RecordingServer } from './recorder.js';
import { dropKeys } from './shop.js';

const redisUrl = inject('redisUrl');
const raw = new Redis(redisUrl);
const open: Array<EdgePurger | RecordingServer> = [];
const namespaces: string[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  await Promise.all(namespaces.splice(0).map((ns) => dropKeys(redisUrl, ns)));
});
afterAll(() => raw.disconnect());

async function hook(): Promise<RecordingServer> {
  const s = await recordingServer();
  open.push(s);
  return s;
}

function namespace(): string {
  const ns = uniqueNamespace('edge');
  namespaces.push(ns);
  return ns;
}

function purger(options: Partial<EdgePurgerOptions> & Pick<EdgePurgerOptions, 'adapters'>): EdgePurger {
  const p = createEdgePurger({ redis: redisUrl, logger: { warn() {} }, retry: { minMs: 5, maxMs: 50 }, ...options });
  open.push(p);
  return p;
}

const tagsOf = (server: RecordingServer) => server.received.flatMap((r) => (JSON.parse(r.body) as { tags?: string[] }).tags ?? []);

describe('the shared purge queue', () => {
  it('sends a burst of 3,000 invalidations in a few batches, losing none', async () => {
    const edge = await hook();
    const ns = namespace();
    const p = purger({ namespace: ns, adapters: [webhook({ url: edge.url, maxBatch: 500 })] });
    const tags = Array.from({ length: 3000 }, (_, i) => `item:${i}`);
    await Promise.all(tags.map((tag) => p.purge([tag])));
    await p.drained();
    expect(new Set(tagsOf(edge))).toEqual(new Set(tags));
    expect(edge.received.length).toBeLessThanOrEqual(20);
    expect(Math.max(...edge.received.map((r) => (JSON.parse(r.body) as { tags: string[] }).tags.length))).toBeLessThanOrEqual(500);
  });

  it('keeps at most maxPending tags while the edge hangs, then purges everything once', async () => {
    const edge = await hook();
    edge.respond = () => 'hang';
    const ns = namespace();
    const p = purger({ namespace: ns, maxPending: 1000, timeoutMs: 60_000, adapters: [webhook({ url: edge.url })] });
    await p.purge(['first']);
    await until(() => edge.received.length === 1, 'the first purge to reach the edge');
    for (let i = 0; i < 20; i++) await p.purge(Array.from({ length: 1000 }, (_, j) => `flood:${i}:${j}`));
    expect(await raw.zcard(`{${ns}:edge:webhook}:pending`)).toBeLessThanOrEqual(1000);
    expect(await raw.exists(`{${ns}:edge:webhook}:overflow`)).toBe(1);
    edge.respond = () => ({ status: 200 });
    edge.release();
    await p.drained();
    expect(edge.received.map((r) => JSON.parse(r.body))).toEqual([{ tags: ['first'] }, { all: true }]);
  });

  it('purges a tag once when several instances invalidate it while it waits (CDC on every instance)', async () => {
    const edge = await hook();
    edge.respond = () => 'hang';
    const ns = namespace();
    const a = purger({ namespace: ns, timeoutMs: 60_000, adapters: [webhook({ url: edge.url })] });
    const b = purger({ namespace: ns, timeoutMs: 60_000, adapters: [webhook({ url: edge.url })] });
    await a.purge(['warm:a']);
    await until(() => edge.received.length === 1, 'a busy');
    await b.purge(['warm:b']);
    await until(() => edge.received.length === 2, 'b busy');
    await Promise.all([a.purge(['product:7']), b.purge(['product:7']), a.purge(['product:7'])]);
    edge.respond = () => ({ status: 200 });
    edge.release();
    await Promise.all([a.drained(), b.drained()]);
    expect(tagsOf(edge).filter((t) => t === 'product:7')).toEqual(['product:7']);
  });

  it('gives a batch whose instance stopped answering to another instance when its lease runs out', async () => {
    const ns = namespace();
    const queue = new RedisQueue(raw, ns, 'webhook', 1000);
    await queue.add(['orphan:1', 'orphan:2'], Date.now());
    const taken = await queue.take(10, 1); // taken by an instance that then dies: never done, never failed
    expect(taken?.tags).toEqual(['orphan:1', 'orphan:2']);
    const edge = await hook();
    const p = purger({ namespace: ns, pollMs: 10, adapters: [webhook({ url: edge.url })] });
    await until(() => tagsOf(edge).length === 2, 'the orphaned batch to be purged by another instance');
    await p.drained();
    expect(tagsOf(edge).sort()).toEqual(['orphan:1', 'orphan:2']);
  });

  it('retries while the edge refuses, counting failed and retried, and reports the time to confirmation', async () => {
    const edge = await hook();
    let calls = 0;
    edge.respond = () => ({ status: ++calls <= 3 ? 502 : 200 });
    const observer = purgeRecorder();
    const ns = namespace();
    const p = purger({ namespace: ns, observer, adapters: [webhook({ url: edge.url })] });
    const since = Date.now() - 250; // as if invalidateTags had started 250 ms ago
    await p.purge(['product:1'], since);
    await p.drained();
    expect([observer.count('failed'), observer.count('retried'), observer.count('sent')]).toEqual([3, 3, 1]);
    expect(observer.events.find((e) => e.outcome === 'sent')!.seconds).toBeGreaterThanOrEqual(0.25);
  });

  it('hands a batch in flight back to the queue on close, for another instance', async () => {
    const edge = await hook();
    edge.respond = () => 'hang';
    const ns = namespace();
    const a = createEdgePurger({ redis: redisUrl, namespace: ns, logger: { warn() {} }, timeoutMs: 60_000, adapters: [webhook({ url: edge.url })] });
    await a.purge(['handed:1']);
    await until(() => edge.received.length === 1, 'the purge in flight');
    await a.close();
    edge.respond = () => ({ status: 200 });
    const b = purger({ namespace: ns, adapters: [webhook({ url: edge.url })] });
    await b.purge(['other']);
    await b.drained();
    expect(tagsOf(edge).filter((t) => t === 'handed:1')).toHaveLength(2);
  });

  it('without Redis, queues in the process with the same bound', async () => {
    const edge = await hook();
    const observer = purgeRecorder();
    const p = createEdgePurger({ adapters: [webhook({ url: edge.url })], observer });
    open.push(p);
    await p.purge(['local:1', 'local:2']);
    await p.drained();
    expect(tagsOf(edge)).toEqual(['local:1', 'local:2']);
    expect(observer.count('sent')).toBe(1);
  });

  it('keeps tags in the process while Redis is down, and hands them over when it is back', async () => {
    const redis = await startRedisServer();
    try {
      const edge = await hook();
      const p = createEdgePurger({ redis: redis.url, namespace: namespace(), logger: { warn() {} }, retry: { minMs: 5, maxMs: 50 }, adapters: [webhook({ url: edge.url })] });
      open.push(p);
      await p.purge(['before']);
      await p.drained();
      await redis.stop();
      await p.purge(['during:1', 'during:2']); // resolves: the tags wait in the process
      const back = await startRedisServer({ port: redis.port });
      try {
        await p.drained();
        expect(tagsOf(edge).sort()).toEqual(['before', 'during:1', 'during:2']);
      } finally {
        await p.close();
        await back.stop();
      }
    } finally {
      await redis.stop();
    }
  });

  it('bounds the in-process queue the same way: past maxPending, one purge of everything', async () => {
    const edge = await hook();
    edge.respond = () => 'hang';
    const p = createEdgePurger({ adapters: [webhook({ url: edge.url })], maxPending: 100, timeoutMs: 60_000, logger: { warn() {} } });
    open.push(p);
    await p.purge(['first']);
    await until(() => edge.received.length === 1, 'the first purge');
    for (let i = 0; i < 50; i++) await p.purge(Array.from({ length: 100 }, (_, j) => `flood:${i}:${j}`));
    edge.respond = () => ({ status: 200 });
    edge.release();
    await p.drained();
    expect(edge.received.map((r) => JSON.parse(r.body))).toEqual([{ tags: ['first'] }, { all: true }]);
  });

  it('says so when an edge that cannot purge everything overflowed', async () => {
    const edge = await hook();
    edge.respond = () => 'hang';
    const warnings: string[] = [];
    const p = createEdgePurger({ adapters: [{ name: 'urls', purge: (tags, signal) => fetch(edge.url, { method: 'POST', body: JSON.stringify({ tags }), signal }).then(() => undefined) }], maxPending: 10, timeoutMs: 60_000, logger: { warn: (m) => warnings.push(m) } });
    open.push(p);
    await p.purge(['busy']);
    await until(() => edge.received.length === 1, 'busy');
    await p.purge(Array.from({ length: 11 }, (_, i) => `t${i}`));
    edge.release();
    await p.drained();
    expect(warnings.join('\n')).toContain('more than 10 tags waited for urls, which cannot purge everything');
  });
});
