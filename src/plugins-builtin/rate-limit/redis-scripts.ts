/**
 * The Redis side of the sliding-log limiter: three keys per bucket — a sorted set of
 * entry ids scored by expiry, a hash of their amounts, and the running total — updated
 * only inside these Lua scripts, so replicas never race. Time is Redis's own (TIME), so
 * replicas with skewed clocks still share one window. A Redis Cluster runs a script only
 * when all its keys hash to one slot: redis-limiter.ts passes keys of one hash tag.
 */

/** KEYS: z1,h1,s1,z2,h2,s2…  ARGV: id, n, then ttl,limit,cost per bucket. Returns {failed, used1, reset1, …}. */
export const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]
local n = tonumber(ARGV[2])
local totals = {}
local failed = -1
for i = 1, n do
  local z, h, s = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local total = tonumber(redis.call('GET', s) or '0')
  while true do
    local old = redis.call('ZRANGEBYSCORE', z, '-inf', now, 'LIMIT', 0, 500)
    if #old == 0 then break end
    local amts = redis.call('HMGET', h, unpack(old))
    for j = 1, #amts do total = total - (tonumber(amts[j]) or 0) end
    redis.call('HDEL', h, unpack(old))
    redis.call('ZREM', z, unpack(old))
    if #old < 500 then break end
  end
  if total < 0 then total = 0 end
  redis.call('SET', s, total)
  totals[i] = total
  local limit, cost = tonumber(ARGV[3*i+1]), tonumber(ARGV[3*i+2])
  if failed < 0 and total + cost > limit then failed = i - 1 end
end
local out = {failed}
for i = 1, n do
  local z, h, s = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local ttl, cost = tonumber(ARGV[3*i]), tonumber(ARGV[3*i+2])
  if failed < 0 then
    redis.call('ZADD', z, now + ttl, id)
    redis.call('HSET', h, id, cost)
    totals[i] = totals[i] + cost
    redis.call('SET', s, totals[i])
  end
  local last = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if #last > 0 then
    local keep = math.max(1, tonumber(last[2]) - now)
    redis.call('PEXPIRE', z, keep); redis.call('PEXPIRE', h, keep); redis.call('PEXPIRE', s, keep)
  end
  local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
  out[#out+1] = tostring(totals[i])
  out[#out+1] = #first > 0 and math.max(0, tonumber(first[2]) - now) or 0
end
return out
`;

/** KEYS: z,h,s  ARGV: id, amount. Sets an admitted entry's amount (no-op once expired). */
export const SETTLE_LUA = `
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('INCRBYFLOAT', KEYS[3], tonumber(ARGV[2]) - tonumber(cur))
return 1
`;

/** KEYS: z1,h1,s1,z2,h2,s2…  ARGV: id. Removes an admitted entry from each bucket; returns how many held one. */
export const RELEASE_LUA = `
local n = 0
for i = 1, #KEYS, 3 do
  local cur = redis.call('HGET', KEYS[i+1], ARGV[1])
  if cur then
    redis.call('HDEL', KEYS[i+1], ARGV[1])
    redis.call('ZREM', KEYS[i], ARGV[1])
    redis.call('INCRBYFLOAT', KEYS[i+2], -tonumber(cur))
    n = n + 1
  end
end
return n
`;
