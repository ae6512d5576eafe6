"""The Google call budget's buckets and day counters in Redis: the operations of
db/buckets.py (read its docstring for what each means), each one Lua script, so that it runs
atomically for every process and host that shares the Redis server.

A bucket is a hash (`tokens`, `updated`, `blocked_until`, `strikes`, `struck_at`) that
expires once it would be full again; a day counter is a hash that expires after three days.
"""

from __future__ import annotations

from typing import Any

import redis

PREFIX = "gcal:budget:"
DAY_TOTAL = "gcal:budget-total:"  # the sum of the day counters of one prefix (metrics)
DAY_SECONDS_KEPT = 3 * 86400

# KEYS[1] the bucket; ARGV: n, capacity, rate, floor, now. Returns "0" (taken) or the wait.
TAKE = """
local b = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'blocked_until')
local n, cap, rate, floor, now =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokens, updated, blocked = tonumber(b[1]) or cap, tonumber(b[2]) or now, tonumber(b[3]) or 0
if blocked > now then return tostring(blocked - now + (floor + n) / rate) end
if now > updated then tokens = math.min(cap, tokens + (now - updated) * rate) end
if tokens - n < floor then return tostring(math.max((floor + n - tokens) / rate, 0.001)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - n), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil((cap - tokens + n) / rate) + 3600)
return '0'
"""

# KEYS[1] the bucket; ARGV: now, forget_after. Returns the strikes counted so far.
STRIKE = """
local now, forget = tonumber(ARGV[1]), tonumber(ARGV[2])
local struck = tonumber(redis.call('HGET', KEYS[1], 'struck_at')) or 0
local strikes = tonumber(redis.call('HGET', KEYS[1], 'strikes')) or 0
if struck > now - forget then strikes = strikes + 1 else strikes = 1 end
redis.call('HSET', KEYS[1], 'strikes', strikes, 'struck_at', tostring(now))
redis.call('EXPIRE', KEYS[1], 86400)
return strikes
"""

# KEYS[1] the bucket; ARGV: until, now. Returns the seconds it stays blocked.
BLOCK = """
local untl, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local blocked = tonumber(redis.call('HGET', KEYS[1], 'blocked_until')) or 0
if untl > blocked then blocked = untl end
redis.call('HSET', KEYS[1], 'tokens', '0', 'updated', tostring(untl),
           'blocked_until', tostring(blocked))
redis.call('EXPIRE', KEYS[1], math.ceil(blocked - now) + 86400)
return tostring(blocked - now)
"""

# KEYS[1] the day counter, KEYS[2] its prefix's total; ARGV: n, limit. Returns 1 when spent.
DAY_SPEND = """
local n, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local spent = tonumber(redis.call('HGET', KEYS[1], 'tokens')) or 0
if spent + n > limit then return 0 end
redis.call('HSET', KEYS[1], 'tokens', spent + n)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('INCRBY', KEYS[2], n)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""


class RedisBuckets:
    """The budget's buckets in Redis at `url`."""

    def __init__(self, url: str) -> None:
        self.client: Any = redis.Redis.from_url(url)
        self._take = self.client.register_script(TAKE)
        self._strike = self.client.register_script(STRIKE)
        self._block = self.client.register_script(BLOCK)
        self._day_spend = self.client.register_script(DAY_SPEND)

    def close(self) -> None:
        self.client.close()

    def take(
        self, key: str, *, n: int, capacity: float, rate: float, floor: float, now: float
    ) -> float:
        args: list[str | int] = [n, repr(float(capacity)), repr(float(rate)), repr(float(floor))]
        args.append(repr(now))
        return float(self._take(keys=[PREFIX + key], args=args))

    def penalize(self, key: str, *, delay: Any, forget_after: float, now: float) -> float:
        strikes = int(self._strike(keys=[PREFIX + key], args=[repr(now), repr(forget_after)]))
        until = now + float(delay(strikes))
        return float(self._block(keys=[PREFIX + key], args=[repr(until), repr(now)]))

    def day_spend(self, key: str, *, n: int, limit: int, now: float) -> bool:
        total = DAY_TOTAL + key.rsplit(":", 1)[0] + ":"
        args = [n, limit, DAY_SECONDS_KEPT]
        return bool(self._day_spend(keys=[PREFIX + key, total], args=args))

    def day_total(self, prefix: str) -> float:
        return float(self.client.get(DAY_TOTAL + prefix) or 0)

    def peek(self, key: str, *, capacity: float, rate: float, now: float) -> tuple[float, float]:
        raw = self.client.hmget(PREFIX + key, "tokens", "updated", "blocked_until")
        if raw[0] is None:
            return capacity, 0.0
        tokens, updated, blocked = (float(v or 0) for v in raw)
        return min(capacity, tokens + max(0.0, now - updated) * rate), max(0.0, blocked - now)

    def clear(self) -> None:
        for pattern in (PREFIX + "*", DAY_TOTAL + "*"):
            for key in self.client.scan_iter(match=pattern, count=500):
                self.client.delete(key)
