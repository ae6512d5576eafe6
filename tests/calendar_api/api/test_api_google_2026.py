"""Smaller Google facts through the product: a Meet link at once (and Google's slow `pending`
path still handled), a visibility set on one instance read back for the whole series,
`dataOwner` and `workingHours` stored and shown, Google's working hours in analytics."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from calendar_api import api
from calendar_api.models import Calendar, Event
from calendar_api.services.preferences import preferences_update
from calendar_api.services.sync import calendar_sync
from google_emulator.calendar.seed import SERIES_ID, WORK_ID
from google_emulator.testing import control
from tests.calendar_api.api.conftest import events_url, send

pytestmark = pytest.mark.django_db
CALL = {
    "summary": "Call",
    "start": {"dateTime": "2027-02-10T10:00:00Z"},
    "end": {"dateTime": "2027-02-10T11:00:00Z"},
    "conferenceData": {
        "createRequest": {"requestId": "req-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
    },
}


@pytest.fixture(autouse=True)
def _calendars_readable(calendar_settings: Any) -> None:
    """Google gives workingHours on the Calendar resource (calendars.get), which the narrow
    default scopes cannot read: these accounts also grant calendar.calendars.readonly."""
    calendar_settings.SCOPES = [*calendar_settings.SCOPES, "calendar.calendars.readonly"]


def status_of(event: dict[str, Any]) -> str:
    return str(event["conferenceData"]["createRequest"]["status"]["statusCode"])


def test_a_meet_link_comes_with_the_created_event(alice_client: Client) -> None:
    made = send(alice_client, "POST", events_url(), CALL)
    assert made.status_code == 201, made.content
    assert status_of(made.json()) == "success"
    assert made.json()["hangoutLink"].startswith("https://meet.google.com/")


def test_a_pending_meet_link_arrives_with_the_next_sync(
    alice: Any, alice_client: Client, google: Any
) -> None:
    control(google.base_url, "meet", {"pending": True})
    made = send(alice_client, "POST", events_url(), CALL)
    assert made.status_code == 201 and status_of(made.json()) == "pending"
    assert "hangoutLink" not in made.json()
    calendar_sync(calendar=alice.calendars.get(primary=True))
    later = alice_client.get(events_url(event_id=made.json()["id"])).json()
    assert status_of(later) == "success" and later["hangoutLink"].startswith("https://meet.")


def test_a_visibility_set_on_one_instance_is_read_back_for_the_whole_series(
    alice: Any, alice_client: Client
) -> None:
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    week = api.events_between(
        alice.user, today - dt.timedelta(days=7), today + dt.timedelta(days=7)
    )
    instance = next(e for e in week if e.get("recurringEventId") == SERIES_ID)
    moved = Event.objects.get(recurring_event_id=SERIES_ID, status="confirmed")
    changed = send(
        alice_client, "PATCH", events_url(event_id=instance["id"]), {"visibility": "private"}
    )
    assert changed.status_code == 200, changed.content
    master = alice_client.get(events_url(event_id=SERIES_ID)).json()
    assert master["visibility"] == "private"
    moved.refresh_from_db()
    assert moved.data["visibility"] == "private"


def test_calendars_show_their_data_owner_and_working_hours(
    alice_client: Client, bob_client: Client
) -> None:
    mine = {c["id"]: c for c in alice_client.get("/rest/v1/calendars/").json()["results"]}
    assert mine[WORK_ID]["data_owner"] == "alice@example.com"
    assert mine["alice@example.com"]["data_owner"] == ""
    assert mine["alice@example.com"]["working_hours"] is None
    [bobs] = bob_client.get("/rest/v1/calendars/").json()["results"]
    assert bobs["working_hours"]["availableTimes"][0] == {
        "dayOfWeek": "monday",
        "periodStart": 480,
        "periodEnd": 960,
    }


def test_analytics_take_googles_working_hours_until_the_user_sets_their_own(
    bob_client: Client,
) -> None:
    window = {"time_min": "2027-01-11T00:00:00Z", "time_max": "2027-01-18T00:00:00Z"}
    hours = bob_client.get("/rest/v1/analytics/", window).json()["working_hours"]
    assert (hours["start"], hours["end"], hours["days"], hours["source"]) == (
        "08:00",
        "16:00",
        [0, 1, 2, 3, 4],
        "google",
    )
    user = Calendar.objects.get(google_id="bob@example.com").account.user
    preferences_update(user=user, work_start=dt.time(10))
    hours = bob_client.get("/rest/v1/analytics/", window).json()["working_hours"]
    assert (hours["start"], hours["end"], hours["source"]) == ("10:00", "17:00", "preferences")
