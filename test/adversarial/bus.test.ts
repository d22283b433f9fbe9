/**
 * Bad input on the bus (#2 of the trust issue, and the same class beyond it): a message that
 * is malformed, of another version, or from a publisher first seen mid-sequence is counted,
 * logged once and treated as a gap (L1 flushed); it never throws. And a subscriber that loses
 * its connection flushes at once, not only once it is back.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { startBusPeer } from '../support/bus-peer.js';
import { countingObserver, recordingLogger, uniqueNamespace, until } from '../cache/helpers.js';
import { aclUser, busConnectionIds, cleanUp, type AclUser } from './support.js';

const redisUrl = inject('redisUrl');
const raw = new Redis(redisUrl);
const open: Cache[] = [];
const users: AclUser[] = [];

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await cleanUp(raw, { users });
  raw.disconnect();
});

/** One subscribed instance with a counting observer and a recording logger. */
async function subscriber(redis = redisUrl) {
  const namespace = uniqueNamespace('adv-bus');
  const observer = countingObserver();
  const logger = recordingLogger();
  const cache = createCache({ namespace, observer, logger, l1: { maxEntries: 100 }, l2: { redis } });
  open.push(cache);
  await until(() => (observer.counts.get('bus:flush') ?? 0) >= 1, 'the subscription');
  return { cache, observer, logger, channel: `${namespace}:bus`, namespace };
}

const malformed = [
  '{"p":"x","s":1,"m":null}',
  '{"v":2,"p":"x","s":1,"m":{"type":"clear"}}',
  '{"p":"x","s":1,"m":{"type":"delete","keys":null}}',
  '{"p":"x","s":1,"m":{"type":"tags"}}',
  '{"p":"x","s":1,"m":{"type":"tags","tags":"product:1"}}',
  '{"p":"x","s":1,"m":{"type":"tags","tags":[{"toString":1}]}}',
  '{"p":"x","s":"1","m":{"type":"clear"}}',
  '{"s":1,"m":{"type":"clear"}}',
  'null', '[]', '42', '"text"', 'not json', '',
];

describe('#2 a malformed bus message kills the process', () => {
  it('a subscriber process survives every malformed message, counts each and flushes its L1', async () => {
    const namespace = uniqueNamespace('adv-bus-peer');
    const peer = startBusPeer(redisUrl, namespace);
    try {
      const counts = () => peer.call({ op: 'counts' }) as Promise<Record<string, number>>;
      await until(async () => ((await counts()).flush ?? 0) >= 1, 'the peer to subscribe', 20_000);
      for (const [i, payload] of malformed.entries()) {
        expect(await peer.call({ op: 'getOrSet', key: `k${i}`, value: 'cached', tags: [] })).toBe('cached');
        await raw.publish(`${namespace}:bus`, payload);
        const answered = await Promise.race([
          until(async () => ((await counts()).invalid ?? 0) >= i + 1, `message ${i} to be counted`).then(() => 'alive'),
          peer.exited.then((code) => `exited with ${code}`),
        ]);
        expect(answered, payload).toBe('alive');
        // Flushed: the next read comes from L2, not from the L1 copy.
        expect(await peer.call({ op: 'fetch', key: `k${i}`, value: 'origin', tags: [] }), payload).toEqual({ value: 'cached', tier: 'l2' });
      }
      await peer.call({ op: 'close' });
      peer.child.stdin!.end();
      expect(await peer.exited).toBe(0);
    } finally {
      if (peer.child.exitCode === null) peer.child.kill();
    }
  });

  it('is logged once, however many arrive', async () => {
    const { observer, logger, channel } = await subscriber();
    for (const payload of malformed.slice(0, 5)) await raw.publish(channel, payload);
    await until(() => (observer.counts.get('bus:invalid') ?? 0) >= 5, 'the messages');
    expect(logger.lines.filter((l) => l.includes('ignored a bus message'))).toHaveLength(1);
  });

  it("a new publisher's first message reveals a gap when it is not number 1", async () => {
    const { cache, observer, channel } = await subscriber();
    await cache.set('k', 'local', { ttl: 600, shared: false });
    await raw.publish(channel, JSON.stringify({ v: 1, p: 'late-publisher', s: 7, m: { type: 'delete', keys: ['other'] } }));
    await until(() => (observer.counts.get('bus:received') ?? 0) >= 1, 'the message');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('a first message numbered 1 is applied without a flush', async () => {
    const { cache, observer, channel } = await subscriber();
    await cache.set('k', 'local', { ttl: 600, shared: false });
    await raw.publish(channel, JSON.stringify({ v: 1, p: 'new-publisher', s: 1, m: { type: 'delete', keys: ['other'] } }));
    await until(() => (observer.counts.get('bus:received') ?? 0) >= 1, 'the message');
    expect(await cache.get('k')).toBe('local');
  });
});

describe('#2 (beyond) a subscriber that loses its connection', () => {
  it('flushes its L1 as soon as the connection drops, not only once it is back', async () => {
    const user = await aclUser(raw, redisUrl);
    users.push(user);
    const { cache, observer, namespace } = await subscriber(user.url);
    await cache.set('k', 'before', { ttl: 600, shared: false });
    // The user can no longer log in: its bus connection, once killed, stays down.
    await user.disable();
    const ids = await busConnectionIds(raw, namespace);
    expect(ids).toHaveLength(1);
    await raw.client('KILL', 'ID', ids[0]!);
    await until(() => (observer.counts.get('bus:gap') ?? 0) >= 1 || cache.l1!.size === 0, 'the drop to be noticed', 3000).catch(() => {});
    expect(await cache.get('k')).toBeUndefined();
  });
});
