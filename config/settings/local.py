from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_URL, env, redis_cache

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# A fixed development key, so the demo's donations stay readable between runs.
DONATION_ENCRYPTION_KEYS = env.list(
    "DONATION_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1ub3Qtc2Vjci4="]
)

# `make run` needs no system service: without DATABASE_URL / REDIS_URL, embedded PostgreSQL with
# pgvector and Redis start here, with their data under var/.
if not DATABASES:
    from config import embedded

    DATABASES = {"default": embedded.postgres_settings(BASE_DIR)}
if not REDIS_URL:
    from config import embedded

    REDIS_URL = embedded.redis_url(BASE_DIR)
    CACHES = redis_cache(REDIS_URL)
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = REDIS_URL
