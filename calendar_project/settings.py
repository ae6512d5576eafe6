"""Settings, read from the environment; `.env` fills in what the environment does not set.

Every setting is listed in `.env.example` with its embedded default, so the project runs with
no `.env` at all: SQLite, the Google emulator on 127.0.0.1:8765 and development keys.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import dj_database_url
import django
import django_stubs_ext
from dotenv import load_dotenv

from calendar_api.conf import DEV_TOKEN_KEY
from calendar_api.operations.logs import configure as configure_structlog
from calendar_api.operations.logs import formatter as structured_formatter
from calendar_project.env import env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()  # generic admin/queryset classes at runtime, for type hints

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

# Development-only default (with DEV_TOKEN_KEY below): the app's system checks refuse to start
# with them when DEBUG is off.
DEV_SECRET_KEY = "django-insecure-dev-only-change-me"  # noqa: S105

SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *(["django_tasks"] if django.VERSION < (6,) else []),  # the backport; Django 6 has its own
    "django_tasks_db",
    "django_prometheus",
    "calendar_api",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "calendar_api.operations.logs.RequestLogMiddleware",  # one log line per request
    "calendar_api.operations.bodies.LengthRequiredMiddleware",  # chunked bodies: 411
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files under any server (ASGI too)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# With DEBUG on (make run) a person still gets the site's plain-words 404 and 500 pages, not
# Django's debug pages; DEBUG_ERROR_PAGES=true brings those back (calendar_project/error_pages.py).
if DEBUG and not env_bool("DEBUG_ERROR_PAGES", False):
    MIDDLEWARE.insert(  # innermost: the others (CSRF's cookie, APPEND_SLASH) see its page
        MIDDLEWARE.index("django_prometheus.middleware.PrometheusAfterMiddleware"),
        "calendar_project.error_pages.PlainErrorPagesMiddleware",
    )

ROOT_URLCONF = "calendar_project.urls"
WSGI_APPLICATION = "calendar_project.wsgi.application"
ASGI_APPLICATION = "calendar_project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "calendar_api.web.nav.nav_links",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # 0 (Django's default) closes a connection after each request or job. Production sets
        # 60 (deploy/check.sh): the threads that serve requests, ASGI too (see
        # calendar_api/operations/asgi.py), then keep theirs, checked before reuse.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: WAL lets readers run beside a writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
        # A file (a worker process in the tests must see it), one per test run.
        "TEST_SQLITE_NAME",
        str(BASE_DIR / f"test-{os.getpid()}.sqlite3"),
    )
# The same engines, wrapped by django-prometheus to count queries, errors and connections.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files from the web process: in development straight from the apps'
# folders, in production the compressed, hashed copies that `collectstatic` builds.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions hold the OAuth state and PKCE verifier, so they live in the database, not a cookie:
# Django's database store, its lookup compiled once (calendar_api/db/sessions.py).
SESSION_ENGINE = "calendar_api.db.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Google's redirect back is a top-level GET: Lax keeps the cookie.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "same-origin"
# Behind an https proxy in production: redirect http, send HSTS, trust the proxy's header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Google posts to https anyway; probes of a load balancer may come over plain http.
SECURE_REDIRECT_EXEMPT = [r"^rest/v1/calendar/notifications/$", r"^(healthz|readyz|metrics)$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The admin's password sign-in (calendar_project/admin_login.py): after this many failures
# for one username, or from one client address, within the window (seconds), attempts are
# answered 429 until the window ends.
ADMIN_LOGIN_FAILURES_PER_USERNAME = env_int("ADMIN_LOGIN_FAILURES_PER_USERNAME", 5)
ADMIN_LOGIN_FAILURES_PER_ADDRESS = env_int("ADMIN_LOGIN_FAILURES_PER_ADDRESS", 20)
ADMIN_LOGIN_FAILURE_WINDOW = env_int("ADMIN_LOGIN_FAILURE_WINDOW", 900)

# Throttle counters and other short-lived data. Production with several processes: a shared
# cache (e.g. CACHE_URL pointing at Redis or memcached through Django's cache backends).
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION", "calendar"),
    }
}

# --- Google Calendar (the app's one settings dict: docs/settings.md) -------------------------
# The demo fills it from the environment (.env.example lists every variable). With
# GOOGLE_EMULATOR_URL set (the default here) Google is the offline emulator; with it empty,
# GOOGLE_CLIENT_SECRETS_FILE must name a real Google "web" client file.
GOOGLE_CALENDAR = {
    "EMULATOR_URL": env_str("GOOGLE_EMULATOR_URL", "http://127.0.0.1:8765"),
    "CLIENT_SECRETS_FILE": env_str("GOOGLE_CLIENT_SECRETS_FILE", ""),
    "PUBLIC_BASE_URL": env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    "REDIRECT_URI": env_str("GOOGLE_REDIRECT_URI", ""),
    # The Calendar scopes asked for, separated by spaces (short names are completed): the
    # calendar list (read-only), events, and free/busy by default (docs/oauth.md).
    "SCOPES": env_str(
        "GOOGLE_CALENDAR_SCOPES", "calendar.calendarlist.readonly calendar.events calendar.freebusy"
    ).split(),
    "HTTP_TIMEOUT": env_int("GOOGLE_HTTP_TIMEOUT", 10),
    "RETRY_BACKOFF": float(env_str("GOOGLE_RETRY_BACKOFF", "1")),
    "OAUTH_STATE_TTL": env_int("GOOGLE_OAUTH_STATE_TTL", 600),
    # The demo has no sign-in of its own: connecting while signed out creates (or finds) the
    # user from the Google identity and signs them in. A host's default is off.
    "CREATE_USERS": True,
    # Fernet keys (comma-separated, newest first); `python manage.py generate_token_key`.
    "TOKEN_ENCRYPTION_KEYS": env_list("TOKEN_ENCRYPTION_KEYS", DEV_TOKEN_KEY),
    "POLL_INTERVAL": env_int("CALENDAR_POLL_INTERVAL", 300),
    "SAFETY_POLL_INTERVAL": env_int("CALENDAR_SAFETY_POLL_INTERVAL", 1800),
    "SAFETY_POLL_MAX_GAP": env_int("CALENDAR_SAFETY_POLL_MAX_GAP", 21600),
    "INSTANCES_PAST_DAYS": env_int("INSTANCES_PAST_DAYS", 365),
    "INSTANCES_FUTURE_DAYS": env_int("INSTANCES_FUTURE_DAYS", 730),
    "INSTANCES_EXTEND_DAYS": env_int("INSTANCES_EXTEND_DAYS", 7),
    "FIRST_WINDOW_DAYS": env_int("FIRST_WINDOW_DAYS", 7),
    "WINDOW_TEXT_CACHE_SIZE": env_int("WINDOW_TEXT_CACHE_SIZE", 4096),
    "WINDOW_PAGE_CACHE_SIZE": env_int("WINDOW_PAGE_CACHE_SIZE", 64),
    "PUSH_NOTIFICATIONS": env_bool("PUSH_NOTIFICATIONS", True),
    "WATCH_TTL": env_int("WATCH_TTL", 604800),
    "WATCH_RENEW_MARGIN": env_int("WATCH_RENEW_MARGIN", 86400),
    "SCHEDULER_TICK": env_int("SCHEDULER_TICK", 30),
    # How long a sync's lease lasts without renewal: a worker renews its leases (its heartbeat)
    # while their syncs run, so this is how long a killed worker blocks its calendars.
    "SYNC_LEASE_SECONDS": env_int("SYNC_LEASE_SECONDS", 20),
    "WORKER_THREADS": env_int("WORKER_THREADS", 32),  # jobs in flight per worker process
    "SYNC_MIN_INTERVAL": env_int("SYNC_MIN_INTERVAL", 2),
    "TASK_RESULTS_KEEP_DAYS": env_int("TASK_RESULTS_KEEP_DAYS", 7),
    "CHANGE_LOG_KEEP_DAYS": env_int("CHANGE_LOG_KEEP_DAYS", 7),
    "WEB_STREAM_SECONDS": float(env_str("WEB_STREAM_SECONDS", "300")),
    "WEB_STREAM_POLL_SECONDS": float(env_str("WEB_STREAM_POLL_SECONDS", "0.25")),
    "WEB_STREAMS_PER_USER": env_int("WEB_STREAMS_PER_USER", 10),
    "WEB_SYNC_THREADS": env_int("WEB_SYNC_THREADS", 8),
    "API_THROTTLE_USER": env_str("API_THROTTLE_USER", "1200/min"),
    "API_THROTTLE_ANON": env_str("API_THROTTLE_ANON", "120/min"),
    "API_TOKEN_TTL": dt.timedelta(days=env_int("API_TOKEN_TTL_DAYS", 90)),
    "WEBHOOKS_ALLOW_PRIVATE_URLS": env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS", False),
    "WEBHOOKS_TIMEOUT": float(env_str("WEBHOOKS_TIMEOUT", "10")),
    "WEBHOOKS_RETRY_SCHEDULE": [
        float(s) for s in env_list("WEBHOOKS_RETRY_SCHEDULE", "5,300,1800,7200,18000,36000,36000")
    ],
    "WEBHOOKS_DELIVERY_LEASE": float(env_str("WEBHOOKS_DELIVERY_LEASE", "120")),
    "WEBHOOKS_CA_BUNDLE": env_str("WEBHOOKS_CA_BUNDLE", ""),
    "WEBHOOKS_DELIVERIES_KEEP_DAYS": env_int("WEBHOOKS_DELIVERIES_KEEP_DAYS", 30),
    "ICS_FEED_REFRESH_MINUTES": env_int("ICS_FEED_REFRESH_MINUTES", 60),
    "READYZ_QUEUE_MAX_WAIT": env_int("READYZ_QUEUE_MAX_WAIT", 300),
    "READYZ_WORKER_MAX_SILENCE": env_int(
        "READYZ_WORKER_MAX_SILENCE", max(120, 4 * env_int("SCHEDULER_TICK", 30))
    ),
    "METRICS_ALLOWED_NETWORKS": env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128"),
    "METRICS_TOKEN": env_str("METRICS_TOKEN", ""),
    # The Google call budget (docs/budget.md): Google's Standard Tier figures by default.
    "PROJECT_REQUESTS_PER_MINUTE": env_int("GOOGLE_PROJECT_REQUESTS_PER_MINUTE", 10000),
    "USER_REQUESTS_PER_MINUTE": env_int("GOOGLE_USER_REQUESTS_PER_MINUTE", 600),
    "CALENDAR_DAILY_BUDGET": env_int("GOOGLE_CALENDAR_DAILY_BUDGET", 500),
}
LOGIN_REDIRECT_URL = env_str("LOGIN_REDIRECT_URL", "/")
LOGIN_URL = "/"  # the landing page, whose button starts the Google sign-in

# --- Background jobs (Django's tasks API through the django-tasks backport) -----------------
# TASKS_BACKEND: "db" (the embedded default: the database-backed queue, django-tasks-db), "rq"
# (RQ on Redis at REDIS_URL, django-tasks-rq), "celery" (Celery, Redis at REDIS_URL its broker,
# django-tasks-fennel), or a backend's class path. Workers for each: `python manage.py worker`.
# Nothing else changes with the backend.
TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "celery": "django_tasks_fennel.CeleryBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "db")
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
USES_RQ = TASKS["default"]["BACKEND"] == TASK_BACKENDS["rq"]
USES_CELERY = TASKS["default"]["BACKEND"] == TASK_BACKENDS["celery"]
if USES_RQ:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900}}
if USES_CELERY:  # Celery (django-tasks-fennel), Redis its broker and its result store
    INSTALLED_APPS.append("django_tasks_fennel")
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_RESULT_EXTENDED = True  # a job's worker and arguments, as the other queues keep
    CELERY_RESULT_EXPIRES = env_int("TASK_RESULTS_KEEP_DAYS", 7) * 86400
    CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker reserves no more jobs than it has threads
    # Redis hands an unacknowledged job (reserved by a worker that died) to another worker
    # after this long; delayed jobs (run_after) wait reserved, so it exceeds the longest delay.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if (USES_RQ or USES_CELERY) and "CACHE_BACKEND" not in os.environ:
    CACHES["default"] = {  # throttles count across processes and hosts
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
# The Google call budget's buckets are shared through Redis when there is one (RQ's or
# Celery's), else through the database.
GOOGLE_CALENDAR["BUDGET_REDIS_URL"] = env_str(
    "GOOGLE_BUDGET_REDIS_URL", REDIS_URL if USES_RQ or USES_CELERY else ""
)

# Logs: structlog, one line per request or job, JSON (production) or readable text.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structured": structured_formatter(LOG_FORMAT)},
    "filters": {
        "redact": {"()": "calendar_api.operations.redaction.RedactOAuthParams"},
        "one_line_per_request": {"()": "calendar_api.operations.logs.OneLinePerRequest"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "structured",
            "filters": ["one_line_per_request", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Each line once: these loggers bring handlers of their own; they go to ours instead
        # (Django's plain "Not Found: /x" console handler with DEBUG on, among them).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "rq.worker": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # django-tasks logs two lines per job; the job line of calendar_api replaces them.
        "django_tasks": {"level": "WARNING"},
        # Never at DEBUG, whatever LOG_LEVEL says: these print request bodies and token
        # responses (codes, tokens, the client secret) at that level.
        **{
            name: {"level": "INFO"}
            for name in ["oauthlib", "requests_oauthlib", "urllib3", "google", "googleapiclient"]
        },
    },
}
configure_structlog()
# Python's warnings (a library's deprecation, say) are log lines too, not bare stderr text.
logging.captureWarnings(True)
