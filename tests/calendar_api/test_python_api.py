"""The Python API (calendar_api.api) against the emulator: reads equal the REST API's answers
for the same window, writes land at Google (read back with the official client) with the
REST API's checks, and another user's calendars are out of reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from rest_framework.exceptions import ValidationError

from calendar_api import api
from calendar_api.google.errors import PreconditionFailed
from calendar_api.models import Calendar
from calendar_api.reads.events import CalendarNotSynced
from tests.calendar_api.api.conftest import events_url
from tests.calendar_api.conftest import INIT, back_from_google

pytestmark = pytest.mark.django_db
MEETING = {
    "summary": "Planning",
    "location": "Room 4",
    "start": {"dateTime": "2027-02-10T10:00:00+00:00", "timeZone": "Europe/London"},
    "end": {"dateTime": "2027-02-10T11:00:00+00:00", "timeZone": "Europe/London"},
}


def this_week() -> tuple[dt.datetime, dt.datetime]:
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=7)


def rest_week(client: Client, low: dt.datetime, high: dt.datetime, **params: Any) -> list[Any]:
    window = {"time_min": low.isoformat(), "time_max": high.isoformat(), "page_size": 2500}
    response = client.get(events_url(), {"single_events": "true", **window, **params})
    assert response.status_code == 200, response.content
    assert response.json()["next"] is None
    return list(response.json()["results"])


def test_a_week_through_events_between_equals_the_rest_apis_list(
    alice: Any, visitor: Client
) -> None:
    low, high = this_week()
    listed = rest_week(visitor, low, high)
    assert listed, "the emulator's seed has events this week"
    assert api.events_between(alice.user, low, high) == listed
    assert api.events_between(alice.user, low, high, calendars=["primary"]) == listed


def test_events_between_shows_the_times_in_the_zone_asked_for(alice: Any, visitor: Client) -> None:
    low, high = this_week()
    listed = rest_week(visitor, low, high, time_zone="Asia/Tokyo")
    shown = api.events_between(alice.user, low, high, time_zone="Asia/Tokyo")
    assert shown == listed
    assert any("+09:00" in str(e["start"].get("dateTime", "")) for e in shown)


def test_a_window_the_rest_api_refuses_is_refused(alice: Any) -> None:
    low, high = this_week()
    with pytest.raises(ValidationError) as refused:
        api.events_between(alice.user, high, low)
    assert "time_max" in refused.value.detail
    with pytest.raises(ValidationError):
        api.events_between(alice.user, low.replace(tzinfo=None), high)
    with pytest.raises(ValidationError):
        api.events_between(alice.user, low, high, time_zone="Mars/Olympus")


def test_free_busy_answers_as_the_rest_api(alice: Any, visitor: Client) -> None:
    low, high = this_week()
    window = {"time_min": low.isoformat(), "time_max": high.isoformat()}
    rest = visitor.get("/rest/v1/freebusy/", {**window, "calendar": "primary"}).json()
    assert api.free_busy(alice.user, low, high, calendars=["primary"]) == rest
    busy = api.free_busy(alice.user, low, high)["calendars"]
    assert busy == {"alice@example.com": rest["calendars"]["primary"]}


def test_create_update_and_delete_change_google(alice: Any, gcal: Any) -> None:
    created = api.event_create(alice.user, "primary", MEETING)
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert at_google["summary"] == "Planning" and at_google["etag"] == created["etag"]

    moved = {
        "start": {"dateTime": "2027-02-11T09:00:00Z"},
        "end": {"dateTime": "2027-02-11T10:00:00Z"},
    }
    updated = api.event_update(alice.user, "primary", created["id"], moved, etag=created["etag"])
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert at_google["start"]["dateTime"].startswith("2027-02-11T09:00:00")
    assert at_google["summary"] == "Planning"  # partial by default: a PATCH
    assert updated["etag"] == at_google["etag"]

    api.event_delete(alice.user, "primary", created["id"], etag=updated["etag"])
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert at_google["status"] == "cancelled"


def test_a_stale_etag_raises_the_precondition_error_and_google_keeps_its_event(
    alice: Any, gcal: Any
) -> None:
    created = api.event_create(alice.user, "primary", MEETING)
    api.event_update(alice.user, "primary", created["id"], {"summary": "Renamed"})
    with pytest.raises(PreconditionFailed):
        api.event_update(
            alice.user, "primary", created["id"], {"summary": "Mine"}, etag=created["etag"]
        )
    with pytest.raises(PreconditionFailed):
        api.event_delete(alice.user, "primary", created["id"], etag=created["etag"])
    at_google = gcal.events().get(calendarId="primary", eventId=created["id"]).execute()
    assert at_google["summary"] == "Renamed" and at_google["status"] == "confirmed"


def test_a_change_made_at_google_since_the_last_sync_raises_the_precondition_error(
    alice: Any, gcal: Any
) -> None:
    created = api.event_create(alice.user, "primary", MEETING)
    gcal.events().patch(
        calendarId="primary", eventId=created["id"], body={"summary": "Theirs"}
    ).execute()
    with pytest.raises(PreconditionFailed):
        api.event_update(alice.user, "primary", created["id"], {"summary": "Mine"})
    # Google's version is stored before the error goes on: a read now shows it.
    low = dt.datetime(2027, 2, 10, tzinfo=dt.UTC)
    found = api.events_between(alice.user, low, low + dt.timedelta(days=1))
    [event] = [e for e in found if e["id"] == created["id"]]  # the demo's may share the day
    assert event["summary"] == "Theirs"


def test_a_body_is_validated_as_the_rest_api_validates_it(alice: Any, gcal: Any) -> None:
    backwards = {**MEETING, "end": {"dateTime": "2027-02-10T09:00:00+00:00"}}
    with pytest.raises(ValidationError):
        api.event_create(alice.user, "primary", backwards)
    with pytest.raises(ValidationError) as refused:
        api.event_create(alice.user, "primary", {**MEETING, "colour": "red"})
    assert "colour" in str(refused.value.detail)
    with pytest.raises(ValidationError):
        api.event_create(alice.user, "primary", MEETING, send_updates="everyone")
    summaries = [
        e.get("summary") for e in gcal.events().list(calendarId="primary").execute()["items"]
    ]
    assert "Planning" not in summaries


def connect_bob() -> None:
    """bob connects in a browser of his own (a signed-in browser would link his account to
    its user)."""
    browser = Client(HTTP_HOST="127.0.0.1:8000")
    init = browser.get(INIT, {"login_hint": "bob@example.com"})
    assert back_from_google(browser, init["Location"]).status_code == 200


def test_another_users_calendar_is_refused(alice: Any, gcal: Any) -> None:
    connect_bob()
    bobs = "bob@example.com"
    low, high = this_week()
    with pytest.raises(Http404):
        api.events_between(alice.user, low, high, calendars=[bobs])
    with pytest.raises(Http404):
        api.free_busy(alice.user, low, high, calendars=[bobs])
    with pytest.raises(Http404):
        api.event_create(alice.user, bobs, MEETING)
    with pytest.raises(Http404):
        api.sync_now(alice.user, calendar_id=bobs)
    bob = Calendar.objects.get(google_id=bobs).account.user
    assert bob != alice.user
    event = api.event_create(bob, "primary", MEETING)
    with pytest.raises(Http404):
        api.event_update(alice.user, bobs, event["id"], {"summary": "Hijacked"})
    with pytest.raises(Http404):
        api.event_delete(alice.user, bobs, event["id"])
    assert event["id"] not in {e["id"] for e in api.events_between(alice.user, low, high)}


def test_a_calendar_that_is_not_synced_is_refused(alice: Any) -> None:
    Calendar.objects.filter(account=alice).update(sync_enabled=False)
    low, high = this_week()
    with pytest.raises(CalendarNotSynced):
        api.events_between(alice.user, low, high, calendars=["primary"])
    with pytest.raises(CalendarNotSynced):
        api.event_create(alice.user, "primary", MEETING)
    with pytest.raises(CalendarNotSynced):
        api.sync_now(alice.user, calendar_id="primary")
    assert api.events_between(alice.user, low, high) == []


def test_sync_now_queues_a_sync_of_the_users_calendars(
    alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary = alice.calendars.get(primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.sync_now(alice.user, calendar_id="primary") == [primary.pk]
    primary.refresh_from_db()
    assert primary.sync_queued
    synced = list(alice.calendars.filter(sync_enabled=True).values_list("pk", flat=True))
    assert sorted(api.sync_now(alice.user)) == sorted(synced)


def test_connect_url_starts_the_oauth_flow(google: Any, visitor: Client) -> None:
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    url = api.connect_url(request, next_url="/week/", login_hint="alice@example.com")
    assert url.startswith("http://127.0.0.1:8000/rest/v1/calendar/init/?")
    assert "next=%2Fweek%2F" in url and "login_hint=alice%40example.com" in url
    started = visitor.get(url.removeprefix("http://127.0.0.1:8000"))
    assert started.status_code == 302 and started["Location"].startswith(google.base_url)
    assert api.connect_url(request) == "http://127.0.0.1:8000/rest/v1/calendar/init/"
