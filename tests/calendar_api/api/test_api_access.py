"""Authentication (session with CSRF, personal API tokens), calendars and free/busy."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from calendar_api.models import Calendar, Event
from calendar_api.services.sync import calendar_sync
from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.api.test_api_events import MEETING, every_page, instant
from tests.calendar_api.conftest import fault

pytestmark = pytest.mark.django_db
WORK = "c_a1ce0000000000000000000000000001@group.calendar.google.com"


def test_without_credentials_every_api_route_answers_401(db: Any) -> None:
    anonymous = Client()
    for url in (f"{API}/calendars/", events_url(), f"{API}/freebusy/"):
        response = anonymous.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_a_personal_api_token_works_without_a_session_or_csrf(
    alice_client: Client, gcal: Any
) -> None:
    token = alice_client.post(f"{API}/auth/tokens/", content_type="application/json").json()[
        "token"
    ]
    machine = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get(events_url()).status_code == 200
    created = send(machine, "POST", events_url(), MEETING)
    assert created.status_code == 201
    assert gcal.events().get(calendarId="primary", eventId=created.json()["id"]).execute()
    wrong = Client(HTTP_AUTHORIZATION="Bearer gcal_not-a-token")
    assert wrong.get(events_url()).status_code == 401


def test_a_session_needs_the_csrf_token_for_unsafe_methods(
    sign_in: Callable[..., Client], gcal: Any
) -> None:
    visitor = sign_in("alice@example.com", enforce_csrf_checks=True)
    assert visitor.get(events_url()).status_code == 200  # safe methods need none
    refused = send(visitor, "POST", events_url(), MEETING)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    secret = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
    visitor.cookies["csrftoken"] = secret
    accepted = send(visitor, "POST", events_url(), MEETING, HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 201


def test_calendars_list_with_role_colour_zone_and_sync_state(alice_client: Client) -> None:
    calendars = {c["id"]: c for c in alice_client.get(f"{API}/calendars/").json()["results"]}
    primary, work = calendars["alice@example.com"], calendars[WORK]
    assert (
        primary["primary"] and primary["sync_enabled"] and primary["time_zone"] == "Europe/London"
    )
    assert (work["summary"], work["access_role"], work["color"]) == ("Work", "owner", "#7bd148")
    assert not work["sync_enabled"]


def test_turning_sync_on_lets_a_calendars_events_be_listed(alice_client: Client, gcal: Any) -> None:
    url = f"{API}/calendars/{WORK}/"
    assert alice_client.get(events_url(WORK)).json()["error"]["code"] == "calendar_not_synced"
    response = send(alice_client, "PATCH", url, {"sync_enabled": True})
    assert response.status_code == 200 and response.json()["sync_enabled"]
    calendar_sync(calendar=Calendar.objects.get(google_id=WORK))  # what the queued job does
    listed = {e["id"] for e in every_page(alice_client, events_url(WORK))}
    truth = gcal.events().list(calendarId=WORK).execute()["items"]
    assert listed == {e["id"] for e in truth if e["status"] != "cancelled"}


def test_turning_sync_off_forgets_the_stored_events(alice_client: Client) -> None:
    response = send(alice_client, "PATCH", f"{API}/calendars/primary/", {"sync_enabled": False})
    assert response.status_code == 200 and not response.json()["sync_enabled"]
    assert not Event.objects.filter(calendar__google_id="alice@example.com").exists()
    assert alice_client.get(events_url()).status_code == 409


def test_a_calendars_patch_is_partial_and_refuses_unknown_keys(alice_client: Client) -> None:
    url = f"{API}/calendars/primary/"
    unchanged = send(alice_client, "PATCH", url, {})
    assert unchanged.status_code == 200 and unchanged.json()["sync_enabled"]
    refused = send(alice_client, "PATCH", url, {"sync_enabled": False, "colour": "red"})
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["colour"]
    assert alice_client.get(url).json()["sync_enabled"]  # nothing half-applied


def test_the_schema_says_what_a_calendars_patch_takes_and_that_deleted_events_read_back(
    alice_client: Client,
) -> None:
    schema = alice_client.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()
    patch = schema["paths"]["/rest/v1/calendars/{calendar_id}/"]["patch"]
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "sync_enabled" in body["properties"] and not body.get("required")
    event = schema["paths"]["/rest/v1/calendars/{calendar_id}/events/{event_id}/"]
    assert "cancelled" in event["get"]["description"]
    assert "cancelled" in event["delete"]["description"]


def busy(answer: dict[str, Any], calendar_id: str) -> list[tuple[Any, Any]]:
    spans = answer["calendars"][calendar_id]["busy"]
    return [(instant({"dateTime": x["start"]}), instant({"dateTime": x["end"]})) for x in spans]


def google_freebusy(gcal: Any, low: str, high: str, calendar_id: str) -> dict[str, Any]:
    body = {"timeMin": low, "timeMax": high, "items": [{"id": calendar_id}]}
    return dict(gcal.freebusy().query(body=body).execute())


def span() -> tuple[str, str]:
    low = (dt.datetime.now(dt.UTC) - dt.timedelta(days=50)).replace(microsecond=0)
    return low.isoformat(), (low + dt.timedelta(days=120)).isoformat()


def test_free_busy_from_the_store_equals_googles(
    alice_client: Client, gcal: Any, google: Any
) -> None:
    low, high = span()
    fault(google, "calendar.freebusy.query", status=503, times=100)  # the store answers alone
    answer = alice_client.get(
        f"{API}/freebusy/", {"time_min": low, "time_max": high, "calendar": "primary"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["kind"] == "calendar#freeBusy"
    google.emulator.clear_faults()
    truth = google_freebusy(gcal, low, high, "alice@example.com")
    assert busy(answer.json(), "primary") == busy(truth, "alice@example.com")
    assert len(busy(truth, "alice@example.com")) > 10


def test_free_busy_of_a_calendar_the_store_does_not_hold_asks_google(
    alice_client: Client, gcal: Any, google: Any
) -> None:
    low, high = span()
    params = {"time_min": low, "time_max": high, "calendar": [WORK], "time_zone": "Asia/Tokyo"}
    answer = alice_client.get(f"{API}/freebusy/", params).json()
    truth = google_freebusy(gcal, low, high, WORK)
    assert busy(answer, WORK) == busy(truth, WORK) and busy(truth, WORK)
    assert answer["timeMin"].endswith("+09:00")
    fault(google, "calendar.freebusy.query", status=503, times=100)
    assert alice_client.get(f"{API}/freebusy/", params).status_code == 503


def test_free_busy_follows_a_write_at_once(alice_client: Client) -> None:
    body = {
        **MEETING,
        "start": {"dateTime": "2027-05-05T08:00:00Z"},
        "end": {"dateTime": "2027-05-05T09:00:00Z"},
    }
    send(alice_client, "POST", events_url(), body)
    params = {"time_min": "2027-05-05T00:00:00Z", "time_max": "2027-05-06T00:00:00Z"}
    answer = alice_client.get(f"{API}/freebusy/", params).json()
    assert answer["calendars"]["alice@example.com"]["busy"] == [
        {"start": "2027-05-05T08:00:00Z", "end": "2027-05-05T09:00:00Z"}
    ]
