import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_URL, REST_FRAMEWORK, env

if not DATABASES:
    from config import embedded

    DATABASES = {"default": embedded.postgres_settings(BASE_DIR)}
# A Redis of their own, so tests (which stop and restart it) never touch `make run`'s queue.
if not REDIS_URL:
    from config import embedded

    REDIS_URL = embedded.redis_url(BASE_DIR, name="redis-test")
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
# The integration tests start real Celery workers; they must use the database pytest created.
if env("TEST_WORKER_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env("TEST_WORKER_DATABASE_NAME")

# A task whose worker was killed is redelivered this soon, so the tests that kill one finish.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=20)}

# Most tests search the idea list with no worker running, so each first search waits this long
# before going by words alone; the tests that start a worker wait longer.
SEARCH_BY_MEANING_WAIT_SECONDS = 0.5

# Never `make run`'s file: a key written from a test database would not open the demo station.
DEMO_DONATIONS_FILE = Path(tempfile.gettempdir()) / f"gwangju-demo-donations-{os.getpid()}.json"

SECRET_KEY = "test-only-not-secret"
DONATION_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LW5vdC1zZWNyZXQtdGVzdC1vbmx5LS4="]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker sends email in its own process, out of reach of the tests' outbox in memory: the
# integration tests that start one have it write each message to a file in this folder.
if env("TEST_WORKER_EMAIL_DIR", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("TEST_WORKER_EMAIL_DIR")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttle counters live in a per-process cache so tests do not leak counts into each other
# through Redis; the throttle tests clear it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "writes": "1000/minute",
        "similar": "1000/minute",
        "signup": "1000/minute",
        "registrations": "1000/minute",
        "login": "1000/minute",
        "station": "1000/minute",
    },
}
