/**
 * The Lua scripts of the L2. Each touches the keys of one shard (one cluster slot); the tag
 * version keys are built from a declared prefix that shares that slot.
 *
 * Tag versions, without wall clocks: a shard has an epoch counter. Invalidating tags
 * INCRs it and stamps each tag with the new epoch; a stamp expires once no entry it could
 * refuse can exist (docs/two-tier.md, "Tag stamps expire"). An entry records the epoch read before
 * its loader ran; it is servable only while every tag's stamp (and the clear floor) is
 * not above that epoch. So an invalidation that lands while a loader runs, whichever tags
 * the loader's response turns out to carry, always wins.
 */
// Reads need no script: one MGET reads an entry with its epoch, clear floor and tag stamps
// (RedisL2.read), and the stamps only grow, so the check needs no atomicity beyond that.

/**
 * How long a tag stamp outlives the longest entry of its shard that may still be alive, ms:
 * room for a write whose epoch was read before the stamp (see MAX_WRITE_AGE_MS).
 */
export const STAMP_GRACE_MS = 60_000;
/**
 * A write whose epoch was read longer ago than this is refused: a stamp newer than that epoch
 * lives at least STAMP_GRACE_MS, so while the write is younger the stamp is still there to refuse it.
 */
export const MAX_WRITE_AGE_MS = 30_000;

/**
 * KEYS: entry, clear floor, shard lifetime, shard epoch. ARGV: tag prefix, envelope, px, epoch,
 * age ms, tags… Stores the entry unless it is too old to be checked, a tag or a clear moved past
 * its epoch, or its epoch is above the shard's (read before Redis lost its data: no later stamp
 * could refuse it); a counter that is not a number refuses too. Returns 1 when stored. Then raises the
 * shard lifetime, the longest px among entries that may still be alive, kept alive as long as
 * the longest of them, so stamps (INVALIDATE_SCRIPT) know how long they are needed.
 */
export const WRITE_SCRIPT = `
local e = tonumber(ARGV[4])
local px = tonumber(ARGV[3])
if tonumber(ARGV[5]) > ${MAX_WRITE_AGE_MS} then return 0 end
local current = tonumber(redis.call('GET', KEYS[4]) or '0')
if current == nil or e > current then return 0 end
local floor = tonumber(redis.call('GET', KEYS[2]) or '0')
if floor == nil or floor > e then return 0 end
for i = 6, #ARGV do
  local stamp = tonumber(redis.call('GET', ARGV[1] .. ARGV[i]) or '0')
  if stamp == nil or stamp > e then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', px)
local life = tonumber(redis.call('GET', KEYS[3]) or '0') or 0
local left = redis.call('PTTL', KEYS[3])
if px > life or px > left then
  redis.call('SET', KEYS[3], math.max(life, px), 'PX', math.max(left, px))
end
return 1
`;

/**
 * KEYS: epoch, shard lifetime. ARGV: tag prefix, tags… Stamps each tag with a new epoch,
 * expiring once no entry older than it can be alive or written (lifetime + STAMP_GRACE_MS); returns the epoch.
 */
export const INVALIDATE_SCRIPT = `
local e = redis.call('INCR', KEYS[1])
local px = (tonumber(redis.call('GET', KEYS[2]) or '0') or 0) + ${STAMP_GRACE_MS}
for i = 2, #ARGV do redis.call('SET', ARGV[1] .. ARGV[i], e, 'PX', px) end
return e
`;

/** KEYS: entry. ARGV: the bytes read. Deletes the entry only if it still holds exactly those bytes (a corrupt one: a rewrite since is kept). */
export const DISCARD_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
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
