"""Fixtures for the product's tests: settings pointed at the running emulator, a browser-like
client on the redirect URI's host, and a helper that walks the whole OAuth flow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connections
from django.test import Client

from calendar_api.operations.asgi import OneHopASGIHandler
from google_emulator import EmulatorServer
from google_emulator.testing import GoogleControl

REDIRECT_URI = "http://127.0.0.1:8000/rest/v1/calendar/redirect/"
INIT = "/rest/v1/calendar/init/"


@pytest.fixture
def google(emulator: EmulatorServer, google_settings: GoogleControl) -> EmulatorServer:
    """The settings pointed at the fresh emulator (the plugin's `google_settings`: its URL, its
    built-in client, REDIRECT_URI; push channels opened by tests point nowhere, port 9, unless
    a test serves the webhook itself: never at a development server on port 8000)."""
    assert google_settings.base_url == emulator.base_url
    return emulator


@pytest.fixture
def visitor(google_client: Client) -> Client:
    """A test client on the redirect URI's host, as a browser would be."""
    return google_client


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def consent(authorize_url: str) -> str:
    """Let the emulator (auto-consent) answer the authorize URL; the redirect back to us."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def back_from_google(client: Client, authorize_url: str) -> Any:
    """Consent at the emulator and bring its answer to our redirect view. When Google sent no
    refresh token (the account consented before, e.g. through the `gcal` fixture), our view
    asks again with prompt=consent: that second round is followed too."""
    response = client.get(path_of(consent(authorize_url)))
    if response.status_code == 302 and "prompt=consent" in response["Location"]:
        response = client.get(path_of(consent(response["Location"])))
    return response


@pytest.fixture
def connect(
    google: EmulatorServer, google_connect: Callable[..., Any], visitor: Client
) -> Callable[..., Any]:
    """Run init -> emulator consent -> redirect as `visitor` (the plugin's `google_connect`);
    returns the redirect view's response."""

    def run(login_hint: str = "alice@example.com", **params: str) -> Any:
        return google_connect(login_hint, client=visitor, **params)

    return run


@pytest.fixture
def alice(connect: Callable[..., Any]) -> Any:
    """alice@example.com, connected: her account with its primary calendar synced in full."""
    from calendar_api.models import GoogleAccount

    assert connect().status_code == 200
    return GoogleAccount.objects.get(email="alice@example.com")


@pytest.fixture
def stream_change(alice: Any, calendar_settings: Any) -> Any:
    """A change in alice's log (event "stream0001"), and live streams short enough for a test:
    0.3 s each, polling every 0.05 s."""
    from calendar_api.models import StoreChange

    calendar_settings.WEB_STREAM_SECONDS = 0.3
    calendar_settings.WEB_STREAM_POLL_SECONDS = 0.05
    return StoreChange.objects.create(
        user=alice.user,
        calendar=alice.calendars.get(primary=True),
        kind="event.created",
        event_id="stream0001",
    )


@pytest.fixture
def gcal(google: EmulatorServer) -> Any:
    """alice's calendar at "Google", through the official client (what changes the truth)."""
    from tests.emulator.clients import service

    return service(google.base_url, "alice@example.com")


def truth(gcal: Any, calendar_id: str = "primary") -> dict[str, tuple[str, str]]:
    """Every event at the emulator, with deletions: id -> (etag, status)."""
    found: dict[str, tuple[str, str]] = {}
    request = gcal.events().list(calendarId=calendar_id, showDeleted=True, maxResults=2500)
    while request is not None:
        page = request.execute()
        found.update({e["id"]: (e["etag"], e["status"]) for e in page["items"]})
        request = gcal.events().list_next(request, page)
    return found


def stored(calendar: Any) -> dict[str, tuple[str, str]]:
    rows = calendar.events.values_list("google_id", "etag", "status")
    return {google_id: (etag, status) for google_id, etag, status in rows}


def fault(google: EmulatorServer, method: str, **kwargs: Any) -> None:
    from google_emulator.server import Fault

    google.emulator.add_fault(Fault(method=method, **kwargs))


def primary(account: Any) -> Any:
    return account.calendars.get(primary=True)


def change_at_google(gcal: Any) -> dict[str, str]:
    """Insert, move, delete an event and cancel one instance of a series, at Google (through
    the official client); returns the ids touched."""
    events = gcal.events()
    listed = events.list(calendarId="primary", maxResults=2500).execute()["items"]
    single = [e for e in listed if "recurrence" not in e and "dateTime" in e.get("start", {})]
    series = next(e for e in listed if "recurrence" in e)
    new = events.insert(
        calendarId="primary",
        body={
            "summary": "Added at Google",
            "start": {"dateTime": "2026-12-01T15:00:00Z"},
            "end": {"dateTime": "2026-12-01T16:00:00Z"},
        },
    ).execute()
    moved = events.patch(
        calendarId="primary",
        eventId=single[0]["id"],
        body={
            "start": {"dateTime": "2026-12-02T10:00:00Z"},
            "end": {"dateTime": "2026-12-02T11:00:00Z"},
        },
    ).execute()
    events.delete(calendarId="primary", eventId=single[1]["id"]).execute()
    listing = events.instances(calendarId="primary", eventId=series["id"], maxResults=5)
    instance = listing.execute()["items"][2]
    events.delete(calendarId="primary", eventId=instance["id"]).execute()
    return {
        "new": new["id"],
        "moved": moved["id"],
        "deleted": single[1]["id"],
        "instance": instance["id"],
    }


def assert_no_duplicates(calendar: Any) -> None:
    from django.db.models import Count

    rows = calendar.events.values("google_id").annotate(n=Count("pk")).filter(n__gt=1)
    assert list(rows) == []


@pytest.fixture
def ours(calendar_settings: Any) -> Iterator[OneHopASGIHandler]:
    """The product's ASGI handler with one serving thread, whose kept connection is closed
    afterwards (else PostgreSQL could not drop the test database)."""
    calendar_settings.WEB_SYNC_THREADS = 1
    handler = OneHopASGIHandler()
    yield handler
    handler.pool.submit(connections.close_all).result()
    handler.pool.shutdown()
