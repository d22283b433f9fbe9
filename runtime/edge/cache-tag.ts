/** Cloudflare reads tags from `Cache-Tag` (comma-separated); the generated routes send `Surrogate-Key` (space-separated). */
import type { FastifyInstance } from 'fastify';

/** Adds a Fastify onSend hook that copies each response's Surrogate-Key into Cache-Tag, for Cloudflare. */
export function cacheTagHeader(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    const keys = reply.getHeader('surrogate-key');
    if (typeof keys === 'string' && keys !== '') reply.header('cache-tag', keys.split(' ').join(','));
    return payload;
  });
}
