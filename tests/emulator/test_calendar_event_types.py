"""Event types through the official client: each type seeded, the eventTypes filter on list and
watch, where each type may live and which of its fields may change (google_emulator/calendar/
event_types.py names Google's pages)."""

from __future__ import annotations

import json
import queue
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from google_emulator.calendar.seed import WORK_ID
from tests.emulator.clients import Listener, control, listener, service, validate

BOB = "bob@example.com"
TIMED = {
    "start": {"dateTime": "2030-05-01T09:00:00Z"},
    "end": {"dateTime": "2030-05-01T10:00:00Z"},
}
TYPES = {"focusTime", "outOfOffice", "workingLocation", "birthday", "fromGmail"}


@pytest.fixture
def bob(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url, BOB)


@pytest.fixture
def alice(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def refused(request: Any) -> tuple[int, str]:
    with pytest.raises(HttpError) as caught:
        request.execute()
    body = json.loads(caught.value.content)
    return caught.value.status_code, body["error"]["errors"][0]["reason"]


def by_type(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["eventType"]: e for e in items}


def test_the_seed_has_every_type_and_a_list_without_eventtypes_returns_them_all(bob: Any) -> None:
    items = bob.events().list(calendarId="primary").execute()["items"]
    found = by_type([validate(e, "Event") for e in items])
    assert TYPES | {"default"} == set(found)
    assert found["workingLocation"]["transparency"] == "transparent"
    assert found["workingLocation"]["visibility"] == "public"
    assert found["focusTime"]["transparency"] == "opaque"
    assert found["birthday"]["recurrence"] == ["RRULE:FREQ=YEARLY"]


def test_eventtypes_filters_the_list_and_an_unknown_type_is_refused(bob: Any) -> None:
    listed = bob.events().list(calendarId="primary", eventTypes=["focusTime", "birthday"])
    assert {e["eventType"] for e in listed.execute()["items"]} == {"focusTime", "birthday"}
    raw = bob.events().list(calendarId="primary")
    raw.uri += "&eventTypes=meeting"  # the client checks the enum itself: send it raw
    assert refused(raw) == (400, "invalid")


def test_status_events_exist_only_on_primary_calendars(alice: Any) -> None:
    body = {**TIMED, "summary": "Focus", "eventType": "focusTime", "focusTimeProperties": {}}
    assert refused(alice.events().insert(calendarId=WORK_ID, body=body)) == (
        400,
        "eventTypeRestriction",
    )
    made = alice.events().insert(calendarId="primary", body=body).execute()
    assert made["eventType"] == "focusTime" and made["transparency"] == "opaque"
    all_day = {**body, "start": {"date": "2030-05-01"}, "end": {"date": "2030-05-02"}}
    assert refused(alice.events().insert(calendarId="primary", body=all_day))[0] == 400
    no_place = {**TIMED, "summary": "Office", "eventType": "workingLocation"}
    assert refused(alice.events().insert(calendarId="primary", body=no_place)) == (400, "required")


def test_no_client_creates_a_fromgmail_event_and_no_event_changes_type(alice: Any) -> None:
    body = {**TIMED, "summary": "Flight", "eventType": "fromGmail"}
    assert refused(alice.events().insert(calendarId="primary", body=body)) == (
        400,
        "eventTypeRestriction",
    )
    made = alice.events().insert(calendarId="primary", body={**TIMED, "summary": "x"}).execute()
    change = {"eventType": "focusTime"}
    patch = alice.events().patch(calendarId="primary", eventId=made["id"], body=change)
    assert refused(patch) == (400, "invalid")


@pytest.mark.parametrize("event_id", ["bobgmail0001", "bobbirthday0001"])
def test_fromgmail_and_birthday_events_change_only_the_allowed_fields(
    bob: Any, event_id: str
) -> None:
    events = bob.events()
    for change in ({"summary": "Renamed"}, {"location": "Elsewhere"}, {"description": "x"}):
        assert refused(events.patch(calendarId="primary", eventId=event_id, body=change)) == (
            400,
            "eventTypeRestriction",
        )
    allowed = {
        "colorId": "5",
        "visibility": "private",
        "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 5}]},
        "extendedProperties": {"private": {"mine": "1"}},
    }
    patched = events.patch(calendarId="primary", eventId=event_id, body=allowed).execute()
    assert patched["colorId"] == "5" and patched["extendedProperties"]["private"] == {"mine": "1"}
    whole = events.get(calendarId="primary", eventId=event_id).execute()
    updated = events.update(
        calendarId="primary", eventId=event_id, body={**whole, "colorId": "7"}
    ).execute()
    assert updated["colorId"] == "7"
    renamed = {**whole, "summary": "Renamed"}
    update = events.update(calendarId="primary", eventId=event_id, body=renamed)
    assert refused(update) == (400, "eventTypeRestriction")


def test_a_birthday_is_an_all_day_event(alice: Any) -> None:
    body = {**TIMED, "summary": "Eve", "eventType": "birthday"}
    assert refused(alice.events().insert(calendarId="primary", body=body))[0] == 400
    day = {"start": {"date": "2030-05-01"}, "end": {"date": "2030-05-02"}}
    made = alice.events().insert(calendarId="primary", body={**body, **day}).execute()
    assert made["transparency"] == "transparent" and made["visibility"] == "private"
    assert made["birthdayProperties"] == {"type": "birthday"}


def test_only_default_events_move(bob: Any) -> None:
    move = bob.events().move(calendarId="primary", eventId="bobfocus0001", destination=BOB)
    assert refused(move) == (400, "eventTypeRestriction")


def test_free_busy_counts_focus_time_and_out_of_office_but_not_working_location(
    emulator: EmulatorServer, bob: Any
) -> None:
    control(
        emulator.base_url,
        "events",
        {
            "email": BOB,
            "event": {
                "summary": "Office",
                "eventType": "workingLocation",
                **TIMED,
                "workingLocationProperties": {"type": "officeLocation", "officeLocation": {}},
            },
        },
    )
    focus = {**TIMED, "summary": "Deep work", "eventType": "focusTime", "focusTimeProperties": {}}
    query = {
        "timeMin": "2030-05-01T00:00:00Z",
        "timeMax": "2030-05-02T00:00:00Z",
        "items": [{"id": BOB}],
    }
    assert bob.freebusy().query(body=query).execute()["calendars"][BOB]["busy"] == []
    bob.events().insert(calendarId="primary", body=focus).execute()
    busy = bob.freebusy().query(body=query).execute()["calendars"][BOB]["busy"]
    assert busy == [{"start": "2030-05-01T09:00:00Z", "end": "2030-05-01T10:00:00Z"}]


def test_the_control_endpoint_makes_a_fromgmail_event(emulator: EmulatorServer, bob: Any) -> None:
    made = control(
        emulator.base_url,
        "events",
        {"email": BOB, "event": {"summary": "Parcel", "eventType": "fromGmail", **TIMED}},
    )
    fetched = bob.events().get(calendarId="primary", eventId=made["id"]).execute()
    assert validate(fetched, "Event")["eventType"] == "fromGmail"


def test_a_channel_with_eventtypes_hears_only_of_those_types(bob: Any) -> None:
    with listener() as hook:
        body = {"id": "typed-1", "type": "web_hook", "address": hook.address}
        bob.events().watch(calendarId="primary", body=body, eventTypes=["focusTime"]).execute()
        assert hook.next()["X-Goog-Resource-State"] == "sync"
        bob.events().insert(calendarId="primary", body={**TIMED, "summary": "Plain"}).execute()
        _nothing_for(hook)
        patch = bob.events().patch(
            calendarId="primary", eventId="bobfocus0001", body={"summary": "Deep work"}
        )
        patch.execute()
        assert hook.next()["X-Goog-Resource-State"] == "exists"


def _nothing_for(hook: Listener) -> None:
    with pytest.raises(queue.Empty):
        hook.next(timeout=0.5)
