"""System checks: refuse to start with a configuration that cannot work or is unsafe."""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urlsplit

import django
from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from calendar_api import compat
from calendar_api.conf import DEV_TOKEN_KEY, FLAT_NAMES, KEYS, REMOVED, REQUIRED, app_settings
from calendar_api.google import scopes
from calendar_api.google.config import ConfigurationError, is_loopback, load_config


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """GOOGLE_CALENDAR: a dict, every required key there, no unknown or removed key, each value
    of its documented type. Each message names the key."""
    value = getattr(settings, "GOOGLE_CALENDAR", None)
    if not isinstance(value, dict):
        return [
            checks.Error(
                "GOOGLE_CALENDAR must be a dict in the settings module."
                if value is not None
                else "GOOGLE_CALENDAR is not set.",
                hint='See docs/settings.md: GOOGLE_CALENDAR = {"TOKEN_ENCRYPTION_KEYS": [...]}.',
                id="calendar_api.E010",
            )
        ]
    return [
        *_missing(value),
        *(_unknown(name) for name in value if name not in KEYS),
        *(msg for name, item in value.items() if name in KEYS for msg in _typed(name, item)),
        *_flat_leftovers(),
    ]


def _missing(value: dict[str, Any]) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"GOOGLE_CALENDAR[{name!r}] is required.",
            hint=KEYS[name].doc,
            id="calendar_api.E011",
        )
        for name, key in KEYS.items()
        if key.default is REQUIRED and name not in value
    ]


def _unknown(name: str) -> checks.CheckMessage:
    if name in REMOVED:
        return checks.Error(
            f"GOOGLE_CALENDAR[{name!r}] was removed.", hint=REMOVED[name], id="calendar_api.E012"
        )
    close = difflib.get_close_matches(name, KEYS, n=1)
    return checks.Error(
        f"GOOGLE_CALENDAR[{name!r}] is not a setting of the app.",
        hint=f"Did you mean {close[0]!r}?" if close else "See docs/settings.md for the keys.",
        id="calendar_api.E013",
    )


def _typed(name: str, item: Any) -> list[checks.CheckMessage]:
    key = KEYS[name]
    wrong = not isinstance(item, key.types) or (isinstance(item, bool) and bool not in key.types)
    if not wrong and key.items is not None:
        wrong = not all(isinstance(element, key.items) for element in item)
    if not wrong:
        return []
    wanted = " or ".join(t.__name__ for t in key.types if t is not type(None))
    if key.items is not None:
        kinds = key.items if isinstance(key.items, tuple) else (key.items,)
        wanted += " of " + " or ".join(t.__name__ for t in kinds)
    return [
        checks.Error(
            f"GOOGLE_CALENDAR[{name!r}] must be {wanted}, not {type(item).__name__}.",
            hint=key.doc,
            id="calendar_api.E014",
        )
    ]


def _flat_leftovers() -> list[checks.CheckMessage]:
    """Settings of 0.1.0's project-level names that the app no longer reads."""
    return [
        checks.Warning(
            f"{old} is no longer read: the app reads GOOGLE_CALENDAR[{new!r}].",
            hint="Move the value into GOOGLE_CALENDAR (docs/upgrading.md).",
            id="calendar_api.W001",
        )
        for old, new in FLAT_NAMES.items()
        if hasattr(settings, old)
    ]


@checks.register()
def check_google(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if check_settings():
        return []  # the settings' own errors first
    try:
        config = load_config()
    except ConfigurationError as exc:
        return [
            checks.Error(
                str(exc),
                id="calendar_api.E001",
                hint="See docs/settings.md and docs/oauth.md (real Google).",
            )
        ]
    redirect = urlsplit(config.redirect_uri)
    if not redirect.scheme or not redirect.netloc:
        return [
            checks.Error(
                "GOOGLE_CALENDAR['REDIRECT_URI'] must be an absolute URL.", id="calendar_api.E002"
            )
        ]
    if not config.emulator and redirect.scheme != "https" and not is_loopback(config.redirect_uri):
        return [
            checks.Error(
                "GOOGLE_CALENDAR['REDIRECT_URI'] must use https with real Google.",
                id="calendar_api.E003",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if check_settings():
        return []
    errors: list[checks.CheckMessage] = []
    keys = app_settings.TOKEN_ENCRYPTION_KEYS
    try:
        for key in keys:
            Fernet(key.encode())
    except ValueError:
        errors.append(
            checks.Error(
                "GOOGLE_CALENDAR['TOKEN_ENCRYPTION_KEYS'] must be Fernet keys (32 url-safe "
                "base64-encoded bytes).",
                hint="Generate one with `python manage.py generate_token_key`.",
                id="calendar_api.E004",
            )
        )
    if not keys:
        errors.append(
            checks.Error(
                "GOOGLE_CALENDAR['TOKEN_ENCRYPTION_KEYS'] is empty.", id="calendar_api.E005"
            )
        )
    if not settings.DEBUG and DEV_TOKEN_KEY in keys:
        errors.append(
            checks.Error(
                "The development token key is in use with DEBUG off.",
                hint="Set GOOGLE_CALENDAR['TOKEN_ENCRYPTION_KEYS'] to keys of your own.",
                id="calendar_api.E006",
            )
        )
    if not settings.DEBUG and str(settings.SECRET_KEY).startswith("django-insecure-"):
        errors.append(
            checks.Error(
                "A development SECRET_KEY ('django-insecure-...') is in use with DEBUG off.",
                id="calendar_api.E007",
            )
        )
    return errors


@checks.register()
def check_scopes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """GOOGLE_CALENDAR['SCOPES'] must grant some Calendar access (events or free/busy)."""
    if check_settings():
        return []
    try:
        scopes.calendar_scopes()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="calendar_api.E008")]
    return []


@checks.register()
def check_tasks(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The task backends of TASKS belong to the framework the app's jobs use: Django's own
    `django.tasks` on Django 6, the django-tasks backport on 5.2 (calendar_api.compat)."""
    if not compat.BUILTIN:
        return []  # Django 5.2: the backport serves every backend it can import
    messages: list[checks.CheckMessage] = []
    for alias, options in (getattr(settings, "TASKS", None) or {}).items():
        backend = str((options or {}).get("BACKEND", ""))
        if backend.startswith("django_tasks_rq."):
            messages.append(
                checks.Error(
                    f"TASKS[{alias!r}] is django-tasks-rq, which runs on the django-tasks "
                    f"backport only: on Django {django.get_version()} the app's jobs are "
                    "django.tasks jobs, and RQ's would run without their signals.",
                    hint="On Django 6 use the database queue (django_tasks_db.DatabaseBackend); "
                    "the `rq` extra needs Django 5.2 until django-tasks-rq supports django.tasks.",
                    id="calendar_api.E020",
                )
            )
        elif backend.startswith("django_tasks."):
            messages.append(
                checks.Error(
                    f"TASKS[{alias!r}] is the django-tasks backport's {backend}: on Django 6 the "
                    "app's jobs are django.tasks jobs.",
                    hint="Name Django's own: "
                    + backend.replace("django_tasks.", "django.tasks.", 1),
                    id="calendar_api.E021",
                )
            )
    if "django_tasks" in settings.INSTALLED_APPS:
        messages.append(
            checks.Warning(
                "'django_tasks' (the django-tasks backport) is in INSTALLED_APPS, but Django 6 "
                "has the tasks framework built in.",
                hint="Remove 'django_tasks' from INSTALLED_APPS: Django 6 does not use it.",
                id="calendar_api.W020",
            )
        )
    return messages
