/**
 * The RFC 9111 conformance table (conformance-table.ts) against cachedFetch, row by row, over a
 * real loopback origin: with the in-process cache, and with Redis alone (no L1), where every
 * stored response makes the round trip through the real L2. Every row, required or optional,
 * must pass; `npm run conformance` puts undici's interceptor beside it (docs/http.md).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cachedFetch, createCache } from '@cachegen/runtime';
import { ConformanceRunner, type Contender } from './conformance-harness.js';
import { cachedFetchContender } from './conformance-contenders.js';
import { rows } from './conformance-table.js';

let runner: ConformanceRunner;
beforeAll(async () => { runner = await ConformanceRunner.start(); });
afterAll(async () => { await runner.close(); });

let namespaces = 0;
/** cachedFetch over Redis only: the stored entry goes through the L2 codec and the tag-epoch checks on every step. */
const overRedis: Contender = {
  name: 'cachedFetch (Redis)',
  create({ clock, shared }) {
    // A 5 s command timeout, not 250 ms: on a loaded machine a timed-out read was an extra origin call.
    const cache = createCache({ namespace: `conformance-${process.pid}-${++namespaces}`, l1: false, l2: { redis: inject('redisUrl'), commandTimeoutMs: 5_000 }, clock: clock.now });
    const background: Promise<unknown>[] = [];
    const f = cachedFetch(cache, { shared, now: clock.now, storageTtl: 600, waitUntil: (work) => background.push(work) });
    return {
      fetch: (url, init) => f(url, init),
      settle: async () => { while (background.length > 0) await Promise.all(background.splice(0)); },
      close: async () => {
        await cache.clear();
        await cache.close();
      },
    };
  },
};

describe.each([cachedFetchContender, overRedis])('RFC 9111 conformance: $name', (contender) => {
  it.each(rows.map((row) => [`${row.level} ${row.id}${row.shared ? ' (shared)' : ''} [${row.section}]: ${row.title}`, row] as const))('%s', async (_name, row) => {
    const result = await runner.run(row, contender);
    expect(result.failure ?? 'passed').toBe('passed');
  });
});

describe('the table', () => {
  it('has unique ids, and every row checks something', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const row of rows) expect(row.steps.some((s) => Object.keys(s.expect).length > 0), row.id).toBe(true);
  });
});
