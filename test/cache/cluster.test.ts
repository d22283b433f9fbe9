/**
 * The cache on a real 3-node Redis Cluster started by this file: every script touches one
 * slot (hash tags per shard), entries spread over the nodes, and tags, the race, the lease,
 * clear and the bus work across slots.
 */
import { spawnSync } from 'node:child_process';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '@cachegen/runtime';
import { startRedisServer, type RunningService } from '../support/services.js';
import { countingObserver, deferred, uniqueNamespace, until } from './helpers.js';

const servers: RunningService[] = [];
const clients: Cluster[] = [];
const caches: Cache[] = [];
let namespace = '';

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    servers.push(await startRedisServer({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] }));
  }
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
  for (const s of servers) {
    const node = new Redis(s.url);
    await until(async () => ((await node.cluster('INFO')) as string).includes('cluster_state:ok'), `cluster state ok on ${s.port}`, 20_000);
    node.disconnect();
  }
  namespace = uniqueNamespace('cluster');
});

afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  for (const c of clients) c.disconnect();
  await Promise.all(servers.map((s) => s.stop()));
});

const observers = new Map<Cache, ReturnType<typeof countingObserver>>();
function heard(cache: Cache): number {
  const counts = observers.get(cache)!.counts;
  return (counts.get('bus:received') ?? 0) + (counts.get('bus:flush') ?? 0);
}

function instance(): Cache {
  const client = new Cluster(servers.map((s) => ({ host: '127.0.0.1', port: s.port })));
  clients.push(client);
  const observer = countingObserver();
  const cache = createCache({ namespace, observer, l1: { maxEntries: 10_000 }, l2: { redis: client } });
  caches.push(cache);
  observers.set(cache, observer);
  return cache;
}

describe('Redis Cluster', () => {
  it('stores, reads back on another instance, spreads over the nodes, and invalidates tags in every shard', async () => {
    const a = instance();
    const b = instance();
    for (let i = 0; i < 64; i++) await a.set(`item:${i}`, { i }, { ttl: 600, tags: [`group:${i % 4}`] });
    for (let i = 0; i < 64; i++) expect(await b.get(`item:${i}`)).toEqual({ i });
    const perNode = await Promise.all(clients[0]!.nodes('master').map((n) => n.dbsize()));
    expect(perNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    const before = heard(b);
    await a.invalidateTags(['group:1']);
    await until(() => heard(b) > before, 'the bus message (or the subscription flush)');
    const fresh = await Promise.all(Array.from({ length: 64 }, (_, i) => b.getOrSet(`item:${i}`, async () => ({ i, reloaded: true }), { ttl: 600, tags: [`group:${i % 4}`] })));
    fresh.forEach((v, i) => expect('reloaded' in v).toBe(i % 4 === 1));
  });

  it('the race: an invalidation during a slow loader never leaves its result servable', async () => {
    const a = instance();
    const b = instance();
    const slow = deferred<string>();
    let calls = 0;
    const loader = () => (++calls === 1 ? slow.promise : Promise.resolve('new'));
    const first = a.getOrSet('race', loader, { ttl: 600, tagsFrom: () => ['product:7'] });
    await until(() => calls === 1, 'the loader to start');
    await b.invalidateTags(['product:7']);
    slow.resolve('old');
    expect(await first).toBe('old');
    expect(await b.getOrSet('race', loader, { ttl: 600, tagsFrom: () => ['product:7'] })).toBe('new');
    expect(await a.getOrSet('race', loader, { ttl: 600, tagsFrom: () => ['product:7'] })).toBe('new');
  });

  it('the lease holds a stampede over two instances to one loader call', async () => {
    const a = instance();
    const b = instance();
    let calls = 0;
    const loader = async () => { calls++; await new Promise((r) => setImmediate(r)); return 'v'; };
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).getOrSet('stampede', loader, { ttl: 600 })));
    expect(calls).toBe(1);
  });

  it('clear makes every entry of the namespace unservable on every node', async () => {
    const a = instance();
    const b = instance();
    for (let i = 0; i < 32; i++) await a.set(`c:${i}`, i, { ttl: 600 });
    await a.clear();
    const left = await Promise.all(Array.from({ length: 32 }, (_, i) => b.get(`c:${i}`)));
    expect(left.every((v) => v === undefined)).toBe(true);
  });
});
