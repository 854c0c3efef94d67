"""A real Celery worker process for the integration tests, on the test database and test Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(
        self, log_dir: Path, *, beat: bool = False, queues: str | None = None, extra_env: dict | None = None
    ):
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.beat = beat
        self.queues = queues  # e.g. "similar"; Celery's default queue when None
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_WORKER_DATABASE_NAME": connection.settings_dict["NAME"],
            "REDIS_URL": settings.REDIS_URL,
            **self.extra_env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        if self.queues:
            command += ["--queues", self.queues]
        if self.beat:
            command += ["--beat", "--schedule", str(self.log_path.with_suffix(".beat"))]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        # A session of its own, so the pool's child dies with the worker when the test kills it.
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait_for_log("ready.", timeout)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"No '{text}' in the worker log after {timeout}s:\n{self.log()[-3000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no chance to finish or hand back the task."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


def wait_until(condition, timeout: float, interval: float = 0.5, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def start_lookup_worker(log_dir: Path, timeout: float = 120) -> Worker:
    """A worker of the "similar" queue, once its process has loaded the model."""
    worker = Worker(log_dir, queues="similar").start(timeout)
    worker.wait_for_log("loaded as the worker started", timeout)
    return worker
