/**
 * The purge queue of one adapter: tags waiting for the edge, each with the time of its oldest
 * invalidation not yet purged. A tag added while it waits merges with itself (one purge for
 * any number of invalidations and instances); a tag added after it was taken is a new purge,
 * since the edge may have fetched the old value in between. Taken batches are leased: one that
 * is neither done nor failed in time (its instance died) goes back for another instance.
 * Past `maxPending` tags the queue keeps one "purge everything" instead (bounded memory).
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** Tags taken for one purge, or `all` after an overflow. */
export interface Batch {
  id: string;
  tags: string[];
  all: boolean;
  /** Date.now() of the oldest invalidation in the batch. */
  since: number;
}

export interface PurgeQueue {
  add(tags: readonly string[], since: number): Promise<void>;
  /** Replaces whatever waits with one "purge everything" (what overflowing does). */
  addAll(since: number): Promise<void>;
  /** Up to `max` tags (oldest first), leased for `leaseMs`; undefined when nothing waits. */
  take(max: number, leaseMs: number): Promise<Batch | undefined>;
  done(batch: Batch): Promise<void>;
  /** Puts the batch's tags back, keeping their oldest times. */
  fail(batch: Batch): Promise<void>;
  /** Tags waiting plus batches in flight (for tests and shutdown). */
  size(): Promise<number>;
}

/** An in-process queue: one instance, or one purger per instance without Redis. */
export class MemoryQueue implements PurgeQueue {
  private readonly pending = new Map<string, number>();
  private readonly inflight = new Map<string, { batch: Batch; until: number }>();
  private overflowSince: number | undefined;

  constructor(private readonly maxPending: number, private readonly clock: () => number = Date.now) {}

  async add(tags: readonly string[], since: number): Promise<void> {
    if (this.overflowSince !== undefined) return;
    for (const tag of tags) {
      const had = this.pending.get(tag);
      if (had === undefined || since < had) this.pending.set(tag, since);
    }
    if (this.pending.size > this.maxPending) {
      this.overflowSince = Math.min(since, ...this.pending.values());
      this.pending.clear();
    }
  }

  async addAll(since: number): Promise<void> {
    this.overflowSince = Math.min(this.overflowSince ?? since, since);
    this.pending.clear();
  }

  async take(max: number, leaseMs: number): Promise<Batch | undefined> {
    const now = this.clock();
    for (const [id, held] of this.inflight) if (held.until <= now) { this.inflight.delete(id); await this.fail(held.batch); }
    let batch: Batch | undefined;
    if (this.overflowSince !== undefined) {
      batch = { id: randomUUID(), tags: [], all: true, since: this.overflowSince };
      this.overflowSince = undefined;
    } else if (this.pending.size > 0) {
      const tags: string[] = [];
      let since = Infinity;
      for (const [tag, at] of this.pending) {
        if (tags.length >= max) break;
        tags.push(tag);
        since = Math.min(since, at);
      }
      for (const tag of tags) this.pending.delete(tag);
      batch = { id: randomUUID(), tags, all: false, since };
    }
    if (batch) this.inflight.set(batch.id, { batch, until: now + leaseMs });
    return batch;
  }

  async done(batch: Batch): Promise<void> {
    this.inflight.delete(batch.id);
  }

  async fail(batch: Batch): Promise<void> {
    this.inflight.delete(batch.id);
    if (batch.all) this.overflowSince = Math.min(this.overflowSince ?? batch.since, batch.since);
    else await this.add(batch.tags, batch.since);
  }

  async size(): Promise<number> {
    return this.pending.size + this.inflight.size + (this.overflowSince === undefined ? 0 : 1);
  }
}

// Keys of one adapter's queue share a hash tag, so the scripts work on a Redis Cluster too.
// pending: zset tag → oldest since; inflight: zset batch id → lease deadline (Redis TIME, ms);
// batch:<id>: the batch as JSON; overflow: the since of a pending "purge everything".
const ADD_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local max = tonumber(ARGV[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'LT', ARGV[2], ARGV[i]) end
if redis.call('ZCARD', KEYS[1]) > max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  redis.call('SET', KEYS[2], oldest[2] or ARGV[2])
  redis.call('DEL', KEYS[1])
  return -1
end
return 1`;

const ADD_ALL_SCRIPT = `
redis.call('SET', KEYS[2], ARGV[1], 'NX')
redis.call('DEL', KEYS[1])
return 1`;

const RETURN_BATCH = `
local function give_back(pending, overflow, body)
  local b = cjson.decode(body)
  if b.all then
    if redis.call('EXISTS', overflow) == 0 then redis.call('SET', overflow, b.since) end
  elseif redis.call('EXISTS', overflow) == 0 then
    for _, t in ipairs(b.tags) do redis.call('ZADD', pending, 'LT', b.since, t) end
  end
end`;

const TAKE_SCRIPT = `${RETURN_BATCH}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 16)
for _, id in ipairs(expired) do
  local body = redis.call('GET', ARGV[3] .. id)
  if body then give_back(KEYS[1], KEYS[3], body); redis.call('DEL', ARGV[3] .. id) end
  redis.call('ZREM', KEYS[2], id)
end
local body
local overflow = redis.call('GET', KEYS[3])
if overflow then
  redis.call('DEL', KEYS[3])
  body = cjson.encode({ all = true, since = tonumber(overflow) })
else
  local items = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
  if #items == 0 then return false end
  local tags, since = {}, nil
  for i = 1, #items, 2 do
    tags[#tags + 1] = items[i]
    local s = tonumber(items[i + 1])
    if since == nil or s < since then since = s end
    redis.call('ZREM', KEYS[1], items[i])
  end
  body = cjson.encode({ tags = tags, since = since })
end
local id = tostring(redis.call('INCR', KEYS[4]))
redis.call('SET', ARGV[3] .. id, body)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
return { id, body }`;

const DONE_SCRIPT = `
redis.call('DEL', ARGV[1] .. ARGV[2])
return redis.call('ZREM', KEYS[1], ARGV[2])`;

const FAIL_SCRIPT = `${RETURN_BATCH}
local body = redis.call('GET', ARGV[1] .. ARGV[2])
if body and redis.call('ZREM', KEYS[2], ARGV[2]) == 1 then give_back(KEYS[1], KEYS[3], body) end
redis.call('DEL', ARGV[1] .. ARGV[2])
return 1`;

interface QueueCommands {
  cachegenEdgeAdd(pending: string, overflow: string, max: number, since: number, ...tags: string[]): Promise<number>;
  cachegenEdgeAddAll(pending: string, overflow: string, since: number): Promise<number>;
  cachegenEdgeTake(pending: string, inflight: string, overflow: string, seq: string, max: number, leaseMs: number, batchPrefix: string): Promise<[string, string] | null>;
  cachegenEdgeDone(inflight: string, batchPrefix: string, id: string): Promise<number>;
  cachegenEdgeFail(pending: string, inflight: string, overflow: string, batchPrefix: string, id: string): Promise<number>;
}

/** The queue shared by every instance, in Redis. Commands reject when Redis fails: the purger keeps what it could not hand over. */
export class RedisQueue implements PurgeQueue {
  private readonly keys: { pending: string; inflight: string; overflow: string; seq: string; batch: string };
  private readonly commands: QueueCommands;

  constructor(private readonly client: Redis | Cluster, namespace: string, adapter: string, private readonly maxPending: number) {
    const base = `{${namespace}:edge:${adapter}}`;
    this.keys = { pending: `${base}:pending`, inflight: `${base}:inflight`, overflow: `${base}:overflow`, seq: `${base}:seq`, batch: `${base}:batch:` };
    const define = (name: string, numberOfKeys: number, lua: string) => {
      if (!(name in client)) client.defineCommand(name, { numberOfKeys, lua });
    };
    define('cachegenEdgeAdd', 2, ADD_SCRIPT);
    define('cachegenEdgeAddAll', 2, ADD_ALL_SCRIPT);
    define('cachegenEdgeTake', 4, TAKE_SCRIPT);
    define('cachegenEdgeDone', 1, DONE_SCRIPT);
    define('cachegenEdgeFail', 3, FAIL_SCRIPT);
    this.commands = client as unknown as QueueCommands;
  }

  async add(tags: readonly string[], since: number): Promise<void> {
    if (tags.length > 0) await this.commands.cachegenEdgeAdd(this.keys.pending, this.keys.overflow, this.maxPending, since, ...tags);
  }

  async addAll(since: number): Promise<void> {
    await this.commands.cachegenEdgeAddAll(this.keys.pending, this.keys.overflow, since);
  }

  async take(max: number, leaseMs: number): Promise<Batch | undefined> {
    const k = this.keys;
    const reply = await this.commands.cachegenEdgeTake(k.pending, k.inflight, k.overflow, k.seq, max, leaseMs, k.batch);
    if (!reply) return undefined;
    const body = JSON.parse(reply[1]) as { tags?: string[] | Record<string, never>; since: number; all?: boolean };
    // cjson writes an empty array as {}: an `all` batch has no tags.
    return { id: reply[0], tags: Array.isArray(body.tags) ? body.tags : [], all: body.all === true, since: body.since };
  }

  async done(batch: Batch): Promise<void> {
    await this.commands.cachegenEdgeDone(this.keys.inflight, this.keys.batch, batch.id);
  }

  async fail(batch: Batch): Promise<void> {
    await this.commands.cachegenEdgeFail(this.keys.pending, this.keys.inflight, this.keys.overflow, this.keys.batch, batch.id);
  }

  async size(): Promise<number> {
    const k = this.keys;
    const [pending, inflight, overflow] = await Promise.all([this.client.zcard(k.pending), this.client.zcard(k.inflight), this.client.exists(k.overflow)]);
    return pending + inflight + overflow;
  }
}
