/**
 * Lost invalidations (#1 of the trust issue, and the same class beyond it): an invalidation
 * Redis did not confirm is retried until it does, memory stays bounded, and the instance
 * that invalidated never reads the old value back from L2 meanwhile. Failures are real: the
 * invalidating instance connects as a Redis ACL user whose script (or PUBLISH) permission is
 * taken away and given back, on the shared test Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, type Cache, type CreateCacheOptions } from '@cachegen/runtime';
import { countingObserver, uniqueNamespace, until } from '../cache/helpers.js';
import { aclUser, cleanUp, type AclUser } from './support.js';

const redisUrl = inject('redisUrl');
const admin = new Redis(redisUrl);
const open: Cache[] = [];
const users: AclUser[] = [];
const namespaces: string[] = [];

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await cleanUp(admin, { users, namespaces });
  admin.disconnect();
});

/** The invalidating instance (as the ACL user) and a reader on the same namespace. */
async function setup(reader: Partial<CreateCacheOptions> = { l1: false, bus: false }) {
  const user = await aclUser(admin, redisUrl);
  users.push(user);
  const namespace = uniqueNamespace('adv-inv');
  namespaces.push(namespace);
  const observer = countingObserver();
  const writer = createCache({ namespace, observer, l1: { maxEntries: 1000 }, l2: { redis: user.url, circuitFailures: 100 } });
  const readerObserver = countingObserver();
  const other = createCache({ namespace, observer: readerObserver, l1: { maxEntries: 1000 }, l2: { redis: redisUrl }, ...reader });
  open.push(writer, other);
  if (reader.bus !== false) {
    await until(() => [observer, readerObserver].every((o) => (o.counts.get('bus:flush') ?? 0) >= 1), 'the bus subscriptions');
  }
  return { user, writer, reader: other };
}

describe('#1 one failed invalidation is lost', () => {
  it('is retried until Redis confirms it, and meanwhile the invalidating instance does not read the old value from L2', async () => {
    const { user, writer, reader } = await setup();
    let version = 1;
    const loader = async () => `v${version}`;
    const opts = { ttl: 600, tags: ['product:1'] };
    expect(await writer.getOrSet('p1', loader, opts)).toBe('v1');
    expect(await reader.fetch('p1', loader, opts)).toMatchObject({ tier: 'l2', value: 'v1' });

    await user.deny('evalsha', 'eval');
    version = 2;
    const confirmed = await writer.invalidateTags(['product:1']);
    // Redis still holds v1 under an unconfirmed invalidation: the writer must not read it back.
    expect((await writer.fetch('p1', loader, opts)).value).toBe('v2');

    await user.allow('evalsha', 'eval');
    await until(async () => (await reader.fetch('p1', loader, opts)).value === 'v2', 'the retried invalidation to reach Redis');
    expect(confirmed).toBe(false); // and the caller was told it was not confirmed then
  });

  it('past the bound, pending invalidations collapse into one clear of the namespace, which is retried too', async () => {
    const { user, writer, reader } = await setup();
    const opts = (i: number) => ({ ttl: 600, tags: [`item:${i}`] });
    for (let i = 0; i < 3; i++) await writer.set(`k${i}`, `old${i}`, opts(i));
    await user.deny('evalsha', 'eval');
    const many = Array.from({ length: 10_001 }, (_, i) => `item:${i}`);
    await writer.invalidateTags(many);
    // While the clear waits, nothing from L2 is served to the instance that asked for it.
    expect((await writer.fetch('k1', async () => 'new1', opts(1))).value).toBe('new1');
    await user.allow('evalsha', 'eval');
    await until(async () => (await reader.get('k0')) === undefined && (await reader.get('k2')) === undefined, 'the clear to reach Redis');
  });

  it('a failed delete(key) is retried too', async () => {
    const { user, writer, reader } = await setup();
    await writer.set('gone', 'old', { ttl: 600 });
    expect(await reader.get('gone')).toBe('old');
    await user.deny('del');
    await writer.delete('gone');
    await user.allow('del');
    await until(async () => (await reader.get('gone')) === undefined, 'the retried delete');
  });

  it('a failed clear() is retried too', async () => {
    const { user, writer, reader } = await setup();
    await writer.set('c', 'old', { ttl: 600 });
    await user.deny('evalsha', 'eval');
    await writer.clear();
    await user.allow('evalsha', 'eval');
    await until(async () => (await reader.get('c')) === undefined, 'the retried clear');
  });

  it('an invalidation whose bus message failed is not confirmed: it is sent again, and the peers drop their L1 copies', async () => {
    const { user, writer, reader } = await setup({});
    let version = 1;
    const loader = async () => `v${version}`;
    const opts = { ttl: 600, tags: ['product:2'] };
    await writer.getOrSet('p2', loader, opts);
    expect(await reader.fetch('p2', loader, opts)).toMatchObject({ tier: 'l2', value: 'v1' });
    expect(await reader.fetch('p2', loader, opts)).toMatchObject({ tier: 'l1', value: 'v1' });
    await user.deny('publish');
    version = 2;
    await writer.invalidateTags(['product:2']);
    await user.allow('publish');
    await until(async () => (await reader.fetch('p2', loader, opts)).value === 'v2', 'the bus message, sent again');
  });
});
