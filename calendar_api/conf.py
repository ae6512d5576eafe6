"""The app's settings: one dict, `GOOGLE_CALENDAR = {...}` in the host's settings module.

Every key, its default and what it does is in KEYS below (docs/settings.md is written from
it). Values are read live on each access (`app_settings.SCHEDULER_TICK`), so
`override_settings(GOOGLE_CALENDAR=...)` and pytest-django's `settings` fixture work. The
system checks in calendar_api/checks.py name any missing, unknown, removed or mistyped key.

`EMULATOR_URL` not in the dict falls back to the `GOOGLE_EMULATOR_URL` environment variable,
so that variable points any host at an emulator without a change to its settings.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Development-only key (a Fernet key anyone can read): refused by the checks with DEBUG off.
DEV_TOKEN_KEY = "ZGV2LW9ubHktdG9rZW4ta2V5LWNoYW5nZS1tZS0wMDA="  # noqa: S105

REQUIRED = object()  # a key with no default


@dataclass(frozen=True)
class Key:
    default: Any
    types: tuple[type, ...]
    doc: str
    items: type | tuple[type, ...] | None = None  # the type(s) of a list's items


def _k(
    default: Any,
    types: type | tuple[type, ...],
    doc: str,
    items: type | tuple[type, ...] | None = None,
) -> Key:
    return Key(default, types if isinstance(types, tuple) else (types,), doc, items)


NUMBER = (int, float)
KEYS: dict[str, Key] = {
    # Google
    "TOKEN_ENCRYPTION_KEYS": _k(
        REQUIRED,
        (list, tuple),
        "Fernet keys, newest first, that encrypt Google tokens at rest (never derived from "
        "SECRET_KEY). Make one with `python manage.py generate_token_key`.",
        str,
    ),
    "EMULATOR_URL": _k(
        None,
        (str, type(None)),
        "The Google emulator's base URL: every Google endpoint points there. Not set: the "
        "GOOGLE_EMULATOR_URL environment variable; empty: real Google.",
    ),
    "CLIENT_SECRETS_FILE": _k(
        "",
        str,
        "Path of the Google OAuth 'web' client file (client_secret.json); needed for real "
        "Google, optional with the emulator (its built-in client otherwise).",
    ),
    "PUBLIC_BASE_URL": _k(
        "http://127.0.0.1:8000",
        str,
        "Where this site is reached from outside: Google's push notifications are sent there "
        "(https in production), and the redirect URI follows it unless REDIRECT_URI is set.",
    ),
    "REDIRECT_URI": _k(
        "",
        str,
        "The OAuth redirect URI registered with Google. Empty: PUBLIC_BASE_URL plus the path of "
        "the app's redirect view, wherever the host mounts it.",
    ),
    "SCOPES": _k(
        ["calendar.calendarlist.readonly", "calendar.events", "calendar.freebusy"],
        (list, tuple),
        "The Calendar scopes asked for (short names are completed): the calendar list, events "
        "and free/busy by default; read-only ones for a host that only reads; "
        "['calendar.freebusy'] for one that only needs availability.",
        str,
    ),
    "HTTP_TIMEOUT": _k(10, NUMBER, "Seconds one call to Google may take."),
    "RETRY_BACKOFF": _k(
        1.0, NUMBER, "Scale of the exponential backoff between retries of a call (1: Google's)."
    ),
    "OAUTH_STATE_TTL": _k(600, int, "Seconds a started connect flow stays valid."),
    # The Google call budget (google/budget.py, docs/budget.md)
    "BUDGET_ENABLED": _k(True, bool, "Spend a token of the shared call budget on every call."),
    "PROJECT_REQUESTS_PER_MINUTE": _k(
        10_000,
        int,
        "Calls per minute per Google project: the Standard Tier's figure on Google's Calendar "
        "API 'Usage limits' page, unless the project has more.",
    ),
    "USER_REQUESTS_PER_MINUTE": _k(
        600, int, "Calls per minute per Google user and project (Standard Tier's figure)."
    ),
    "BUDGET_BURST": _k(0.1, NUMBER, "Share of a minute's figure a bucket holds at once."),
    "BUDGET_RESERVE": _k(
        0.3, NUMBER, "Share of a bucket background work leaves for a person waiting."
    ),
    "CALENDAR_DAILY_BUDGET": _k(
        500, int, "Background calls per calendar per UTC day (0: no cap); a person's never count."
    ),
    "BUDGET_INTERACTIVE_WAIT": _k(
        10.0, NUMBER, "Seconds a person's call may wait for a token (then 429 with Retry-After)."
    ),
    "BUDGET_BACKGROUND_WAIT": _k(
        5.0, NUMBER, "Seconds a background call may wait; longer defers its job."
    ),
    "BUDGET_BACKOFF_BASE": _k(
        1.0, NUMBER, "Seconds of the first backoff after a rate-limit answer without Retry-After."
    ),
    "BUDGET_WINDOW": _k(60.0, NUMBER, "The quota's window in seconds (Google's: a minute)."),
    "BUDGET_REDIS_URL": _k(
        "", str, "Redis that shares the buckets between processes; empty: the database."
    ),
    "BUDGET_DATABASE": _k("default", str, "The database alias of the buckets without Redis."),
    # Users
    "CREATE_USERS": _k(
        False,
        bool,
        "Connecting while signed out creates (or finds) the user from the Google identity and "
        "signs them in. Off: connecting needs a signed-in user (the host's sign-in).",
    ),
    "ADAPTER": _k(
        "calendar_api.adapter.CalendarAdapter",
        str,
        "Dotted path of the class that decides who may connect, which calendars sync by "
        "default and where a person goes after connecting.",
    ),
    "BASE_TEMPLATE": _k(
        "calendar_api/base.html", str, "The template the app's pages extend: name the host's own."
    ),
    # Sync
    "POLL_INTERVAL": _k(
        300, int, "Seconds between incremental syncs of a calendar without a live push channel."
    ),
    "SAFETY_POLL_INTERVAL": _k(
        1800, int, "Seconds between syncs of every calendar anyway (push is not guaranteed)."
    ),
    "SAFETY_POLL_MAX_GAP": _k(
        21600, int, "With a live channel the safety poll backs off while idle, up to this gap."
    ),
    "PUSH_NOTIFICATIONS": _k(True, bool, "Open Google push channels (events.watch)."),
    "WATCH_TTL": _k(604800, int, "Seconds a push channel lives (Google's default and maximum)."),
    "WATCH_RENEW_MARGIN": _k(86400, int, "Renew a channel this many seconds before it ends."),
    "SCHEDULER_TICK": _k(30, int, "Seconds between the scheduler's rounds."),
    "SYNC_LEASE_SECONDS": _k(
        20,
        int,
        "How long a sync's lease lasts without renewal (a worker's heartbeat renews its leases "
        "while their syncs run): how long a killed worker blocks its calendars.",
    ),
    "WORKER_THREADS": _k(
        32,
        int,
        "Jobs one worker process runs at once, on threads (a sync mostly waits for Google); "
        "each holds a database connection: a worker opens at most this many + 2.",
    ),
    "SYNC_MIN_INTERVAL": _k(
        2, NUMBER, "Push notifications start a sync no sooner than this after the previous one."
    ),
    "INSTANCES_PAST_DAYS": _k(365, int, "Days of series instances stored back from today."),
    "INSTANCES_FUTURE_DAYS": _k(730, int, "Days of series instances stored ahead of today."),
    "FIRST_WINDOW_DAYS": _k(
        7,
        int,
        "After connecting from the web page, the primary calendar's events from a week back to"
        " this many days ahead are fetched and shown first, before the full sync ends; 0: off.",
    ),
    "INSTANCES_EXTEND_DAYS": _k(
        7, int, "Move the horizon on once it is this many days short of the future end."
    ),
    "WINDOW_TEXT_CACHE_SIZE": _k(4096, int, "Stored events kept rendered, per process."),
    "WINDOW_PAGE_CACHE_SIZE": _k(
        64,
        int,
        "Whole windows' answers kept, per process (as many again of the web page's, per calendar).",
    ),
    "TASK_RESULTS_KEEP_DAYS": _k(7, int, "Days finished jobs' rows are kept."),
    "CHANGE_LOG_KEEP_DAYS": _k(7, int, "Days the store's change log is kept."),
    # The web page
    "WEB_STREAM_SECONDS": _k(300.0, NUMBER, "How long one live-update stream lasts."),
    "WEB_STREAM_POLL_SECONDS": _k(0.25, NUMBER, "How often a stream reads the change log."),
    "WEB_STREAMS_PER_USER": _k(10, int, "Live streams one person may hold at once."),
    "WEB_SYNC_THREADS": _k(
        8, int, "Threads per ASGI process that run requests' synchronous code (ASGI only)."
    ),
    # API
    "API_THROTTLE_USER": _k("1200/min", str, "Request rate per signed-in user of the REST API."),
    "API_THROTTLE_ANON": _k("120/min", str, "Request rate per address without credentials."),
    "API_TOKEN_TTL": _k(dt.timedelta(days=90), (dt.timedelta, type(None)), "API tokens' life."),
    "API_TOKENS_PER_USER": _k(50, int, "Live API tokens one person may hold."),
    # Outgoing webhooks
    "WEBHOOKS_ALLOW_PRIVATE_URLS": _k(
        False,
        bool,
        "Allow http and private, loopback and link-local receivers (development only: SSRF).",
    ),
    "WEBHOOKS_TIMEOUT": _k(10.0, NUMBER, "Seconds one delivery attempt may take."),
    "WEBHOOKS_RETRY_SCHEDULE": _k(
        [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        (list, tuple),
        "Seconds before each retry (the Standard Webhooks schedule, about 3 days).",
        NUMBER,
    ),
    "WEBHOOKS_DELIVERY_LEASE": _k(120.0, NUMBER, "Seconds an attempt holds its delivery."),
    "WEBHOOKS_CA_BUNDLE": _k("", str, "CA bundle for receivers' certificates (certifi's)."),
    "WEBHOOKS_DELIVERIES_KEEP_DAYS": _k(30, int, "Days finished deliveries are kept."),
    # Feeds
    "ICS_FEED_REFRESH_MINUTES": _k(60, int, "How often feed subscribers should fetch again."),
    # Operations
    "READYZ_QUEUE_MAX_WAIT": _k(300, int, "/readyz fails when a due job waited longer."),
    "READYZ_WORKER_MAX_SILENCE": _k(
        120, int, "/readyz fails when no worker ran a job or a tick for longer."
    ),
    "METRICS_ALLOWED_NETWORKS": _k(
        ["127.0.0.0/8", "::1/128"], (list, tuple), "Networks /metrics answers.", str
    ),
    "METRICS_TOKEN": _k("", str, "A bearer token that opens /metrics from anywhere."),
}

# Keys that existed and went: the checks say what replaced them.
REMOVED: dict[str, str] = {
    "SCOPE": "Replaced by SCOPES, a list of narrow scopes (docs/oauth.md, granular consent).",
}

# The project-level names of 0.1.0, each now a key of GOOGLE_CALENDAR.
FLAT_NAMES: dict[str, str] = {
    "GOOGLE_EMULATOR_URL": "EMULATOR_URL",
    "GOOGLE_CLIENT_SECRETS_FILE": "CLIENT_SECRETS_FILE",
    "GOOGLE_REDIRECT_URI": "REDIRECT_URI",
    "GOOGLE_CALENDAR_SCOPE": "SCOPES",
    "GOOGLE_CALENDAR_SCOPES": "SCOPES",
    "GOOGLE_HTTP_TIMEOUT": "HTTP_TIMEOUT",
    "GOOGLE_RETRY_BACKOFF": "RETRY_BACKOFF",
    "GOOGLE_OAUTH_STATE_TTL": "OAUTH_STATE_TTL",
    "GOOGLE_CALENDAR_CREATE_USERS": "CREATE_USERS",
    "GOOGLE_CALENDAR_BASE_TEMPLATE": "BASE_TEMPLATE",
    "TOKEN_ENCRYPTION_KEYS": "TOKEN_ENCRYPTION_KEYS",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    "CALENDAR_POLL_INTERVAL": "POLL_INTERVAL",
    "CALENDAR_SAFETY_POLL_INTERVAL": "SAFETY_POLL_INTERVAL",
    "CALENDAR_SAFETY_POLL_MAX_GAP": "SAFETY_POLL_MAX_GAP",
    **{
        name: name
        for name in KEYS
        if name.startswith(("WATCH_", "SYNC_", "INSTANCES_", "WINDOW_", "WEB", "READYZ_"))
        or name
        in {
            "PUSH_NOTIFICATIONS",
            "SCHEDULER_TICK",
            "TASK_RESULTS_KEEP_DAYS",
            "CHANGE_LOG_KEEP_DAYS",
            "ICS_FEED_REFRESH_MINUTES",
            "METRICS_ALLOWED_NETWORKS",
            "METRICS_TOKEN",
        }
    },
}


def configured() -> dict[str, Any]:
    """The host's dict as it is now (empty when the host has none)."""
    value = getattr(settings, "GOOGLE_CALENDAR", None)
    return value if isinstance(value, dict) else {}


class AppSettings:
    """`app_settings.NAME`: the host's value for NAME, or its default."""

    def __getattr__(self, name: str) -> Any:
        key = KEYS.get(name)
        if key is None:
            raise AttributeError(f"GOOGLE_CALENDAR has no key {name!r}")
        values = configured()
        if name in values:
            return values[name]
        if name == "EMULATOR_URL":
            return os.environ.get("GOOGLE_EMULATOR_URL", "")
        if key.default is REQUIRED:
            raise AttributeError(f"GOOGLE_CALENDAR[{name!r}] is required and not set")
        return key.default

    @property
    def emulator_url(self) -> str:
        return str(self.EMULATOR_URL or "").rstrip("/")


app_settings = AppSettings()
