"""Rate limits that hold across gunicorn workers: counted in the shared (database) cache, checked under a lock.

`counted(key, limit=, window_s=)` admits at most `limit` successful actions per `window_s` seconds
for a key (e.g. an address); an action that fails (raises) inside the block is not counted.
"""
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction


class RateLimited(Exception):
    """The key used up its limit; `retry_after` is how many seconds until the oldest counted action leaves the window."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@contextmanager
def counted(key: str, *, limit: int, window_s: int):
    """Run the block only if `key` has fewer than `limit` counted actions in the last `window_s` seconds; count it if it succeeds.

    Sliding window: the cache keeps the times (Unix seconds) of the key's counted actions. Check,
    action and count run in one transaction under a PostgreSQL advisory lock on the key, so workers
    and threads posting at the same moment are counted one after the other, and a refused or failed
    action (an exception in the block) rolls back and counts nothing. Keys are tenant-aware through
    the cache's KEY_FUNCTION. Raises `RateLimited` when the limit is used up.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{connection.schema_name}:{key}"])
        now = time.time()
        recent = [t for t in cache.get(key, []) if t > now - window_s]
        if len(recent) >= limit:
            raise RateLimited(retry_after=max(1, int(recent[0] + window_s - now) + 1))
        yield
        cache.set(key, recent + [now], window_s)
