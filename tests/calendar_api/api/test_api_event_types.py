"""Google's event types through the product: stored, asked for by name on list and watch,
each type's write rules in the REST API and the Python API, the web page's feed, analytics
and free/busy (the emulator seeds bob's primary calendar with one event of each type)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from calendar_api import api
from calendar_api.exceptions import EventTypeRestricted
from calendar_api.google import client as google_client
from calendar_api.kits import event_types
from calendar_api.models import Event, GoogleAccount
from calendar_api.services.sync import calendar_sync
from calendar_api.services.tokens import google_for
from google_emulator.testing import control
from tests.calendar_api.api.conftest import events_url, send

pytestmark = pytest.mark.django_db
BOB = "bob@example.com"
FOCUS = {
    "summary": "Deep work",
    "eventType": "focusTime",
    "focusTimeProperties": {"chatStatus": "doNotDisturb"},
    "start": {"dateTime": "2027-01-11T13:00:00Z"},
    "end": {"dateTime": "2027-01-11T15:00:00Z"},
}


@pytest.fixture
def bob(bob_client: Client) -> Any:
    return GoogleAccount.objects.get(email=BOB).user


def test_the_sync_stores_each_type_and_asks_google_for_every_type_by_name(
    google: Any, bob_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = Event.objects.filter(calendar__google_id=BOB).values_list("google_id", "event_type")
    stored = dict(rows)
    assert stored["bobfocus0001"] == "focusTime" and stored["bobgmail0001"] == "fromGmail"
    assert stored["bobhome0001"] == "workingLocation" and stored["bobcall0001"] == "default"
    asked: list[str] = []
    real = google_client.execute

    def recorded(request: Any, **how: Any) -> Any:
        asked.append(request.uri)
        return real(request, **how)

    monkeypatch.setattr(google_client, "execute", recorded)
    hook = {"id": "types-1", "type": "web_hook", "address": "http://127.0.0.1:9/"}
    with google_for(GoogleAccount.objects.get(email=BOB)) as bobs:
        list(bobs.event_pages(BOB))
        bobs.watch_events(BOB, hook)
    named = [parse_qs(urlsplit(uri).query)["eventTypes"] for uri in asked]
    assert named == [list(event_types.ALL)] * 2, asked
    channels = control(google.base_url, "channels", method="GET")["channels"]
    assert [c["eventTypes"] for c in channels if c["id"] == "types-1"] == [list(event_types.ALL)]


@pytest.mark.parametrize("event_id", ["bobgmail0001", "bobbirthday0001"])
def test_gmail_and_birthday_events_refuse_other_changes_with_400(
    bob_client: Client, event_id: str
) -> None:
    url = events_url(event_id=event_id)
    refused = send(bob_client, "PATCH", url, {"summary": "Renamed"})
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "event_type_restricted" and "summary" in error["message"]
    assert "reminders, colorId, visibility, status, extendedProperties" in error["message"]
    allowed = send(bob_client, "PATCH", url, {"colorId": "4", "visibility": "private"})
    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["colorId"] == "4"
    whole = {k: v for k, v in allowed.json().items() if k not in ("id",)}
    assert send(bob_client, "PUT", url, {**whole, "location": "Elsewhere"}).status_code == 400
    assert send(bob_client, "PUT", url, {**whole, "colorId": "6"}).status_code == 200


def test_the_python_api_gives_the_same_answers(bob: Any) -> None:
    with pytest.raises(EventTypeRestricted):
        api.event_update(bob, "primary", "bobgmail0001", {"summary": "Renamed"}, partial=True)
    changed = api.event_update(bob, "primary", "bobgmail0001", {"colorId": "2"}, partial=True)
    assert changed is not None and changed["colorId"] == "2"
    with pytest.raises(EventTypeRestricted):
        api.event_create(bob, "primary", {**FOCUS, "eventType": "fromGmail"})
    with pytest.raises(EventTypeRestricted):
        api.event_update(bob, "primary", "bobcall0001", {"eventType": "focusTime"}, partial=True)


def test_status_events_are_made_on_primary_calendars_only(
    bob_client: Client, alice: Any, visitor: Client
) -> None:
    made = send(bob_client, "POST", events_url(), FOCUS)
    assert made.status_code == 201, made.content
    assert made.json()["eventType"] == "focusTime" and made.json()["transparency"] == "opaque"
    work = alice.calendars.get(primary=False)
    work.sync_enabled = True
    work.save()
    calendar_sync(calendar=work)
    refused = send(visitor, "POST", events_url(work.google_id), FOCUS)
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["code"] == "event_type_restricted"


def test_the_web_feed_marks_each_type(bob_client: Client) -> None:
    today = dt.date.today()
    window = {"start": f"{today}T00:00:00Z", "end": f"{today + dt.timedelta(days=30)}T00:00:00Z"}
    shown = {
        e["extendedProps"]["eventId"]: e for e in bob_client.get("/web/events/", window).json()
    }
    gmail, focus, call = shown["bobgmail0001"], shown["bobfocus0001"], shown["bobcall0001"]
    assert gmail["editable"] is False and gmail["extendedProps"]["changeable"] == list(
        event_types.CHANGEABLE
    )
    assert gmail["classNames"] == ["event-type-fromGmail"]
    assert focus["extendedProps"]["eventTypeLabel"] == "Focus time" and focus["editable"] is True
    assert "classNames" not in call and call["extendedProps"]["changeable"] is None


def test_analytics_leaves_status_events_out_and_free_busy_counts_them_as_google_does(
    google: Any, sign_in: Callable[..., Client]
) -> None:
    google.emulator.reset("empty")
    client = sign_in("alice@example.com")
    meeting = {
        "summary": "Planning",
        "start": {"dateTime": "2027-01-11T09:00:00Z"},
        "end": {"dateTime": "2027-01-11T10:00:00Z"},
        "attendees": [{"email": "alice@example.com"}, {"email": "bob@example.com"}],
    }
    office = {
        "summary": "Office",
        "eventType": "workingLocation",
        "workingLocationProperties": {"type": "officeLocation", "officeLocation": {}},
        "start": {"dateTime": "2027-01-11T08:00:00Z"},
        "end": {"dateTime": "2027-01-11T17:00:00Z"},
    }
    for body in (meeting, FOCUS, office):
        response = send(client, "POST", events_url() + "?send_updates=none", body)
        assert response.status_code == 201, response.content
    window = {"time_min": "2027-01-11T00:00:00Z", "time_max": "2027-01-12T00:00:00Z"}
    report = client.get("/rest/v1/analytics/", {**window, "time_zone": "UTC"}).json()
    assert report["total_event_hours"] == 1.0 and report["meetings"]["count"] == 1
    assert report["focus_blocks"]["blocks"][0]["start"] == "2027-01-11T10:00:00Z"
    busy = client.get("/rest/v1/freebusy/", {**window, "calendar": "primary"}).json()
    spans = [(b["start"], b["end"]) for b in busy["calendars"]["primary"]["busy"]]
    assert [s[:16] for s, _ in spans] == ["2027-01-11T09:00", "2027-01-11T13:00"], spans
