/** What bench:http serves: the bodies and the one-operation spec of the generated contender. */

export type Size = 'small' | 'large';

/** A product-like JSON body of about `bytes` bytes. */
export function body(bytes: number): { id: number; name: string; category: string; description: string } {
  const base = { id: 1, name: 'Quiet Lamp 1', category: 'tools', description: '' };
  return { ...base, description: 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length)) };
}

/** The bodies by size (~300 B and 100 KB) and their bytes as every contender sends them. */
export const bodies = { small: body(300), large: body(100 * 1024) };
export const bodyBytes = { small: Buffer.from(JSON.stringify(bodies.small)), large: Buffer.from(JSON.stringify(bodies.large)) };

/** The one-operation spec the generated contender serves. */
export function benchSpec(): Record<string, unknown> {
  const item = {
    type: 'object', required: ['id', 'name', 'category', 'description'],
    properties: { id: { type: 'integer' }, name: { type: 'string' }, category: { type: 'string' }, description: { type: 'string' } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'HTTP bench', version: '1.0.0' },
    paths: {
      '/items/{size}/{id}': {
        get: {
          operationId: 'getItem',
          'x-cache': { ttl: 3600, tags: ['item:{id}'] },
          parameters: [
            { name: 'size', in: 'path', required: true, schema: { type: 'string', enum: ['small', 'large'] } },
            { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          ],
          responses: { '200': { description: 'item', content: { 'application/json': { schema: item } } } },
        },
      },
    },
  };
}
