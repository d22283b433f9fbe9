/**
 * The Lua scripts of the L2. Each touches the keys of one shard (one cluster slot); the tag
 * version keys are built from a declared prefix that shares that slot.
 *
 * Tag versions, without wall clocks: a shard has an epoch counter. Invalidating tags
 * INCRs it and stamps each tag with the new epoch. An entry records the epoch read before
 * its loader ran; it is servable only while every tag's stamp (and the clear floor) is
 * not above that epoch. So an invalidation that lands while a loader runs, whichever tags
 * the loader's response turns out to carry, always wins.
 */
// Reads need no script: one MGET reads an entry with its epoch, clear floor and tag stamps
// (RedisL2.read), and the stamps only grow, so the check needs no atomicity beyond that.

/** KEYS: entry, clear floor. ARGV: tag prefix, envelope, px, epoch, tags…
 *  Stores the entry unless a tag or a clear moved past its epoch; returns 1 when stored. */
export const WRITE_SCRIPT = `
local e = tonumber(ARGV[4])
if tonumber(redis.call('GET', KEYS[2]) or '0') > e then return 0 end
for i = 5, #ARGV do
  if tonumber(redis.call('GET', ARGV[1] .. ARGV[i]) or '0') > e then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/** KEYS: epoch. ARGV: tag prefix, tags… Stamps each tag with a new epoch; returns it. */
export const INVALIDATE_SCRIPT = `
local e = redis.call('INCR', KEYS[1])
for i = 2, #ARGV do redis.call('SET', ARGV[1] .. ARGV[i], e) end
return e
`;

/** KEYS: epoch, clear floor. Makes every entry stored before now unservable; returns the new epoch. */
export const CLEAR_SCRIPT = `
local e = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], e)
return e
`;

/** KEYS: lease. ARGV: owner token. Deletes the lease only when the caller still owns it. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
