"""Isolation: alice reaches none of bob's calendars or events, by any route or filter (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from calendar_api.models import Event, GoogleAccount
from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.api.test_api_events import MEETING

pytestmark = pytest.mark.django_db
BOB = "bob@example.com"


@pytest.fixture
def bobs(bob_client: Client) -> dict[str, str]:
    """Ids of bob's things, once he is connected."""
    event = Event.objects.filter(calendar__google_id=BOB).exclude(status="cancelled").first()
    series = Event.objects.filter(calendar__google_id=BOB, is_recurring=True).first()
    assert event is not None and series is not None
    account = GoogleAccount.objects.get(email=BOB)
    return {"event": event.google_id, "series": series.google_id, "account": str(account.pk)}


ROUTES = [
    ("GET", lambda b: f"{API}/calendars/{BOB}/", None),
    ("PATCH", lambda b: f"{API}/calendars/{BOB}/", {"sync_enabled": False}),
    ("GET", lambda b: events_url(BOB), None),
    ("POST", lambda b: events_url(BOB), MEETING),
    ("GET", lambda b: events_url(BOB, b["event"]), None),
    ("PUT", lambda b: events_url(BOB, b["event"]), MEETING),
    ("PATCH", lambda b: events_url(BOB, b["event"]), {"summary": "mine now"}),
    ("DELETE", lambda b: events_url(BOB, b["event"]), None),
    ("GET", lambda b: events_url(BOB, b["series"], "instances/"), None),
    ("GET", lambda b: events_url("primary", b["event"]), None),  # his event in her calendar
    ("PATCH", lambda b: events_url("primary", b["event"]), {"summary": "mine now"}),
    ("DELETE", lambda b: events_url("primary", b["event"]), None),
    (
        "GET",
        lambda b: (
            f"{API}/freebusy/?time_min=2026-01-01T00:00:00Z&time_max=2027-01-01T00:00:00Z&calendar={BOB}"
        ),
        None,
    ),
    ("GET", lambda b: f"{API}/connections/{b['account']}/", None),
    ("DELETE", lambda b: f"{API}/connections/{b['account']}/", None),
    ("POST", lambda b: f"{API}/connections/{b['account']}/sync/", None),
]


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_another_users_things_answer_404_for_every_route(
    alice_client: Client, bobs: dict[str, str], method: str, url: Any, body: Any, gcal: Any
) -> None:
    before = list(
        Event.objects.filter(calendar__google_id=BOB).values_list("google_id", "etag", "status")
    )
    response = send(alice_client, method, url(bobs), body)
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"
    after = list(
        Event.objects.filter(calendar__google_id=BOB).values_list("google_id", "etag", "status")
    )
    assert after == before
    assert GoogleAccount.objects.filter(email=BOB).exists()


def test_each_user_lists_only_their_own_calendars(alice_client: Client, bob_client: Client) -> None:
    alices = {c["id"] for c in alice_client.get(f"{API}/calendars/").json()["results"]}
    bobs = {c["id"] for c in bob_client.get(f"{API}/calendars/").json()["results"]}
    assert BOB in bobs and BOB not in alices
    assert "alice@example.com" in alices and not alices & bobs


def test_primary_means_each_users_own_primary_calendar(
    alice_client: Client, bob_client: Client
) -> None:
    assert alice_client.get(f"{API}/calendars/primary/").json()["id"] == "alice@example.com"
    assert bob_client.get(f"{API}/calendars/primary/").json()["id"] == BOB
    alices = {e["id"] for e in alice_client.get(events_url()).json()["results"]}
    bobs = {e["id"] for e in bob_client.get(events_url()).json()["results"]}
    assert alices and bobs and not alices & bobs
