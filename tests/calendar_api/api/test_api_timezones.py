"""Time zones: stored in UTC with the original zone; DST changes and all-day events round-trip
without drift (Europe/London changes to summer time on 28 March 2027)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from calendar_api.models import Event
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.api.test_api_events import every_page, instant

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
WEEKLY_ACROSS_DST = {
    "summary": "Weekly across the clock change",
    "start": {"dateTime": "2027-03-15T10:00:00", "timeZone": "Europe/London"},
    "end": {"dateTime": "2027-03-15T11:00:00", "timeZone": "Europe/London"},
    "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
}


def moment(edge: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(edge["dateTime"])


def test_a_weekly_series_keeps_its_wall_clock_time_across_dst(
    alice_client: Client, gcal: Any
) -> None:
    created = send(alice_client, "POST", events_url(), WEEKLY_ACROSS_DST).json()
    listed = every_page(alice_client, events_url(event_id=created["id"], suffix="instances/"))
    starts = [moment(e["start"]) for e in listed]
    assert [s.astimezone(LONDON).hour for s in starts] == [10, 10, 10, 10]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [10, 10, 9, 9]
    truth = gcal.events().instances(calendarId="primary", eventId=created["id"]).execute()["items"]
    assert starts == [instant(e["start"]) for e in truth]
    assert {e["start"]["timeZone"] for e in listed} == {"Europe/London"}
    row = Event.objects.get(google_id=created["id"])
    assert (row.time_zone, row.start) == (
        "Europe/London",
        dt.datetime(2027, 3, 15, 10, tzinfo=dt.UTC),
    )


def test_the_expanded_list_also_crosses_dst_at_the_same_local_time(alice_client: Client) -> None:
    created = send(alice_client, "POST", events_url(), WEEKLY_ACROSS_DST).json()
    listed = every_page(
        alice_client,
        events_url(),
        single_events="true",
        time_min="2027-03-14T00:00:00Z",
        time_max="2027-04-14T00:00:00Z",
        time_zone="Europe/London",
    )
    mine = [e for e in listed if e.get("recurringEventId") == created["id"]]
    assert [e["start"]["dateTime"][11:] for e in mine] == [
        "10:00:00+00:00",
        "10:00:00+00:00",
        "10:00:00+01:00",
        "10:00:00+01:00",
    ]


def test_a_local_time_with_its_zone_round_trips_through_a_dst_day(
    alice_client: Client, gcal: Any
) -> None:
    body = {
        "summary": "Sunday lunch on the clock-change day",
        "start": {"dateTime": "2027-03-28T12:00:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2027-03-28T13:30:00", "timeZone": "Europe/London"},
    }
    created = send(alice_client, "POST", events_url(), body).json()
    read = alice_client.get(events_url(event_id=created["id"])).json()
    assert instant(read["start"]) == dt.datetime(2027, 3, 28, 11, tzinfo=dt.UTC)
    assert read["start"]["timeZone"] == "Europe/London"
    in_new_york = alice_client.get(
        events_url(event_id=created["id"]), {"time_zone": "America/New_York"}
    ).json()
    assert in_new_york["start"]["dateTime"] == "2027-03-28T07:00:00-04:00"
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert instant(at_google["start"]) == instant(read["start"])


def test_an_all_day_event_keeps_its_dates_in_every_zone_and_after_a_move(
    alice_client: Client, gcal: Any
) -> None:
    body = {
        "summary": "Clock-change day",
        "start": {"date": "2027-03-28"},
        "end": {"date": "2027-03-29"},
    }
    created = send(alice_client, "POST", events_url(), body).json()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"):
        shown = alice_client.get(events_url(event_id=created["id"]), {"time_zone": zone}).json()
        assert (shown["start"], shown["end"]) == ({"date": "2027-03-28"}, {"date": "2027-03-29"})
    move = {"start": {"date": "2027-10-31"}, "end": {"date": "2027-11-01"}}
    moved = send(alice_client, "PATCH", events_url(event_id=created["id"]), move).json()
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert moved["start"] == at_google["start"] == {"date": "2027-10-31"}
    assert at_google["end"] == {"date": "2027-11-01"}
    row = Event.objects.get(google_id=created["id"])
    assert row.all_day and row.start == dt.datetime(2027, 10, 31, tzinfo=LONDON)


def test_an_all_day_event_is_found_by_a_window_on_its_day(alice_client: Client) -> None:
    body = {"summary": "Day off", "start": {"date": "2027-06-01"}, "end": {"date": "2027-06-02"}}
    created = send(alice_client, "POST", events_url(), body).json()
    window = {"time_min": "2027-06-01T12:00:00+01:00", "time_max": "2027-06-01T13:00:00+01:00"}
    assert [e["id"] for e in every_page(alice_client, events_url(), **window)] == [created["id"]]
    window = {"time_min": "2027-06-02T00:00:00+01:00", "time_max": "2027-06-03T00:00:00+01:00"}
    assert created["id"] not in [e["id"] for e in every_page(alice_client, events_url(), **window)]
