"""Where Google is: real Google from `client_secret.json`, or the offline emulator.

Settings are read live (so `override_settings` works in tests). With EMULATOR_URL set,
every endpoint below is the emulator's, which serves Google's own paths under one base URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from django.urls import NoReverseMatch, reverse

from calendar_api.conf import app_settings

# Google's production endpoints (https://developers.google.com/identity/protocols/oauth2/web-server).
GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
GOOGLE_USERINFO_URI = "https://openidconnect.googleapis.com/v1/userinfo"
GOOGLE_CERTS_URI = "https://www.googleapis.com/oauth2/v3/certs"
GOOGLE_CALENDAR_ENDPOINT = "https://www.googleapis.com/calendar/v3/"
GOOGLE_BATCH_URI = "https://www.googleapis.com/batch/calendar/v3"
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})

# The emulator's built-in demo client (see google_emulator/state/oauth.py).
EMULATOR_CLIENT_ID = "emulator-client-id.apps.googleusercontent.com"
EMULATOR_CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - a public demo value


class ConfigurationError(Exception):
    """Google is not usable with the current settings (reported by the system checks)."""


@dataclass(frozen=True)
class GoogleConfig:
    client_id: str
    client_secret: str
    redirect_uri: str
    auth_uri: str
    token_uri: str
    revoke_uri: str
    userinfo_uri: str
    certs_uri: str
    calendar_endpoint: str
    batch_uri: str
    emulator: bool
    timeout: int

    def client_config(self) -> dict[str, Any]:
        """The client in Google's own `client_secret.json` ("web") shape."""
        return {
            "web": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.auth_uri,
                "token_uri": self.token_uri,
                "redirect_uris": [self.redirect_uri],
            }
        }


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def read_client_secrets(path: str) -> tuple[str, str]:
    try:
        data = json.loads(Path(path).read_text())
        web = data.get("web") or data["installed"]
        return str(web["client_id"]), str(web["client_secret"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(f"Cannot read a Google client from {path!r}: {exc}") from exc


def load_config() -> GoogleConfig:
    emulator_url = app_settings.emulator_url
    secrets_file = app_settings.CLIENT_SECRETS_FILE
    if emulator_url:
        if urlsplit(emulator_url).scheme != "https" and not is_loopback(emulator_url):
            raise ConfigurationError(
                f"GOOGLE_CALENDAR['EMULATOR_URL']={emulator_url!r}: plain http only on loopback."
            )
        client = read_client_secrets(secrets_file) if secrets_file else None
        client_id, secret = client or (EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET)
        return _emulator_config(emulator_url, client_id, secret)
    if not secrets_file:
        raise ConfigurationError(
            "Set GOOGLE_CALENDAR['EMULATOR_URL'] (offline emulator; or the GOOGLE_EMULATOR_URL "
            "environment variable) or GOOGLE_CALENDAR['CLIENT_SECRETS_FILE'] (a Google OAuth "
            "'web' client file)."
        )
    client_id, secret = read_client_secrets(secrets_file)
    return GoogleConfig(
        client_id,
        secret,
        redirect_uri(),
        GOOGLE_AUTH_URI,
        GOOGLE_TOKEN_URI,
        GOOGLE_REVOKE_URI,
        GOOGLE_USERINFO_URI,
        GOOGLE_CERTS_URI,
        GOOGLE_CALENDAR_ENDPOINT,
        GOOGLE_BATCH_URI,
        emulator=False,
        timeout=app_settings.HTTP_TIMEOUT,
    )


def _emulator_config(base: str, client_id: str, secret: str) -> GoogleConfig:
    return GoogleConfig(
        client_id,
        secret,
        redirect_uri(),
        auth_uri=f"{base}/o/oauth2/auth",
        token_uri=f"{base}/token",
        revoke_uri=f"{base}/revoke",
        userinfo_uri=f"{base}/oauth2/v3/userinfo",
        certs_uri=f"{base}/oauth2/v3/certs",
        calendar_endpoint=f"{base}/calendar/v3/",
        batch_uri=f"{base}/batch/calendar/v3",
        emulator=True,
        timeout=app_settings.HTTP_TIMEOUT,
    )


def redirect_uri() -> str:
    """REDIRECT_URI, or PUBLIC_BASE_URL and the path where the host mounted the redirect view."""
    if app_settings.REDIRECT_URI:
        return str(app_settings.REDIRECT_URI)
    try:
        path = reverse("calendar_oauth:redirect")
    except NoReverseMatch as exc:
        raise ConfigurationError(
            "GOOGLE_CALENDAR['REDIRECT_URI'] is not set and the OAuth views are not mounted: "
            'include("calendar_api.urls") or "calendar_api.urls.oauth" in the URLconf.'
        ) from exc
    return str(app_settings.PUBLIC_BASE_URL).rstrip("/") + path


def emulator_alive(timeout: float = 2.0) -> bool:
    """Whether the emulator at GOOGLE_EMULATOR_URL answers its health URL (readiness)."""
    base = app_settings.emulator_url
    try:
        return requests.get(f"{base}/__emulator__/health", timeout=timeout).ok
    except requests.RequestException:
        return False
