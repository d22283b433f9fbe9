/**
 * Fastly, Cloudflare and the webhook, against a local server that records what it receives. The
 * shapes are those of the providers' documented purge APIs (Fastly: POST /service/{id}/purge with
 * Fastly-Key and {"surrogate_keys": [...]}, at most 256; Cloudflare: POST /zones/{id}/purge_cache
 * with a Bearer token and {"tags": [...]}, at most 100); no live account is used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cloudflare, createEdgePurger, fastly, webhook, type EdgePurger } from '@cachegen/runtime/edge';
import { purgeRecorder } from './recorder.js';
import { recordingServer, type RecordingServer } from './recorder.js';

const open: Array<EdgePurger | RecordingServer> = [];
afterEach(async () => { await Promise.all(open.splice(0).map((x) => x.close())); });

async function server(): Promise<RecordingServer> {
  const s = await recordingServer();
  open.push(s);
  return s;
}

function purger(...args: Parameters<typeof createEdgePurger>): EdgePurger {
  const p = createEdgePurger(...args);
  open.push(p);
  return p;
}

const tags = (n: number, prefix = 'product:') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('Fastly', () => {
  it('posts the surrogate keys to /service/{id}/purge with the Fastly-Key token, 256 at most per request', async () => {
    const api = await server();
    const p = purger({ adapters: [fastly({ serviceId: 'SU1Z0isxPaozGVKXdv0eY', token: 'tok-123', apiUrl: api.url })] });
    p.purge(tags(300));
    await p.drained();
    expect(api.received.map((r) => [r.method, r.url])).toEqual([['POST', '/service/SU1Z0isxPaozGVKXdv0eY/purge'], ['POST', '/service/SU1Z0isxPaozGVKXdv0eY/purge']]);
    expect(api.received[0]!.headers).toMatchObject({ 'fastly-key': 'tok-123', 'content-type': 'application/json', accept: 'application/json' });
    expect(api.received[0]!.headers['fastly-soft-purge']).toBeUndefined();
    const sent = api.received.map((r) => JSON.parse(r.body) as { surrogate_keys: string[] });
    expect(sent.map((b) => b.surrogate_keys.length)).toEqual([256, 44]);
    expect(new Set(sent.flatMap((b) => b.surrogate_keys))).toEqual(new Set(tags(300)));
  });

  it('sends fastly-soft-purge: 1 when soft, and keys spelled as in the Surrogate-Key header', async () => {
    const api = await server();
    const p = purger({ adapters: [fastly({ serviceId: 's', token: 't', soft: true, apiUrl: api.url })] });
    p.purge(['city:new york', 'a,b']);
    await p.drained();
    expect(api.received[0]!.headers['fastly-soft-purge']).toBe('1');
    expect(JSON.parse(api.received[0]!.body)).toEqual({ surrogate_keys: ['city:new%20york', 'a%2Cb'] });
  });
});

describe('Cloudflare', () => {
  it('posts the tags to /zones/{id}/purge_cache with a Bearer token, 100 at most per request', async () => {
    const api = await server();
    api.respond = () => ({ status: 200, body: JSON.stringify({ success: true, errors: [], messages: [], result: { id: 'x' } }) });
    const p = purger({ adapters: [cloudflare({ zoneId: '023e105f4ecef8ad9ca31a8372d0c353', token: 'cf-token', apiUrl: api.url })] });
    p.purge(tags(150));
    await p.drained();
    expect(api.received.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache'], ['POST', '/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache'],
    ]);
    expect(api.received[0]!.headers).toMatchObject({ authorization: 'Bearer cf-token', 'content-type': 'application/json' });
    const sent = api.received.map((r) => JSON.parse(r.body) as { tags: string[] });
    expect(sent.map((b) => b.tags.length)).toEqual([100, 50]);
    expect(new Set(sent.flatMap((b) => b.tags))).toEqual(new Set(tags(150)));
  });

  it('retries a 200 that says success: false, until Cloudflare confirms', async () => {
    const api = await server();
    let answers = 0;
    api.respond = () => ({ status: 200, body: JSON.stringify(++answers < 3 ? { success: false, errors: [{ code: 1134, message: 'rate limited' }] } : { success: true }) });
    const observer = purgeRecorder();
    const p = purger({ adapters: [cloudflare({ zoneId: 'z', token: 't', apiUrl: api.url })], observer, logger: { warn() {} }, retry: { minMs: 5, maxMs: 20 } });
    p.purge(['product:1']);
    await p.drained();
    expect(api.received).toHaveLength(3);
    expect([observer.count('failed'), observer.count('retried'), observer.count('sent')]).toEqual([2, 2, 1]);
  });
});

describe('webhook', () => {
  it('posts {"tags": [...]} with the given headers; a 5xx is retried', async () => {
    const hook = await server();
    let calls = 0;
    hook.respond = () => ({ status: ++calls === 1 ? 503 : 204 });
    const p = purger({ adapters: [webhook({ url: `${hook.url}/purge?src=cachegen`, headers: { authorization: 'Bearer w' } })], logger: { warn() {} }, retry: { minMs: 5, maxMs: 20 } });
    p.purge(['a', 'b']);
    await p.drained();
    expect(hook.received.map((r) => [r.method, r.url, r.headers.authorization, JSON.parse(r.body)])).toEqual([
      ['POST', '/purge?src=cachegen', 'Bearer w', { tags: ['a', 'b'] }],
      ['POST', '/purge?src=cachegen', 'Bearer w', { tags: ['a', 'b'] }],
    ]);
  });
});

describe('your own adapter', () => {
  it('is an object with a name and purge(tags)', async () => {
    const seen: string[][] = [];
    const p = purger({ adapters: [{ name: 'mine', purge: async (t) => { seen.push([...t]); } }] });
    p.purge(['x', 'y']);
    await p.drained();
    expect(seen).toEqual([['x', 'y']]);
  });

  it('gives up on one that never answers and ignores the signal, and retries it', async () => {
    let calls = 0;
    const observer = purgeRecorder();
    const p = purger({
      adapters: [{ name: 'stuck', purge: () => (++calls === 1 ? new Promise<void>(() => {}) : Promise.resolve()) }],
      observer, timeoutMs: 50, retry: { minMs: 5, maxMs: 20 }, logger: { warn() {} },
    });
    await p.purge(['x']);
    await p.drained();
    expect([calls, observer.count('failed'), observer.count('sent')]).toEqual([2, 1, 1]);
  });

  it('refuses adapters without a purge function, or two with one name', () => {
    expect(() => createEdgePurger({ adapters: [] })).toThrow(/at least one/);
    expect(() => createEdgePurger({ adapters: [{ name: 'a' } as never] })).toThrow(/adapters\[0\] needs a purge/);
    expect(() => createEdgePurger({ adapters: [{ name: 'a', purge: async () => {} }, { name: 'a', purge: async () => {} }] })).toThrow(/two adapters are named "a"/);
    expect(() => createEdgePurger({ adapters: [{ name: 'a b', purge: async () => {} }] })).toThrow(/adapters\[0\]\.name/);
  });
});
