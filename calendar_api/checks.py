"""System checks: refuse to start with a configuration that cannot work or is unsafe."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from calendar_api.google import scopes
from calendar_api.google.config import ConfigurationError, is_loopback, load_config


@checks.register()
def check_google(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        config = load_config()
    except ConfigurationError as exc:
        return [
            checks.Error(
                str(exc),
                id="calendar_api.E001",
                hint="See .env.example and the README's 'Real Google' section.",
            )
        ]
    redirect = urlsplit(config.redirect_uri)
    if not redirect.scheme or not redirect.netloc:
        return [
            checks.Error("GOOGLE_REDIRECT_URI must be an absolute URL.", id="calendar_api.E002")
        ]
    if not config.emulator and redirect.scheme != "https" and not is_loopback(config.redirect_uri):
        return [
            checks.Error(
                "GOOGLE_REDIRECT_URI must use https with real Google.", id="calendar_api.E003"
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    keys = settings.TOKEN_ENCRYPTION_KEYS
    try:
        for key in keys:
            Fernet(key.encode())
    except ValueError:
        errors.append(
            checks.Error(
                "TOKEN_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes).",
                hint="Generate one with `python manage.py generate_token_key`.",
                id="calendar_api.E004",
            )
        )
    if not keys:
        errors.append(checks.Error("TOKEN_ENCRYPTION_KEYS is empty.", id="calendar_api.E005"))
    if not settings.DEBUG and settings.DEV_TOKEN_KEY in keys:
        errors.append(
            checks.Error(
                "The development token key is in use with DEBUG off.",
                hint="Set TOKEN_ENCRYPTION_KEYS.",
                id="calendar_api.E006",
            )
        )
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            checks.Error(
                "The development SECRET_KEY is in use with DEBUG off.", id="calendar_api.E007"
            )
        )
    return errors


@checks.register()
def check_scopes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """GOOGLE_CALENDAR_SCOPES must grant some Calendar access (events or free/busy)."""
    try:
        scopes.calendar_scopes()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="calendar_api.E008")]
    return []
