"""Calendar v3 beyond events, through google-api-python-client, each body checked against the
discovery document: calendars and calendarList CRUD, ACL sharing, colours, settings,
events.import and events.move, Meet conferences and quickAdd's English."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from google_emulator.calendar import quickadd
from tests.emulator.clients import DISCOVERY, control, service, validate

SLOT = {
    "start": {"dateTime": "2031-03-04T10:00:00Z"},
    "end": {"dateTime": "2031-03-04T11:00:00Z"},
}


@pytest.fixture
def alice(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url, "alice@example.com")


@pytest.fixture
def bob(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url, "bob@example.com")


def status(request: Any) -> int:
    with pytest.raises(HttpError) as caught:
        request.execute()
    return int(caught.value.status_code)


def test_secondary_calendars_have_full_crud(alice: Any) -> None:
    made = validate(
        alice.calendars().insert(body={"summary": "Trips", "timeZone": "Europe/Paris"}).execute(),
        "Calendar",
    )
    assert made["id"].endswith("@group.calendar.google.com")
    entry = validate(alice.calendarList().get(calendarId=made["id"]).execute(), "CalendarListEntry")
    assert entry["accessRole"] == "owner"
    patched = alice.calendars().patch(calendarId=made["id"], body={"description": "Away"}).execute()
    assert (patched["summary"], patched["description"]) == ("Trips", "Away")
    updated = (
        alice.calendars().update(calendarId=made["id"], body={"summary": "Trips 2031"}).execute()
    )
    assert "description" not in validate(updated, "Calendar")
    alice.calendars().delete(calendarId=made["id"]).execute()
    assert status(alice.calendars().get(calendarId=made["id"])) == 404
    assert status(alice.calendars().delete(calendarId="primary")) == 400
    assert status(alice.calendars().insert(body={"description": "no title"})) == 400


def test_clear_empties_the_primary_calendar_only(alice: Any) -> None:
    alice.calendars().clear(calendarId="primary").execute()
    left = alice.events().list(calendarId="primary").execute()["items"]
    assert {e.get("status") for e in left} <= {"cancelled"}  # cancelled exceptions may show
    work = alice.calendarList().list().execute()["items"][1]["id"]
    assert status(alice.calendars().clear(calendarId=work)) == 400


def test_calendar_list_entries_are_the_accounts_own(alice: Any) -> None:
    work = alice.calendarList().list().execute()["items"][1]["id"]
    changed = alice.calendarList().patch(
        calendarId=work, body={"summaryOverride": "My work", "colorId": "9", "hidden": True}
    )
    entry = validate(changed.execute(), "CalendarListEntry")
    assert (entry["summaryOverride"], entry["backgroundColor"]) == ("My work", "#7bd148")
    listed = alice.calendarList().list().execute()["items"]
    assert work not in [e["id"] for e in listed]  # hidden
    assert work in [e["id"] for e in alice.calendarList().list(showHidden=True).execute()["items"]]
    alice.calendarList().delete(calendarId=work).execute()
    assert status(alice.calendarList().get(calendarId=work)) == 404
    again = alice.calendarList().insert(body={"id": work}).execute()
    assert validate(again, "CalendarListEntry")["id"] == work
    assert status(alice.calendarList().delete(calendarId="primary")) == 400
    assert status(alice.calendarList().patch(calendarId=work, body={"colorId": "99"})) == 400


def test_a_shared_calendar_shows_in_the_others_list_with_their_role(alice: Any, bob: Any) -> None:
    rule = alice.acl().insert(
        calendarId="primary",
        body={"role": "reader", "scope": {"type": "user", "value": "bob@example.com"}},
    )
    made = validate(rule.execute(), "AclRule")
    assert made["id"] == "user:bob@example.com"
    rules = validate(alice.acl().list(calendarId="primary").execute(), "Acl")["items"]
    assert {(r["id"], r["role"]) for r in rules} == {
        ("user:alice@example.com", "owner"),
        ("user:bob@example.com", "reader"),
    }
    entries = {e["id"]: e for e in bob.calendarList().list().execute()["items"]}
    assert entries["alice@example.com"]["accessRole"] == "reader"
    listed = bob.events().list(calendarId="alice@example.com").execute()
    assert listed["accessRole"] == "reader"
    assert listed["items"]
    insert = bob.events().insert(calendarId="alice@example.com", body={"summary": "x", **SLOT})
    assert status(insert) == 403  # a reader cannot write
    assert status(bob.acl().list(calendarId="alice@example.com")) == 403
    alice.acl().patch(calendarId="primary", ruleId=made["id"], body={"role": "writer"}).execute()
    written = bob.events().insert(
        calendarId="alice@example.com", body={"summary": "By Bob", **SLOT}
    )
    assert written.execute()["summary"] == "By Bob"
    alice.acl().delete(calendarId="primary", ruleId=made["id"]).execute()
    assert status(bob.events().list(calendarId="alice@example.com")) == 404
    assert "alice@example.com" not in [
        e["id"] for e in bob.calendarList().list().execute()["items"]
    ]


def test_colours_are_googles_palette(alice: Any) -> None:
    colors = validate(alice.colors().get().execute(), "Colors")
    assert len(colors["calendar"]) == 24
    assert colors["event"]["11"] == {"background": "#dc2127", "foreground": "#1d1d1d"}


def test_settings_list_and_get(alice: Any) -> None:
    settings = validate(alice.settings().list().execute(), "Settings")
    values = {s["id"]: s["value"] for s in settings["items"]}
    assert values["timezone"] == "Europe/London"
    assert {"weekStart", "format24HourTime", "locale", "dateFieldOrder"} <= values.keys()
    one = validate(alice.settings().get(setting="weekStart").execute(), "Setting")
    assert one["value"] == "0"
    assert status(alice.settings().get(setting="nothing")) == 404


def test_import_keeps_the_icaluid_and_a_second_import_updates_it(alice: Any) -> None:
    body = {"iCalUID": "meeting-42@example.org", "summary": "Imported", **SLOT}
    first = validate(alice.events().import_(calendarId="primary", body=body).execute(), "Event")
    assert first["iCalUID"] == "meeting-42@example.org"
    second = (
        alice.events()
        .import_(calendarId="primary", body={**body, "summary": "Imported again"})
        .execute()
    )
    assert (second["id"], second["summary"]) == (first["id"], "Imported again")
    no_uid = alice.events().import_(calendarId="primary", body={"summary": "x", **SLOT})
    assert status(no_uid) == 400


def test_move_takes_the_event_to_another_calendar(alice: Any) -> None:
    work = alice.calendarList().list().execute()["items"][1]["id"]
    made = (
        alice.events().insert(calendarId="primary", body={"summary": "Move me", **SLOT}).execute()
    )
    moved = alice.events().move(calendarId="primary", eventId=made["id"], destination=work)
    assert validate(moved.execute(), "Event")["id"] == made["id"]
    assert alice.events().get(calendarId=work, eventId=made["id"]).execute()["summary"] == "Move me"
    gone = alice.events().get(calendarId="primary", eventId=made["id"]).execute()
    assert gone["status"] == "cancelled"


MEET_ASKED = {
    "summary": "Call",
    **SLOT,
    "conferenceData": {
        "createRequest": {"requestId": "r0", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
    },
}


def test_a_meet_conference_is_created_at_once_as_google_usually_answers(alice: Any) -> None:
    made = alice.events().insert(calendarId="primary", body=MEET_ASKED, conferenceDataVersion=1)
    first = validate(made.execute(), "Event")
    assert first["conferenceData"]["createRequest"]["status"]["statusCode"] == "success"
    assert first["hangoutLink"].startswith("https://meet.google.com/")
    assert first["conferenceData"]["entryPoints"][0]["uri"] == first["hangoutLink"]


def test_a_meet_conference_is_pending_then_created(alice: Any, emulator: EmulatorServer) -> None:
    control(emulator.base_url, "meet", {"pending": True})
    asked = {
        "summary": "Call",
        **SLOT,
        "conferenceData": {
            "createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
        },
    }
    made = alice.events().insert(calendarId="primary", body=asked, conferenceDataVersion=1)
    first = validate(made.execute(), "Event")
    assert first["conferenceData"]["createRequest"]["status"]["statusCode"] == "pending"
    later = validate(
        alice.events().get(calendarId="primary", eventId=first["id"]).execute(), "Event"
    )
    data = later["conferenceData"]
    assert data["createRequest"]["status"]["statusCode"] == "success"
    assert data["entryPoints"][0]["uri"] == later["hangoutLink"]
    assert later["hangoutLink"].startswith("https://meet.google.com/")


def test_conference_data_is_ignored_at_version_0(alice: Any) -> None:
    asked = {
        "summary": "No call",
        **SLOT,
        "conferenceData": {
            "createRequest": {"requestId": "r2", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
        },
    }
    made = alice.events().insert(calendarId="primary", body=asked).execute()
    assert "conferenceData" not in made


def test_freebusy_accepts_null_expansion_maxes(alice: Any) -> None:
    body = {
        "timeMin": "2031-03-04T00:00:00Z",
        "timeMax": "2031-03-05T00:00:00Z",
        "items": [{"id": "primary"}],
        "calendarExpansionMax": None,
        "groupExpansionMax": None,
    }
    result = validate(alice.freebusy().query(body=body).execute(), "FreeBusyResponse")
    assert "errors" not in result["calendars"]["primary"]


def test_quick_add_parses_its_text(alice: Any) -> None:
    made = alice.events().quickAdd(calendarId="primary", text="Dentist on June 3rd 10am-10:25am")
    event = validate(made.execute(), "Event")
    assert event["summary"] == "Dentist"
    assert event["start"]["dateTime"][5:16] == "06-03T10:00"
    assert event["end"]["dateTime"][11:16] == "10:25"


NOW = dt.datetime(2031, 4, 7, 9, 15, tzinfo=dt.UTC)  # a Monday


@pytest.mark.parametrize(
    "text,summary,start,end",
    [
        (
            "Lunch with Bob tomorrow at 12:30",
            "Lunch with Bob",
            "2031-04-08 12:30",
            "2031-04-08 13:30",
        ),
        ("Dentist on June 3rd 10am-10:25am", "Dentist", "2031-06-03 10:00", "2031-06-03 10:25"),
        ("Call on Friday at 5pm for 30 minutes", "Call", "2031-04-11 17:00", "2031-04-11 17:30"),
        ("Party next Monday 8pm", "Party", "2031-04-14 20:00", "2031-04-14 21:00"),
        ("Review from 2pm to 3:30pm", "Review", "2031-04-07 14:00", "2031-04-07 15:30"),
        ("Meeting at noon", "Meeting", "2031-04-07 12:00", "2031-04-07 13:00"),
        ("Holiday on 12/24", "Holiday", "2031-12-24", "2031-12-25"),
        ("Trip 3 June 2032", "Trip", "2032-06-03", "2032-06-04"),
        ("Buy milk", "Buy milk", "2031-04-07 10:00", "2031-04-07 11:00"),
    ],
)
def test_quick_add_reads_common_english(text: str, summary: str, start: str, end: str) -> None:
    parsed = quickadd.parse(text, NOW)

    def shown(value: dt.date) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)

    assert (parsed.summary, shown(parsed.start), shown(parsed.end)) == (summary, start, end)


def _discovery_methods(resources: dict[str, Any], found: dict[str, tuple[str, str]]) -> None:
    for resource in resources.values():
        for method in resource.get("methods", {}).values():
            found[method["id"]] = (method["httpMethod"], method["path"])
        _discovery_methods(resource.get("resources", {}), found)


def test_every_calendar_route_is_a_method_of_the_discovery_document(
    emulator: EmulatorServer,
) -> None:
    document = json.loads(DISCOVERY.read_text())
    methods: dict[str, tuple[str, str]] = {}
    _discovery_methods(document["resources"], methods)
    served = [r for r in emulator.emulator.routes if r.method_id.startswith("calendar.")]
    for route in served:
        if route.method_id == "calendar.batch":
            continue
        http_method, path = methods[route.method_id]
        assert http_method in route.methods, route
        expected = "/" + document["servicePath"] + re.sub(r"\{[^}]+\}", "{}", path)
        assert re.sub(r"<[^>]+>", "{}", route.path) == expected, route
    missing = set(methods) - {r.method_id for r in served}
    assert missing <= {
        "calendar.acl.watch",
        "calendar.calendarList.watch",
        "calendar.settings.watch",
        "calendar.calendars.transferOwnership",
    }
