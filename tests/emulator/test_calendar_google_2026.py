"""Smaller Google facts through the official client: a visibility set on one instance spreads
to the whole series, `dataOwner` of secondary calendars, `workingHours` of primary ones, and
public holiday calendars added to the list by id (Meet links at once: test_calendar_resources)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from google_emulator.calendar.seed import SERIES_ID, WORK_ID
from tests.emulator.clients import service, validate

USA = "en.usa#holiday@group.v.calendar.google.com"
HOURS = {
    "workingHoursEnabled": True,
    "availableTimes": [{"dayOfWeek": "monday", "periodStart": 600, "periodEnd": 1080}],
}


@pytest.fixture
def alice(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def refused(request: Any) -> tuple[int, str]:
    with pytest.raises(HttpError) as caught:
        request.execute()
    return caught.value.status_code, json.loads(caught.value.content)["error"]["errors"][0][
        "reason"
    ]


def test_a_visibility_set_on_one_instance_spreads_to_the_whole_series(alice: Any) -> None:
    events = alice.events()
    instances = events.instances(calendarId="primary", eventId=SERIES_ID).execute()["items"]
    one, other = instances[2], instances[5]
    events.patch(calendarId="primary", eventId=one["id"], body={"visibility": "private"}).execute()
    master = events.get(calendarId="primary", eventId=SERIES_ID).execute()
    assert master["visibility"] == "private"
    again = events.instances(calendarId="primary", eventId=SERIES_ID).execute()["items"]
    assert {i.get("visibility") for i in again} == {"private"}
    assert (
        events.get(calendarId="primary", eventId=other["id"]).execute()["visibility"] == "private"
    )
    events.patch(calendarId="primary", eventId=one["id"], body={"summary": "Only me"}).execute()
    assert events.get(calendarId="primary", eventId=other["id"]).execute()["summary"] != "Only me"


def test_secondary_calendars_carry_their_data_owner(alice: Any) -> None:
    work = validate(alice.calendars().get(calendarId=WORK_ID).execute(), "Calendar")
    assert work["dataOwner"] == "alice@example.com"
    primary = alice.calendars().get(calendarId="primary").execute()
    assert "dataOwner" not in primary
    entries = {e["id"]: e for e in alice.calendarList().list().execute()["items"]}
    assert validate(entries[WORK_ID], "CalendarListEntry")["dataOwner"] == "alice@example.com"
    assert "dataOwner" not in entries["alice@example.com"]


def test_working_hours_live_on_primary_calendars(emulator: EmulatorServer, alice: Any) -> None:
    bobs = service(emulator.base_url, "bob@example.com").calendars().get(calendarId="primary")
    seeded = validate(bobs.execute(), "Calendar")["workingHours"]
    assert seeded["workingHoursEnabled"] and len(seeded["availableTimes"]) == 5
    calendars = alice.calendars()
    assert "workingHours" not in calendars.get(calendarId="primary").execute()
    patched = calendars.patch(calendarId="primary", body={"workingHours": HOURS}).execute()
    assert patched["workingHours"] == HOURS
    kept = calendars.patch(calendarId="primary", body={"description": "Mine"}).execute()
    assert kept["workingHours"] == HOURS  # not given: unchanged
    elsewhere = calendars.patch(calendarId=WORK_ID, body={"workingHours": HOURS})
    assert refused(elsewhere) == (400, "invalid")
    empty = {"workingHoursEnabled": True, "availableTimes": []}
    assert refused(calendars.patch(calendarId="primary", body={"workingHours": empty}))[0] == 400
    entries = alice.calendarList().list().execute()["items"]
    assert not any("workingHours" in e for e in entries)


def test_a_holiday_calendar_is_added_by_id_and_is_read_only(alice: Any) -> None:
    entry = alice.calendarList().insert(body={"id": USA}).execute()
    assert validate(entry, "CalendarListEntry")["accessRole"] == "reader"
    assert entry["summary"] == "Holidays in United States" and "dataOwner" not in entry
    assert USA in {e["id"] for e in alice.calendarList().list().execute()["items"]}
    items = alice.events().list(calendarId=USA, q="Independence").execute()["items"]
    assert items and all(validate(e, "Event")["start"]["date"].endswith("-07-04") for e in items)
    assert {e["transparency"] for e in items} == {"transparent"}
    body = {"summary": "Mine", "start": {"date": "2030-01-02"}, "end": {"date": "2030-01-03"}}
    assert refused(alice.events().insert(calendarId=USA, body=body)) == (
        403,
        "requiredAccessLevel",
    )
    unknown = alice.calendarList().insert(
        body={"id": "xx.nowhere#holiday@group.v.calendar.google.com"}
    )
    assert refused(unknown)[0] == 404
