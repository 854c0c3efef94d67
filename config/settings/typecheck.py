"""Settings for mypy's django-stubs plugin, which imports them to learn the models.

Unlike local.py and test.py these start no embedded server: `make lint` type-checks without a
database or a broker. The addresses below are never connected to.
"""

from .base import *  # noqa: F403
from .base import redis_cache

SECRET_KEY = "typecheck-only-not-secret"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "typecheck",
        "HOST": "127.0.0.1",
    }
}
REDIS_URL = "redis://127.0.0.1:6379/0"
CACHES = redis_cache(REDIS_URL)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
