"""The Redis cache keeps one client per connection pool (core.cache), against the test Redis."""

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from config.settings.base import redis_cache

KEYS = ["core-cache-key", "core-cache-counter", *[f"core-cache-thread-{n}" for n in range(8)]]


@pytest.fixture
def redis_backend():
    with override_settings(CACHES=redis_cache(settings.REDIS_URL)):
        backend = caches["default"]
        yield backend
        # Only this test's keys: the test Redis is the Celery broker too.
        backend.delete_many(KEYS)
        backend.close()


def test_every_operation_of_a_thread_uses_one_client(redis_backend, monkeypatch):
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


def test_each_thread_keeps_one_client_for_its_calls_and_gets_its_own_answers(redis_backend):
    answers: dict[int, object] = {}
    clients: dict[int, set[int]] = {}

    def ask(n: int) -> None:
        # As a request's code does: the cache as Django hands it to this thread, call by call.
        caches["default"].set(f"core-cache-thread-{n}", n)
        answers[n] = caches["default"].get(f"core-cache-thread-{n}")
        clients[n] = {id(caches["default"]._cache.get_client()) for _ in range(3)}

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == {n: n for n in range(8)}
    assert all(len(ids) == 1 for ids in clients.values())
