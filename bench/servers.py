"""The servers a benchmark runs against: a throwaway database on the embedded PostgreSQL, an
embedded Redis of its own, and gunicorn with the production settings on 127.0.0.1.

Shared by `make loadtest` and `make bench-donations`. Kept apart from bench/loadtest.py because
that module imports locust, which patches the standard library with gevent as it loads: a
benchmark built on plain threads must not import it.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READY_PATH = "/accounts/login/"


def prepare_servers(*, database: str, redis_name: str) -> dict[str, str]:
    """Recreate `database` and empty the Redis under var/<redis_name>; return the production
    environment pointing at both."""
    import psycopg
    import redis

    from config import embedded

    postgres = embedded.postgres_settings(BASE_DIR)
    with psycopg.connect(
        host=postgres["HOST"], user=postgres["USER"], dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    environment = production_environment(database=database, redis_name=redis_name)
    redis.Redis(unix_socket_path=environment["REDIS_URL"].removeprefix("redis+socket://")).flushall()
    return environment


def production_environment(*, database: str, redis_name: str) -> dict[str, str]:
    """The production settings' environment for `database` on the embedded PostgreSQL and the
    Redis under var/<redis_name>, as they are."""
    from config import embedded

    postgres = embedded.postgres_settings(BASE_DIR)
    redis_url = embedded.redis_url(BASE_DIR, redis_name)
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DONATION_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": HOST,
        # The embedded server listens on a Unix socket only; libpq takes its folder as `host`.
        "DATABASE_URL": f"postgres://{postgres['USER']}@/{database}?host={urllib.parse.quote(postgres['HOST'])}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        # Plain HTTP on loopback: no TLS proxy in front to redirect to.
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def stop_redis(*, redis_name: str) -> None:
    from config import embedded

    embedded.redis_stop(BASE_DIR, redis_name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(
    *, workers: int | None, log_path: Path, ready_path: str = READY_PATH, threads: int | None = 1
) -> tuple[subprocess.Popen, str]:
    """gunicorn with `workers` processes: sync workers with `threads` 1, gthread workers of that
    many threads each above 1. None leaves the choice to gunicorn.conf.py, as in production."""
    port = free_port()
    options = [] if workers is None else ["--workers", str(workers)]
    if threads == 1:
        # gunicorn.conf.py's threads would make gunicorn run gthread workers under the name sync.
        options += ["--worker-class", "sync", "--threads", "1"]
    elif threads is not None:
        options += ["--worker-class", "gthread", "--threads", str(threads)]
    # The child keeps its own copy of the log file descriptor.
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                *options,
                "--bind",
                f"{HOST}:{port}",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while http_status(base_url + ready_path) is None:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            # The caller never gets the process to stop, so it must not outlive this failure.
            stop_gunicorn(process)
            raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")
        time.sleep(0.2)
    return process, base_url


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None
