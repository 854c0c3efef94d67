"""The Redis cache keeps one client per connection pool (core.cache), against the test Redis."""

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from config.settings.base import redis_cache


@pytest.fixture
def redis_backend():
    with override_settings(CACHES=redis_cache(settings.REDIS_URL)):
        backend = caches["default"]
        yield backend
        backend.clear()
        backend.close()


def test_every_operation_of_a_process_uses_one_client(redis_backend, monkeypatch):
    built: list[redis.Redis] = []
    original_init = redis.Redis.__init__

    def counted_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted_init)

    redis_backend.set("core-cache-key", {"answer": 42})
    assert redis_backend.get("core-cache-key") == {"answer": 42}
    assert redis_backend.get_many(["core-cache-key", "missing"]) == {"core-cache-key": {"answer": 42}}
    assert redis_backend.add("core-cache-counter", 1)
    assert redis_backend.incr("core-cache-counter") == 2

    assert len(built) == 1


def test_threads_share_the_client_and_each_gets_its_own_answers(redis_backend):
    answers: dict[int, object] = {}

    def ask(n: int) -> None:
        redis_backend.set(f"core-cache-thread-{n}", n)
        answers[n] = redis_backend.get(f"core-cache-thread-{n}")

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == {n: n for n in range(8)}
    assert redis_backend._cache.get_client() is redis_backend._cache.get_client(write=True)
