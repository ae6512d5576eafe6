"""Events through the REST API against the emulator: lists from the store equal Google's, and
writes land at Google (read back with the official client) and in the store at once."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.test import Client

from calendar_api.models import Event
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.conftest import fault

pytestmark = pytest.mark.django_db
MEETING = {
    "summary": "Planning",
    "description": "Next quarter",
    "location": "Room 4",
    "start": {"dateTime": "2027-02-10T10:00:00+00:00", "timeZone": "Europe/London"},
    "end": {"dateTime": "2027-02-10T11:00:00+00:00", "timeZone": "Europe/London"},
    "attendees": [{"email": "bob@example.com"}],
    "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10}]},
    "colorId": "5",
    "transparency": "opaque",
    "visibility": "private",
}


def every_page(client: Client, url: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        found += body["results"]
        if not body["next"]:
            return found
        response = client.get(body["next"])


def google_list(gcal: Any, **params: Any) -> list[dict[str, Any]]:
    return list(
        gcal.events().list(calendarId="primary", maxResults=2500, **params).execute()["items"]
    )


def instant(edge: dict[str, Any]) -> dt.datetime | dt.date:
    if "date" in edge:
        return dt.date.fromisoformat(edge["date"])
    return dt.datetime.fromisoformat(edge["dateTime"].replace("Z", "+00:00"))


def test_the_list_holds_the_same_events_as_google_ordered_by_start(
    alice_client: Client, gcal: Any
) -> None:
    listed = every_page(alice_client, events_url(), page_size=7)
    ours = sorted(e["id"] for e in listed)
    # Google lists cancelled instances too when singleEvents is off; we list them only when
    # asked for with status=cancelled (they may carry no start to order them by).
    live = [e for e in google_list(gcal) if e["status"] != "cancelled"]
    assert ours == sorted(e["id"] for e in live)
    starts = [instant(e["start"]) for e in listed if "dateTime" in e["start"]]
    assert starts == sorted(starts)


def test_expanded_instances_in_a_window_equal_googles_single_events(
    alice_client: Client, gcal: Any
) -> None:
    low = (dt.datetime.now(dt.UTC) - dt.timedelta(days=40)).replace(microsecond=0)
    high = low + dt.timedelta(days=90)
    window = {"time_min": low.isoformat(), "time_max": high.isoformat()}
    ours = every_page(alice_client, events_url(), single_events="true", page_size=20, **window)
    truth = google_list(
        gcal,
        singleEvents=True,
        orderBy="startTime",
        timeMin=low.isoformat(),
        timeMax=high.isoformat(),
    )
    assert [(e["id"], instant(e["start"])) for e in ours] == [
        (e["id"], instant(e["start"])) for e in truth
    ]


def test_the_previous_link_walks_back_over_the_same_pages(alice_client: Client) -> None:
    first = alice_client.get(events_url(), {"page_size": 5}).json()
    second = alice_client.get(first["next"]).json()
    back = alice_client.get(second["previous"]).json()
    assert [e["id"] for e in back["results"]] == [e["id"] for e in first["results"]]
    assert back["previous"] is None


def test_search_status_and_updated_min_filter_the_list(alice_client: Client, gcal: Any) -> None:
    truth = {e["id"] for e in google_list(gcal, q="Dentist")}
    assert truth
    assert {e["id"] for e in every_page(alice_client, events_url(), q="dentist")} == truth
    cancelled = every_page(alice_client, events_url(), status="cancelled")
    assert cancelled and all(e["status"] == "cancelled" for e in cancelled)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert every_page(alice_client, events_url(), updated_min=future.isoformat()) == []


def test_times_are_shown_in_the_zone_the_client_asks_for(alice_client: Client) -> None:
    event = alice_client.get(events_url(), {"time_zone": "Asia/Tokyo"}).json()["results"][0]
    shown = event["start"].get("dateTime")
    if shown:
        assert shown.endswith("+09:00")
    stored = Event.objects.get(google_id=event["id"]).data["start"]
    assert stored.get("timeZone") == event["start"].get("timeZone")


def test_a_created_event_is_at_google_and_in_the_store(alice_client: Client, gcal: Any) -> None:
    response = send(alice_client, "POST", events_url(), MEETING)
    assert response.status_code == 201, response.content
    created = response.json()
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert at_google["summary"] == "Planning"
    assert at_google["reminders"] == MEETING["reminders"]
    assert at_google["attendees"][0]["email"] == "bob@example.com"
    assert Event.objects.get(google_id=created["id"]).etag == at_google["etag"]
    assert alice_client.get(events_url(event_id=created["id"])).json()["etag"] == at_google["etag"]


def test_a_retried_create_with_the_same_id_is_one_event(alice_client: Client, gcal: Any) -> None:
    body = {**MEETING, "id": "planning2027q1"}
    first = send(alice_client, "POST", events_url(), body)
    again = send(alice_client, "POST", events_url(), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] == "planning2027q1"
    assert [e["id"] for e in google_list(gcal, q="Planning")] == ["planning2027q1"]


def test_a_create_without_id_gets_one_chosen_by_us(alice_client: Client) -> None:
    created = send(alice_client, "POST", events_url(), MEETING).json()
    assert len(created["id"]) == 32 and set(created["id"]) <= set("0123456789abcdef")


def test_a_create_whose_answer_timed_out_is_retried_without_a_duplicate(
    alice_client: Client, gcal: Any, google: Any, calendar_settings: Any
) -> None:
    from tests.calendar_api.conftest import fault

    calendar_settings.HTTP_TIMEOUT = 1
    fault(google, "calendar.events.insert", delay_ms=1500, times=1)  # Google is slow to answer
    response = send(alice_client, "POST", events_url(), MEETING)
    assert response.status_code in (200, 201), response.content
    time.sleep(1.5)  # the slow first insert reaches Google too (bounded wait)
    assert len(google_list(gcal, q="Planning")) == 1


def test_moving_an_event_with_patch_changes_it_at_google(alice_client: Client, gcal: Any) -> None:
    created = send(alice_client, "POST", events_url(), MEETING).json()
    move = {
        "start": {"dateTime": "2027-02-11T15:00:00Z"},
        "end": {"dateTime": "2027-02-11T16:00:00Z"},
    }
    response = send(alice_client, "PATCH", events_url(event_id=created["id"]), move)
    assert response.status_code == 200, response.content
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert instant(at_google["start"]) == dt.datetime(2027, 2, 11, 15, tzinfo=dt.UTC)
    assert at_google["summary"] == "Planning"  # PATCH keeps what it does not name
    row = Event.objects.get(google_id=created["id"])
    assert (row.start, row.etag) == (dt.datetime(2027, 2, 11, 15, tzinfo=dt.UTC), at_google["etag"])


def test_put_replaces_the_whole_event(alice_client: Client, gcal: Any) -> None:
    created = send(alice_client, "POST", events_url(), MEETING).json()
    body = {"summary": "Replaced", "start": MEETING["start"], "end": MEETING["end"]}
    response = send(alice_client, "PUT", events_url(event_id=created["id"]), body)
    assert response.status_code == 200, response.content
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert at_google["summary"] == "Replaced"
    assert "location" not in at_google
    assert Event.objects.get(google_id=created["id"]).summary == "Replaced"


def test_a_deleted_event_is_cancelled_at_google_and_in_the_store(
    alice_client: Client, gcal: Any
) -> None:
    created = send(alice_client, "POST", events_url(), MEETING).json()
    response = alice_client.delete(events_url(event_id=created["id"]) + "?send_updates=none")
    assert response.status_code == 204
    assert (
        gcal.events().get(calendarId="primary", eventId=created["id"]).execute()["status"]
        == "cancelled"
    )
    assert Event.objects.get(google_id=created["id"]).status == "cancelled"
    assert created["id"] not in {e["id"] for e in every_page(alice_client, events_url())}


def test_a_change_at_google_meanwhile_makes_the_write_answer_412(
    alice_client: Client, gcal: Any
) -> None:
    created = send(alice_client, "POST", events_url(), MEETING).json()
    gcal.events().patch(
        calendarId="primary", eventId=created["id"], body={"summary": "Theirs"}
    ).execute()
    url = events_url(event_id=created["id"])
    response = send(alice_client, "PATCH", url, {"summary": "Mine"})
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    # The 412 stored Google's version: a delete based on the client's copy is stale too.
    assert alice_client.delete(url, HTTP_IF_MATCH=created["etag"]).status_code == 412
    assert (
        gcal.events().get(calendarId="primary", eventId=created["id"]).execute()["summary"]
        == "Theirs"
    )


def test_googles_rate_limit_reaches_the_client_as_429_with_retry_after(
    alice_client: Client, google: Any
) -> None:
    fault(google, "calendar.events.insert", status=429, reason="rateLimitExceeded", times=10)
    response = send(alice_client, "POST", events_url(), MEETING)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "google_rate_limited"
    assert int(response["Retry-After"]) > 0


def test_google_being_down_answers_503_and_stores_nothing(
    alice_client: Client, google: Any
) -> None:
    fault(google, "calendar.events.insert", status=503, times=10)
    before = Event.objects.count()
    response = send(alice_client, "POST", events_url(), MEETING)
    assert response.status_code == 503
    assert Event.objects.count() == before


def test_an_unknown_event_is_404(alice_client: Client) -> None:
    response = alice_client.get(events_url(event_id="nosuchevent1"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
