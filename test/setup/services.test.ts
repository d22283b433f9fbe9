import { inject, describe, expect, it } from 'vitest';
import { connect } from 'node:net';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

describe('test services', () => {
  it.each(['redisUrl', 'databaseUrl', 'natsUrl'] as const)('%s points at a listening server', async (name) => {
    const url = inject(name);
    expect(url).toMatch(/^(redis|postgres|nats):\/\//);
    expect(await reachable(url)).toBe(true);
  });
});
