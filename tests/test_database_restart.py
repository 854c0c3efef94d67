"""A PostgreSQL restart or failover costs no request: production reuses connections
(CONN_MAX_AGE) and checks a reused one before each request (CONN_HEALTH_CHECKS), so a connection
the restart closed is replaced instead of failing the first request that meets it.

Run against gunicorn with the production settings: Django's test client never reuses a
connection across requests the way a server does."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.error import HTTPError

import pytest
from django.conf import settings
from django.db import connection

from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _restart_postgres() -> None:
    from pgserver._commands import pg_ctl

    # The embedded server runs as its own user when started by root (as on CI).
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=settings.BASE_DIR / "var" / "pgdata", user=user)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except HTTPError as error:
        return error.code


@pytest.fixture
def production_server():
    database = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "restart-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"postgres://{database['USER']}@/{database['NAME']}?host={database['HOST']}",
        "REDIS_URL": settings.REDIS_URL,
        "DONATION_ENCRYPTION_KEYS": settings.DONATION_ENCRYPTION_KEYS[0],
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"gunicorn did not start: {server.stderr.read()[-2000:]}")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_the_first_request_after_a_database_restart_is_answered(alice, production_server):
    IdeaFactory(author=alice)
    # The worker opens its connection and keeps it for the next request.
    assert _get(f"{production_server}/api/v1/ideas/") == 200

    _restart_postgres()
    # This test process's own connection was closed by the restart too.
    connection.close_if_unusable_or_obsolete()

    assert _get(f"{production_server}/api/v1/ideas/") == 200
