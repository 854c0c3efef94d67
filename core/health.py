"""What a load balancer asks before sending a request here: do the database and Redis answer,
and has a worker answered recently?"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from core.throttling import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "health:worker-heartbeat"


def worker_heartbeat_record() -> None:
    """Called by a periodic task on the worker: the time it last ran."""
    try:
        cache.set(HEARTBEAT_KEY, time.time(), timeout=None)
    except CACHE_UNAVAILABLE:
        logger.warning("Could not record the worker's heartbeat: the cache is unreachable.", exc_info=True)


def health_report() -> dict[str, str]:
    """{"database", "redis": "ok" | "error", "worker": "ok" | "stale"}."""
    report = {"database": "ok", "redis": "ok", "worker": "stale"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("Health check: the database does not answer.", exc_info=True)
        report["database"] = "error"
    try:
        heartbeat = cache.get(HEARTBEAT_KEY)
    except CACHE_UNAVAILABLE:
        logger.warning("Health check: Redis does not answer.", exc_info=True)
        report["redis"] = "error"
    else:
        if heartbeat is not None and time.time() - heartbeat < settings.WORKER_HEARTBEAT_MAX_AGE:
            report["worker"] = "ok"
    return report
