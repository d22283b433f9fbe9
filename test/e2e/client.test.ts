/** The generated client against the generated server: typed calls, its own cache, invalidation by its mutations, ApiError. */
import { afterEach, describe, expect, it } from 'vitest';
import { startCatalog, type RunningCatalog } from '../../examples/catalog/app.js';
import { ApiError, createClient } from '../../examples/catalog/generated/index.js';
import { createCache, type Cache } from '@cachegen/runtime';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const close of closers.splice(0)) await close(); });

async function setup(): Promise<{ server: RunningCatalog; cache: Cache; calls: string[]; client: ReturnType<typeof createClient> }> {
  const server = await startCatalog({ costs: { lookup: 0, query: 0, aggregate: 0 } });
  const cache = createCache({ namespace: 'client-test' });
  closers.push(() => server.close(), () => cache.close());
  const calls: string[] = [];
  const counting: typeof fetch = (input, init) => {
    const request = input instanceof Request ? input : undefined;
    calls.push(`${init?.method ?? request?.method ?? 'GET'} ${new URL(request ? request.url : String(input)).pathname}`);
    return fetch(input, init);
  };
  return { server, cache, calls, client: createClient({ baseUrl: server.url, cache, fetch: counting, headers: { authorization: 'Bearer token-2' } }) };
}

describe('generated client', () => {
  it('caches an x-cache read and refetches it after its own mutation invalidates the tag', async () => {
    const { client, calls } = await setup();
    const first = await client.getProduct({ path: { id: 3 } });
    const second = await client.getProduct({ path: { id: 3 } });
    expect(second).toEqual(first);
    expect(calls.filter((c) => c === 'GET /products/3')).toHaveLength(1);
    const updated = await client.updateProduct({ path: { id: 3 }, body: { name: 'Renamed by client', priceCents: 10, category: 'music' } });
    expect(updated.name).toBe('Renamed by client');
    const third = await client.getProduct({ path: { id: 3 } });
    expect(third.name).toBe('Renamed by client');
    expect(calls.filter((c) => c === 'GET /products/3')).toHaveLength(2);
  });

  it('invalidates listings by the ids in their response', async () => {
    const { client, calls } = await setup();
    const page = await client.listProducts({ query: { category: 'books' } });
    const id = page.items[0]!.id;
    await client.listProducts({ query: { category: 'books' } });
    expect(calls.filter((c) => c === 'GET /products')).toHaveLength(1);
    await client.updateProduct({ path: { id }, body: { name: 'Listed', priceCents: 1, category: 'books' } });
    const again = await client.listProducts({ query: { category: 'books' } });
    expect(again.items[0]!.name).toBe('Listed');
    expect(calls.filter((c) => c === 'GET /products')).toHaveLength(2);
  });

  it('throws ApiError with the status and the parsed body', async () => {
    const { client } = await setup();
    const error = await client.getProduct({ path: { id: 424242 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).body).toEqual({ message: 'no product 424242' });
    const invalid = await client.getProduct({ path: { id: 0 } }).catch((e: unknown) => e);
    expect((invalid as ApiError).status).toBe(400);
  });

  it('sends the configured headers and query parameters', async () => {
    const { client } = await setup();
    expect(await client.getProfile()).toMatchObject({ id: 2 });
    const found = await client.searchProducts({ query: { q: 'Lamp' }, });
    expect(found.query).toBe('Lamp');
    expect(found.results.every((p) => p.name.includes('Lamp'))).toBe(true);
  });

  it('keys x-cache reads by their vary headers (Accept-Language)', async () => {
    const { server, cache } = await setup();
    let language = 'de';
    const client = createClient({ baseUrl: server.url, cache, headers: () => ({ 'accept-language': language }) });
    const german = await client.searchProducts({ query: { q: 'Lamp' } });
    language = 'fr';
    const french = await client.searchProducts({ query: { q: 'Lamp' } });
    language = 'de';
    const germanAgain = await client.searchProducts({ query: { q: 'Lamp' } });
    expect(german.language).toMatch(/^de/);
    expect(french.language).toMatch(/^fr/);
    expect(germanAgain).toEqual(german);
  });
});
