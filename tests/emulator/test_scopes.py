"""Each Calendar method accepts the scopes Google's reference lists for it, and nothing else,
through the official client: narrow scopes work where they should and 403 where they should
not, with Google's ACCESS_TOKEN_SCOPE_INSUFFICIENT answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from google_emulator import EmulatorServer
from google_emulator.calendar.routes import ROUTES
from google_emulator.discovery import documents_dir
from google_emulator.scopes import AUTH, METHOD_SCOPES
from tests.emulator.clients import service

EVENTS = AUTH + "calendar.events"
EVENTS_READ = AUTH + "calendar.events.readonly"
LIST_READ = AUTH + "calendar.calendarlist.readonly"
FREEBUSY = AUTH + "calendar.freebusy"
TIMED = {
    "summary": "Planning",
    "start": {"dateTime": "2030-05-01T09:00:00+02:00"},
    "end": {"dateTime": "2030-05-01T10:00:00+02:00"},
}
WINDOW = {"timeMin": "2026-01-01T00:00:00Z", "timeMax": "2026-02-01T00:00:00Z"}


def _discovery_methods(resources: dict[str, Any]) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for resource in resources.values():
        for method in resource.get("methods", {}).values():
            found[method["id"]] = frozenset(method.get("scopes", []))
        found.update(_discovery_methods(resource.get("resources", {})))
    return found


def refused(request: Any) -> dict[str, Any]:
    """Google's 403 body for a request the token's scopes do not allow."""
    with pytest.raises(HttpError) as caught:
        request.execute()
    assert caught.value.status_code == 403
    assert 'error="insufficient_scope"' in caught.value.resp["www-authenticate"]
    return dict(json.loads(caught.value.content)["error"])


def test_the_table_is_the_references_authorization_for_every_method() -> None:
    document = json.loads((documents_dir() / "calendar.v3.json").read_text())
    assert _discovery_methods(document["resources"]) == METHOD_SCOPES


def test_every_calendar_route_has_its_scopes() -> None:
    routed = {r.method_id for r in ROUTES if r.method_id != "calendar.batch"}
    assert routed <= set(METHOD_SCOPES)


def test_a_read_only_events_scope_reads_and_cannot_write(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url, scope=EVENTS_READ)
    assert calendar.events().list(calendarId="primary").execute()["items"]
    error = refused(calendar.events().insert(calendarId="primary", body=TIMED))
    assert error["message"] == "Request had insufficient authentication scopes."
    assert error["status"] == "PERMISSION_DENIED"
    assert error["errors"][0]["reason"] == "insufficientPermissions"
    (detail,) = error["details"]
    assert detail["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert detail["metadata"]["method"] == "calendar.v3.Events.Insert"
    refused(calendar.calendarList().list())  # the events scopes do not list calendars


def test_the_narrow_pair_lists_calendars_and_writes_events(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url, scope=f"{LIST_READ} {EVENTS}")
    assert calendar.calendarList().list().execute()["items"]
    made = calendar.events().insert(calendarId="primary", body=TIMED).execute()
    calendar.events().delete(calendarId="primary", eventId=made["id"]).execute()
    refused(calendar.calendars().get(calendarId="primary"))  # calendars.* want their own
    refused(calendar.calendarList().insert(body={"id": "x@example.com"}))  # read-only list
    # freeBusy.query accepts calendar, calendar.readonly, calendar.freebusy and
    # calendar.events.freebusy only: not the narrow pair
    refused(calendar.freebusy().query(body={**WINDOW, "items": [{"id": "primary"}]}))


def free_busy(calendar: Any) -> dict[str, Any]:
    body = {**WINDOW, "items": [{"id": "primary"}]}
    return dict(calendar.freebusy().query(body=body).execute()["calendars"]["primary"])


def test_free_busy_alone_answers_free_busy_and_nothing_else(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url, scope=FREEBUSY)
    assert "busy" in free_busy(calendar)
    for request in (
        calendar.events().list(calendarId="primary"),
        calendar.calendarList().list(),
        calendar.events().watch(calendarId="primary", body={"id": "c1", "type": "web_hook"}),
    ):
        refused(request)


def test_a_batch_part_without_the_scope_is_refused_alone(emulator: EmulatorServer) -> None:
    calendar = service(emulator.base_url, scope=EVENTS_READ)
    answers: dict[str, Any] = {}
    batch = BatchHttpRequest(
        callback=lambda rid, response, exc: answers.__setitem__(rid, exc or response),
        batch_uri=emulator.base_url + "/batch/calendar/v3",
    )
    batch.add(calendar.events().list(calendarId="primary", maxResults=1), request_id="list")
    batch.add(calendar.events().insert(calendarId="primary", body=TIMED), request_id="insert")
    batch.execute()
    assert "items" in answers["list"]
    assert isinstance(answers["insert"], HttpError) and answers["insert"].status_code == 403
