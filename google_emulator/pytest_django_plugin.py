"""The Django half of the emulator's pytest plugin: registered by google_emulator.pytest_plugin
only when pytest-django is active, so that the emulator-only fixtures never import Django.

- `google_settings`: the app's settings pointed at the fresh emulator for the test.
- `google_redirect_uri`: the OAuth redirect URI those settings name (override it to change it).
- `google_client`: a Django test client on that URI's host, as a browser would be.
- `google_connect`: a factory that connects a Google account through the app's own OAuth views.

Tests that connect an account need the database (`@pytest.mark.django_db`), as any test does
that writes rows.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from google_emulator.testing import GoogleControl, consent

REDIRECT_ORIGIN = "http://127.0.0.1:8000"  # loopback: the emulator's built-in client takes it
NOWHERE = "http://127.0.0.1:9"  # the discard port: push channels opened by tests reach nothing


class Connect(Protocol):
    def __call__(
        self, email: str = "alice@example.com", *, client: Client | None = None, **params: str
    ) -> HttpResponseBase: ...


@pytest.fixture
def google_redirect_uri() -> str:
    """The app's redirect view on 127.0.0.1:8000 (any loopback URI works with the emulator)."""
    return REDIRECT_ORIGIN + reverse("calendar_oauth:redirect")


@pytest.fixture
def google_settings(
    settings: Any, google_control: GoogleControl, google_redirect_uri: str
) -> GoogleControl:
    """Google is the fresh emulator for this test: the keys of the app's GOOGLE_CALENDAR
    settings that say where Google is (the emulator's built-in client, no client_secret.json),
    the redirect URI, and where Google pushes to, set through pytest-django's `settings`
    (undone after the test)."""
    settings.GOOGLE_CALENDAR = {
        **getattr(settings, "GOOGLE_CALENDAR", {}),
        "EMULATOR_URL": google_control.base_url,
        "CLIENT_SECRETS_FILE": "",
        "REDIRECT_URI": google_redirect_uri,
        "PUBLIC_BASE_URL": NOWHERE,
    }
    host = urlsplit(google_redirect_uri).hostname or ""
    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    return google_control


@pytest.fixture
def google_client(google_redirect_uri: str) -> Client:
    """A Django test client on the redirect URI's host, where Google sends the browser back."""
    return Client(HTTP_HOST=urlsplit(google_redirect_uri).netloc)


@pytest.fixture
def google_connect(google_settings: GoogleControl, google_client: Client) -> Connect:
    """`google_connect(email)` runs the app's OAuth flow for that Google account: the init view,
    the emulator's auto-consent, the redirect view; it returns the redirect view's answer.
    The client (`google_client` unless `client=` names another) is then signed in. `params`
    go to the init view (e.g. `next`)."""

    def connect(
        email: str = "alice@example.com", *, client: Client | None = None, **params: str
    ) -> HttpResponseBase:
        browser = client or google_client
        init = browser.get(reverse("calendar_oauth:init"), {"login_hint": email, **params})
        assert init.status_code == 302, f"the init view answered {init.status_code}"
        response = browser.get(_path_of(consent(init["Location"])))
        # An account that consented before gets no refresh token: the app asks again
        # (prompt=consent), which the emulator answers at once too.
        for _ in range(2):
            if response.status_code != 302 or not _at(google_settings, response["Location"]):
                break
            response = browser.get(_path_of(consent(response["Location"])))
        return response

    return connect


def _at(google: GoogleControl, url: str) -> bool:
    return url.startswith(google.base_url + "/")


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
