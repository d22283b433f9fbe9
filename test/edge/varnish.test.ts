/**
 * Varnish (vmod_xkey) in front of the shop, configured by `cachegen edge vcl`: hits at the edge,
 * and every write — a mutation through the API, a row changed in PostgreSQL (CDC) — purges it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { varnish } from '@cachegen/runtime/edge';
import { varnishVcl } from '../../generator/edge/vcl.js';
import { freePort } from '../support/services.js';
import { purgeRecorder } from './recorder.js';
import { startVarnish, type RunningEdge } from './servers.js';
import { shopIr, startShop, writeRowAndWaitForPurge, type Shop } from './shop.js';

let edge: RunningEdge;
let shop: Shop;
const observer = purgeRecorder();

beforeAll(async () => {
  const port = await freePort();
  edge = await startVarnish(varnishVcl(await shopIr(), { backend: `127.0.0.1:${port}` }));
  shop = await startShop({
    port, redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl'), observer, cdc: true,
    adapters: () => [varnish({ url: edge.url })],
    purger: { timeoutMs: 300, retry: { minMs: 20, maxMs: 200 } },
  });
});

afterAll(async () => {
  await shop?.close();
  await edge?.stop();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ cache: string | null; body: unknown; surrogate: string | null }> {
  const response = await fetch(edge.url + path, { headers });
  return { cache: response.headers.get('x-cache'), body: await response.json(), surrogate: response.headers.get('surrogate-key') };
}

async function put(id: string, name: string, shelf = 's1', base = edge.url): Promise<void> {
  const response = await fetch(`${base}/items/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, name, shelf }) });
  expect(response.status).toBe(200);
}

describe('Varnish in front of the app', () => {
  it('answers the second GET from the edge, without the tags on the wire', async () => {
    expect(await get('/items/a')).toMatchObject({ cache: 'MISS', body: { name: 'apple' } });
    expect(await get('/items/a')).toEqual({ cache: 'HIT', body: { id: 'a', name: 'apple', shelf: 's1' }, surrogate: null });
  });

  it('serves the new value after a mutation through the API, with query variants and response-derived tags purged too', async () => {
    await get('/items/a');
    await get('/shelves/s1/items?page=1');
    await get('/shelves/s1/items?page=1&utm_source=x');
    await get('/search?color=ppl');
    expect((await get('/search?color=ppl')).cache).toBe('HIT');
    expect((await get('/shelves/s1/items?page=1')).cache).toBe('HIT');
    await put('a', 'apricot');
    await shop.purger.drained();
    expect(await get('/items/a')).toMatchObject({ cache: 'MISS', body: { name: 'apricot' } });
    expect(await get('/shelves/s1/items?page=1&utm_source=x')).toMatchObject({ cache: 'MISS' });
    expect((await get('/shelves/s1/items?page=1')).body).toEqual([{ id: 'a', name: 'apricot', shelf: 's1' }, { id: 'b', name: 'bread', shelf: 's1' }, { id: 'c', name: 'cheese', shelf: 's1' }]);
    // item:a came from the search response body: only a tag-aware edge can purge it.
    expect(await get('/search?color=ppl')).toMatchObject({ cache: 'MISS', body: [] });
  });

  it('serves the new value after a row changes in PostgreSQL (CDC)', async () => {
    await get('/items/b');
    expect((await get('/items/b')).cache).toBe('HIT');
    await writeRowAndWaitForPurge(shop, observer, 'b', 'brioche');
    expect(await get('/items/b')).toMatchObject({ cache: 'MISS', body: { name: 'brioche' } });
  });

  it('never caches a request with credentials, nor a private operation', async () => {
    await get('/items/c', { authorization: 'Bearer x' });
    expect((await get('/items/c', { authorization: 'Bearer x' })).cache).toBe('MISS');
    await get('/me', { authorization: 'Bearer x' });
    expect((await get('/me', { authorization: 'Bearer x' })).cache).toBe('MISS');
  });

  it('refuses PURGE from an address outside the ACL', async () => {
    // 127.0.0.1 is allowed; the VCL's ACL is what the generator wrote from --purge-from.
    const vcl = varnishVcl(await shopIr(), { backend: '127.0.0.1:1', purgers: ['192.0.2.1'] });
    expect(vcl).toMatch(/acl cachegen_purgers \{\n {2}"192\.0\.2\.1";\n\}/);
    const other = await startVarnish(vcl);
    try {
      const response = await fetch(`${other.url}/`, { method: 'PURGE', headers: { 'xkey-purge': 'item:a' } });
      expect(response.status).toBe(403);
    } finally {
      await other.stop();
    }
  });

  it('does not keep a tagged response that came without its Surrogate-Key: no purge could reach it', async () => {
    const port = await freePort();
    const other = await startVarnish(varnishVcl(await shopIr(), { backend: `127.0.0.1:${port}` }));
    const bare = await startShop({ port, redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl'), surrogateKeys: false, adapters: () => [varnish({ url: other.url })] });
    try {
      await fetch(`${other.url}/items/a`);
      expect((await fetch(`${other.url}/items/a`)).headers.get('x-cache')).toBe('MISS');
    } finally {
      await bare.close();
      await other.stop();
    }
  });

  it('keeps retrying while Varnish does not answer, and purges once it does: nothing lost', async () => {
    await get('/items/c');
    expect((await get('/items/c')).cache).toBe('HIT');
    const failedBefore = observer.count('failed');
    edge.pause();
    try {
      await put('c', 'camembert', 's1', shop.url); // straight to the app: Varnish is not answering
      while (observer.count('failed') < failedBefore + 2) await observer.next('failed');
    } finally {
      edge.resume();
    }
    await shop.purger.drained();
    expect(observer.count('retried')).toBeGreaterThan(0);
    expect(await get('/items/c')).toMatchObject({ cache: 'MISS', body: { name: 'camembert' } });
  });
});
