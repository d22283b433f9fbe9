/**
 * nginx (proxy_cache + ngx_cache_purge) in front of the shop, configured by `cachegen edge nginx`:
 * nginx caches only what the adapter can purge by URL, and every write purges those URLs.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nginx } from '@cachegen/runtime/edge';
import { nginxConfig } from '../../generator/edge/nginx.js';
import { freePort } from '../support/services.js';
import { purgeRecorder } from './recorder.js';
import { startNginx, type RunningEdge } from './servers.js';
import { shopIr, startShop, writeRowAndWaitForPurge, type Shop } from './shop.js';

let edge: RunningEdge;
let shop: Shop;
const observer = purgeRecorder();

beforeAll(async () => {
  const port = await freePort();
  const ir = await shopIr();
  edge = await startNginx((listen, cacheDir) => nginxConfig(ir, { upstream: `127.0.0.1:${port}`, listen: `127.0.0.1:${listen}`, cacheDir }).text);
  shop = await startShop({
    port, redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl'), observer, cdc: true,
    adapters: (operations) => [nginx({ url: edge.url, operations })],
    purger: { timeoutMs: 300, retry: { minMs: 20, maxMs: 200 } },
  });
});

afterAll(async () => {
  await shop?.close();
  await edge?.stop();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ cache: string | null; body: unknown }> {
  const response = await fetch(edge.url + path, { headers });
  return { cache: response.headers.get('x-cache'), body: await response.json() };
}

async function put(id: string, name: string, base = edge.url): Promise<void> {
  const response = await fetch(`${base}/items/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, name, shelf: 's1' }) });
  expect(response.status).toBe(200);
}

describe('nginx in front of the app', () => {
  it('answers the second GET from the edge', async () => {
    expect(await get('/items/a')).toMatchObject({ cache: 'MISS', body: { name: 'apple' } });
    expect(await get('/items/a')).toEqual({ cache: 'HIT', body: { id: 'a', name: 'apple', shelf: 's1' } });
  });

  it('keys query variants the way it purges them: ignored parameters share the entry, other keyed ones skip the cache', async () => {
    await get('/shelves/s1/items');
    expect((await get('/shelves/s1/items?utm_source=mail')).cache).toBe('HIT');
    expect((await get('/shelves/s1/items?page=1')).cache).toBe('BYPASS');
    expect((await get('/items/a?x=1')).cache).toBe('BYPASS');
  });

  it('serves the new value after a mutation through the API: the item and its shelf, every query variant', async () => {
    await get('/items/a');
    await get('/shelves/s1/items');
    await put('a', 'apricot');
    await shop.purger.drained();
    expect(await get('/items/a')).toMatchObject({ cache: 'MISS', body: { name: 'apricot' } });
    const shelf = await get('/shelves/s1/items?utm_campaign=x');
    expect(shelf.cache).toBe('MISS');
    expect(shelf.body).toContainEqual({ id: 'a', name: 'apricot', shelf: 's1' });
  });

  it('serves the new value after a row changes in PostgreSQL (CDC)', async () => {
    await get('/items/b');
    expect((await get('/items/b')).cache).toBe('HIT');
    await writeRowAndWaitForPurge(shop, observer, 'b', 'brioche');
    expect(await get('/items/b')).toMatchObject({ cache: 'MISS', body: { name: 'brioche' } });
  });

  it('does not cache an operation whose tags it cannot purge (read from the response), nor credentials', async () => {
    await get('/search?color=ppl');
    expect((await get('/search?color=ppl')).cache).not.toBe('HIT');
    await get('/items/c', { cookie: 'session=1' });
    expect((await get('/items/c', { cookie: 'session=1' })).cache).toBe('BYPASS');
  });

  it('refuses PURGE from an address the config does not list', async () => {
    const ir = await shopIr();
    const other = await startNginx((listen, cacheDir) => nginxConfig(ir, { upstream: '127.0.0.1:1', listen: `127.0.0.1:${listen}`, cacheDir, purgers: ['192.0.2.1'] }).text);
    try {
      expect((await fetch(`${other.url}/.cachegen-purge/items/a`, { method: 'PURGE' })).status).toBe(403);
    } finally {
      await other.stop();
    }
  });

  it('keeps retrying while nginx is down, and purges once it is back: nothing lost', async () => {
    await get('/items/c');
    expect((await get('/items/c')).cache).toBe('HIT');
    await edge.down();
    const failedBefore = observer.count('failed');
    await put('c', 'camembert', shop.url);
    while (observer.count('failed') < failedBefore + 2) await observer.next('failed');
    await edge.up(); // the cache is on disk: without the purge, the old value would be served
    await shop.purger.drained();
    expect(observer.count('retried')).toBeGreaterThan(0);
    expect(await get('/items/c')).toMatchObject({ cache: 'MISS', body: { name: 'camembert' } });
  });

  it('a restarted nginx keeps its cache (so the test above proves the retried purge)', async () => {
    await get('/items/c');
    await edge.down();
    await edge.up();
    expect((await get('/items/c')).cache).toBe('HIT');
  });
});
