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
import { LUA_EPOCH_OFFSET, LUA_FRESH_OFFSET, LUA_TAGS_OFFSET } from './envelope.js';

/** How much of a large entry the read script returns: the header and (almost always) the tag list. */
export const PREFIX_BYTES = 4096;

/** KEYS: entry, epoch, clear floor, lease. ARGV: tag prefix, lease token ('' = no lease), lease ms, now (ms), inline limit (bytes).
 *  Takes the lease when the entry is missing or no longer fresh at now.
 *  Returns {entry or false, epoch, leaseAcquired, partial}. An entry longer than the inline
 *  limit comes back as its first PREFIX_BYTES bytes only (partial = 1): copying a large value
 *  through Lua costs more than a plain GET of it, which the caller then sends. An entry outdated by its tags is deleted and not returned. */
export const READ_SCRIPT = `
local partial = 0
local v = false
local size = redis.call('STRLEN', KEYS[1])
if size > tonumber(ARGV[5]) then
  v = redis.call('GETRANGE', KEYS[1], 0, ${PREFIX_BYTES - 1})
  partial = 1
elseif size > 0 then
  v = redis.call('GET', KEYS[1])
end
local epoch = tonumber(redis.call('GET', KEYS[2]) or '0')
if v then
  local ok, e = pcall(struct.unpack, '>d', v, ${LUA_EPOCH_OFFSET})
  local outdated = not ok or tonumber(redis.call('GET', KEYS[3]) or '0') > e
  if not outdated then
    local n = struct.unpack('>H', v, ${LUA_TAGS_OFFSET})
    local pos = ${LUA_TAGS_OFFSET} + 2
    for i = 1, n do
      if partial == 1 and pos + 1 > #v then v = redis.call('GET', KEYS[1]) partial = 0 end
      local len = struct.unpack('>H', v, pos)
      if partial == 1 and pos + 1 + len > #v then v = redis.call('GET', KEYS[1]) partial = 0 end
      local tag = string.sub(v, pos + 2, pos + 1 + len)
      pos = pos + 2 + len
      if tonumber(redis.call('GET', ARGV[1] .. tag) or '0') > e then outdated = true break end
    end
  end
  if outdated then redis.call('DEL', KEYS[1]) v = false end
end
local lease = 0
local want = ARGV[2] ~= '' and (not v or struct.unpack('>d', v, ${LUA_FRESH_OFFSET}) <= tonumber(ARGV[4]))
if want then
  if redis.call('SET', KEYS[4], ARGV[2], 'NX', 'PX', ARGV[3]) then lease = 1 end
end
return {v, epoch, lease, partial}
`;

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
