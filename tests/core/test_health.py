"""GET /health/ for a load balancer: 200 when the database and Redis answer and a worker
answered recently, 503 otherwise."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from core.health import HEARTBEAT_KEY
from matching.tasks import matching_catch_up

pytestmark = pytest.mark.django_db


def test_healthy_when_everything_answers(client):
    matching_catch_up.apply()  # what the worker runs every MATCHING_CATCH_UP_SECONDS

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_worker_that_never_answered_is_stale(client):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "ok", "worker": "stale"}


def test_a_worker_that_stopped_answering_is_stale(client):
    cache.set(HEARTBEAT_KEY, time.time() - settings.WORKER_HEARTBEAT_MAX_AGE - 1)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["worker"] == "stale"


def test_unhealthy_while_redis_is_down(client, unreachable_redis_cache):
    matching_catch_up.apply()

    with override_settings(CACHES=unreachable_redis_cache):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "error", "worker": "stale"}


def test_unhealthy_while_the_database_is_down(tmp_path):
    # A process of its own, whose database is a socket nothing listens on.
    probe = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/health/'); print(r.status_code, json.dumps(r.json(), sort_keys=True))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://nobody@/nowhere?host={tmp_path}",
        "REDIS_URL": f"redis+socket://{tmp_path / 'no-redis.sock'}",
    }

    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        '503 {"database": "error", "redis": "ok", "worker": "stale"}'
    )
