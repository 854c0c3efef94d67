"""Counting semaphores in Redis, shared by every web process, for work that must not run too
many times at once.

Each semaphore is a sorted set of holders scored by when their lease ends: a holder that dies
without releasing (a web worker killed mid-request) frees its slot when the lease runs out
instead of holding it for ever.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from django.conf import settings

# Drop expired holders, then take a slot of every semaphore or of none: taking them one by one
# could leave a request holding the per-client slot while the total is full.
# KEYS: the semaphores; ARGV: now, lease end, holder, then each semaphore's limit.
_ACQUIRE = """
for i, key in ipairs(KEYS) do
    redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
    if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
        return 0
    end
end
for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, ARGV[2], ARGV[3])
    redis.call('EXPIREAT', key, math.ceil(tonumber(ARGV[2])))
end
return 1
"""

# A request waits for Redis no longer than this; a Redis that does not answer means the broker
# is down too, and the caller should say so at once rather than hang.
REDIS_TIMEOUT_SECONDS = 0.5


class SlotTaken(Exception):
    """Every slot of one of the semaphores is held."""


class SemaphoreUnavailable(Exception):
    """Redis did not answer, so no slot could be taken."""


@functools.cache
def _client(url: str) -> redis.Redis:
    # The embedded Redis's address is in kombu's form; redis-py names the same socket unix://.
    return redis.Redis.from_url(
        url.replace("redis+socket://", "unix://"),
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


def _redis() -> redis.Redis:
    return _client(settings.REDIS_URL)


@contextmanager
def concurrency_slots(limits: dict[str, int], *, lease_seconds: float) -> Iterator[None]:
    """Hold one slot of each named semaphore (name → how many may hold it at once) for the
    block. Raises `SlotTaken` when one is full and `SemaphoreUnavailable` when Redis is down.
    `lease_seconds` must outlast the block: past it the slot is given to someone else."""
    holder = uuid.uuid4().hex
    keys = [f"semaphore:{name}" for name in limits]
    now = time.time()
    try:
        acquired = _redis().eval(
            _ACQUIRE,
            len(keys),
            *keys,
            repr(now),
            repr(now + lease_seconds),
            holder,
            *[str(limit) for limit in limits.values()],
        )
    except redis.RedisError as error:
        raise SemaphoreUnavailable(str(error)) from error
    if not acquired:
        raise SlotTaken
    try:
        yield
    finally:
        try:
            pipeline = _redis().pipeline()
            for key in keys:
                pipeline.zrem(key, holder)
            pipeline.execute()
        except redis.RedisError:
            pass  # the lease runs out on its own
