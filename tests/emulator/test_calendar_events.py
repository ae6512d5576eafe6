"""events.get/insert/update/patch/delete through the official client: ids, etags, errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from tests.emulator.clients import bare_service, credentials, service, tokens, validate

TIMED = {
    "summary": "Planning",
    "start": {"dateTime": "2030-05-01T09:00:00+02:00"},
    "end": {"dateTime": "2030-05-01T10:00:00+02:00"},
}


@pytest.fixture
def calendar(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def status_of(request: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HttpError) as caught:
        request.execute()
    body = json.loads(caught.value.content or b"{}")
    return caught.value.status_code, body


def test_it_inserts_an_event_with_googles_read_only_fields(calendar: Any) -> None:
    made = validate(calendar.events().insert(calendarId="primary", body=TIMED).execute(), "Event")
    assert made["kind"] == "calendar#event" and made["status"] == "confirmed"
    assert made["organizer"]["email"] == "alice@example.com" and made["iCalUID"].endswith(
        "@google.com"
    )
    assert made["updated"].endswith("Z") and len(made["updated"]) == 24
    assert made["start"]["dateTime"] == "2030-05-01T08:00:00+01:00"  # in the calendar's zone
    fetched = validate(
        calendar.events().get(calendarId="primary", eventId=made["id"]).execute(), "Event"
    )
    assert fetched == made


def test_it_accepts_a_client_chosen_id_and_refuses_a_duplicate_with_409(calendar: Any) -> None:
    made = (
        calendar.events()
        .insert(calendarId="primary", body={**TIMED, "id": "clientid0001"})
        .execute()
    )
    assert made["id"] == "clientid0001"
    code, body = status_of(
        calendar.events().insert(calendarId="primary", body={**TIMED, "id": "clientid0001"})
    )
    assert code == 409 and body["error"]["errors"][0]["reason"] == "duplicate"


@pytest.mark.parametrize("bad_id", ["abc", "UPPERCASE01", "has-dash-01", "wxyz12345"])
def test_it_refuses_ids_outside_base32hex(calendar: Any, bad_id: str) -> None:
    code, body = status_of(
        calendar.events().insert(calendarId="primary", body={**TIMED, "id": bad_id})
    )
    assert code == 400 and body["error"]["errors"][0]["reason"] == "invalid"


@pytest.mark.parametrize(
    "change",
    [
        {"end": None},
        {"start": None},
        {"end": {"dateTime": "2030-05-01T08:00:00+02:00"}},
        {"start": {"dateTime": "2030-05-01T09:00:00"}},
        {"start": {"dateTime": "not a time"}},
        {"start": {"date": "2030-05-01"}},
        {"start": {"dateTime": "2030-05-01T09:00:00", "timeZone": "Mars/Base"}},
        {"summary": 42},
        {"attendees": "everyone"},
        {"reminders": {"useDefault": True, "overrides": [{"method": "popup", "minutes": 5}]}},
        {"status": "maybe"},
    ],
)
def test_it_answers_400_in_googles_format_for_bad_events(
    calendar: Any, change: dict[str, Any]
) -> None:
    body = {k: v for k, v in {**TIMED, **change}.items() if v is not None}
    code, error = status_of(calendar.events().insert(calendarId="primary", body=body))
    assert code == 400
    assert error["error"]["code"] == 400 and error["error"]["errors"][0]["reason"]


def test_it_answers_time_range_empty_when_the_end_is_before_the_start(calendar: Any) -> None:
    body = {**TIMED, "end": {"dateTime": "2030-05-01T08:00:00+02:00"}}
    _, error = status_of(calendar.events().insert(calendarId="primary", body=body))
    assert error["error"]["errors"][0]["reason"] == "timeRangeEmpty"


def test_it_accepts_a_local_time_with_a_time_zone_and_all_day_events(calendar: Any) -> None:
    local = {**TIMED, "start": {"dateTime": "2030-05-01T09:00:00", "timeZone": "Asia/Tokyo"}}
    made = calendar.events().insert(calendarId="primary", body=local).execute()
    assert made["start"] == {"dateTime": "2030-05-01T01:00:00+01:00", "timeZone": "Asia/Tokyo"}
    day = (
        calendar.events()
        .insert(
            calendarId="primary",
            body={"summary": "Off", "start": {"date": "2030-05-02"}, "end": {"date": "2030-05-03"}},
        )
        .execute()
    )
    assert day["start"] == {"date": "2030-05-02"} and day["end"] == {"date": "2030-05-03"}


def test_it_updates_and_patches_with_new_etags(calendar: Any) -> None:
    made = calendar.events().insert(calendarId="primary", body=TIMED).execute()
    patched = validate(
        calendar.events()
        .patch(calendarId="primary", eventId=made["id"], body={"location": "Room 1"})
        .execute(),
        "Event",
    )
    assert patched["location"] == "Room 1" and patched["summary"] == "Planning"
    assert patched["etag"] != made["etag"] and patched["updated"] >= made["updated"]
    replaced = (
        calendar.events()
        .update(calendarId="primary", eventId=made["id"], body={**TIMED, "summary": "Replanned"})
        .execute()
    )
    assert replaced["summary"] == "Replanned" and "location" not in replaced
    assert replaced["etag"] != patched["etag"] and replaced["created"] == made["created"]


def test_it_answers_412_for_a_stale_if_match_and_applies_a_fresh_one(calendar: Any) -> None:
    made = calendar.events().insert(calendarId="primary", body=TIMED).execute()
    calendar.events().patch(
        calendarId="primary", eventId=made["id"], body={"summary": "Moved on"}
    ).execute()
    stale = calendar.events().patch(
        calendarId="primary", eventId=made["id"], body={"summary": "Late"}
    )
    stale.headers["If-Match"] = made["etag"]
    code, body = status_of(stale)
    assert code == 412 and body["error"]["errors"][0]["reason"] == "conditionNotMet"
    current = calendar.events().get(calendarId="primary", eventId=made["id"]).execute()
    fresh = calendar.events().patch(
        calendarId="primary", eventId=made["id"], body={"summary": "On time"}
    )
    fresh.headers["If-Match"] = current["etag"]
    assert fresh.execute()["summary"] == "On time"
    stale_delete = calendar.events().delete(calendarId="primary", eventId=made["id"])
    stale_delete.headers["If-Match"] = current["etag"]
    assert status_of(stale_delete)[0] == 412


def test_it_answers_304_for_a_matching_if_none_match(calendar: Any) -> None:
    made = calendar.events().insert(calendarId="primary", body=TIMED).execute()
    request = calendar.events().get(calendarId="primary", eventId=made["id"])
    request.headers["If-None-Match"] = made["etag"]
    assert status_of(request)[0] == 304
    calendar.events().patch(
        calendarId="primary", eventId=made["id"], body={"summary": "x"}
    ).execute()
    request = calendar.events().get(calendarId="primary", eventId=made["id"])
    request.headers["If-None-Match"] = made["etag"]
    assert request.execute()["summary"] == "x"


def test_it_deletes_with_an_empty_204_then_answers_410_and_still_gets_it(calendar: Any) -> None:
    made = calendar.events().insert(calendarId="primary", body=TIMED).execute()
    assert calendar.events().delete(calendarId="primary", eventId=made["id"]).execute() == ""
    code, body = status_of(calendar.events().delete(calendarId="primary", eventId=made["id"]))
    assert code == 410 and body["error"]["errors"][0]["reason"] == "deleted"
    assert (
        calendar.events().get(calendarId="primary", eventId=made["id"]).execute()["status"]
        == "cancelled"
    )


def test_it_answers_404_for_unknown_events(calendar: Any) -> None:
    code, body = status_of(calendar.events().get(calendarId="primary", eventId="nosuchevent"))
    assert code == 404 and body["error"]["errors"][0]["reason"] == "notFound"
    assert (
        status_of(calendar.events().patch(calendarId="primary", eventId="nosuchevent", body={}))[0]
        == 404
    )


def test_it_quick_adds_an_event(calendar: Any) -> None:
    made = validate(
        calendar.events().quickAdd(calendarId="primary", text="Call the plumber").execute(), "Event"
    )
    assert made["summary"] == "Call the plumber"


def test_it_answers_401_for_a_bad_token(emulator: EmulatorServer) -> None:
    request = bare_service(emulator.base_url).events().list(calendarId="primary")
    request.headers["Authorization"] = "Bearer ya29.not-a-real-token"
    code, body = status_of(request)
    assert code == 401 and body["error"]["errors"][0]["reason"] == "authError"


def test_a_request_without_credentials_answers_401_login_required(
    emulator: EmulatorServer,
) -> None:
    """Google tells a missing credential (`required`, "Login Required") from a refused one."""
    request = bare_service(emulator.base_url).events().list(calendarId="primary")
    request.headers.pop("Authorization", None)
    code, body = status_of(request)
    error = body["error"]
    assert (code, error["code"], error["message"]) == (401, 401, "Login Required")
    assert error["errors"] == [
        {
            "domain": "global",
            "reason": "required",
            "message": "Login Required",
            "locationType": "header",
            "location": "Authorization",
        }
    ]


def test_it_refreshes_once_on_401_and_carries_on(emulator: EmulatorServer) -> None:
    creds = credentials(emulator.base_url)
    creds.token = "ya29.expired"
    assert (
        service(emulator.base_url, creds=creds)
        .events()
        .list(calendarId="primary")
        .execute()["items"]
    )
    assert creds.token != "ya29.expired"


def test_it_answers_403_without_a_calendar_scope(emulator: EmulatorServer) -> None:
    readonly = service(emulator.base_url, scope="https://www.googleapis.com/auth/calendar.readonly")
    assert readonly.events().list(calendarId="primary").execute()["items"]
    code, body = status_of(readonly.events().insert(calendarId="primary", body=TIMED))
    assert code == 403 and body["error"]["errors"][0]["reason"] == "insufficientPermissions"
    assert body["error"]["message"] == "Request had insufficient authentication scopes."


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", "/calendar/v3/calendars/primary/events", b"{not json"),
        ("POST", "/calendar/v3/calendars/primary/events", b"[1, 2]"),
        ("GET", "/calendar/v3/calendars/primary/events?maxResults=lots", None),
        ("GET", "/calendar/v3/calendars/primary/events?singleEvents=perhaps", None),
        ("GET", "/calendar/v3/calendars/primary/events?pageToken=garbage", None),
        ("GET", "/calendar/v3/calendars/primary/events?timeZone=Nowhere%2FLand", None),
        ("GET", "/calendar/v3/calendars/primary/events?orderBy=random", None),
        (
            "GET",
            "/calendar/v3/calendars/primary/events/teammeet0001/instances?originalStart=yesterday",
            None,
        ),
        ("PATCH", "/calendar/v3/calendars/primary/events/alicedemo0001", b'{"start": 5}'),
        ("POST", "/calendar/v3/freeBusy", b'{"timeMin": "soon"}'),
        (
            "POST",
            "/calendar/v3/calendars/primary/events/watch",
            b'{"id": "x", "type": "web_hook", "address": "ftp://x"}',
        ),
        (
            "POST",
            "/calendar/v3/calendars/primary/events",
            b'{"start": {"dateTime": "2030-02-30T10:00:00Z"}, "end": {"dateTime": "2030-03-01T10:00:00Z"}}',
        ),
    ],
)
def test_it_answers_400_never_500_for_bad_input(
    emulator: EmulatorServer, method: str, path: str, payload: bytes | None
) -> None:
    access = tokens(emulator.base_url)["access_token"]
    request = urllib.request.Request(
        emulator.base_url + path,
        data=payload,
        method=method,
        headers={"Authorization": f"Bearer {access}", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 400
    body = json.load(caught.value)
    assert body["error"]["code"] == 400 and body["error"]["errors"][0]["message"]


def test_it_clears_a_field_patched_to_null(calendar: Any) -> None:
    made = (
        calendar.events()
        .insert(calendarId="primary", body={**TIMED, "location": "Room 9"})
        .execute()
    )
    patched = (
        calendar.events()
        .patch(calendarId="primary", eventId=made["id"], body={"location": None})
        .execute()
    )
    assert "location" not in patched and patched["summary"] == "Planning"
