"""Fixtures for the REST API tests: alice signed in (visitor session), bob signed in on a
second visitor, and small helpers to call the API and read the emulator's truth."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from tests.calendar_api.conftest import back_from_google

INIT = "/rest/v1/calendar/init/"
API = "/rest/v1"


def events_url(calendar_id: str = "primary", event_id: str = "", suffix: str = "") -> str:
    url = f"{API}/calendars/{quote(calendar_id, safe='')}/events/"
    if event_id:
        url += f"{quote(event_id, safe='')}/"
    return url + suffix


def send(client: Client, method: str, url: str, body: Any = None, **extra: Any) -> Any:
    """A JSON request through the Django test client."""
    data = json.dumps(body) if body is not None else None
    call = getattr(client, method.lower())
    if data is None:
        return call(url, **extra)
    return call(url, data=data, content_type="application/json", **extra)


@pytest.fixture
def sign_in(google: Any) -> Callable[..., Client]:
    """A fresh browser-like client signed in through the whole OAuth flow as `email`."""

    def run(email: str, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(HTTP_HOST="127.0.0.1:8000", enforce_csrf_checks=enforce_csrf_checks)
        init = client.get(INIT, {"login_hint": email})
        assert init.status_code == 302
        assert back_from_google(client, init["Location"]).status_code == 200
        return client

    return run


@pytest.fixture
def alice_client(alice: Any, visitor: Client) -> Client:
    """alice's visitor, signed in (her primary calendar synced)."""
    return visitor


@pytest.fixture
def bob_client(sign_in: Callable[..., Client]) -> Client:
    return sign_in("bob@example.com")


@pytest.fixture
def primary(alice: Any) -> Any:
    return alice.calendars.get(primary=True)
