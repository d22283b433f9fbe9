/** Removing what one run of the catalog left in Redis. */
import { Redis } from 'ioredis';

/** `text` with Redis glob characters escaped, so SCAN MATCH reads it literally. */
function literalPattern(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Deletes every key of a cache namespace from the Redis at `redisUrl`: entries, leases, epochs and
 * tag stamps all start with `<namespace>:` (docs/two-tier.md). Resolves to the number deleted.
 */
export async function deleteNamespace(redisUrl: string, namespace: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${literalPattern(namespace)}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
