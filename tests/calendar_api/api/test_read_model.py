"""The read model: windows of instances answered from stored rows equal Google's
`singleEvents=true` lists and its freeBusy, before and after edits, in both instance-id modes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Instance
from calendar_api.reads import window as read_model
from calendar_api.services import instances
from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.api.test_api_events import every_page, instant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instance_id_mode")]
SERIES = "teammeet0001"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
WINDOWS = {
    "week": (NOW, NOW + dt.timedelta(days=7)),
    "month": (NOW - dt.timedelta(days=10), NOW + dt.timedelta(days=21)),
    "past month": (NOW - dt.timedelta(days=75), NOW - dt.timedelta(days=44)),
    "beyond the horizon": (NOW + dt.timedelta(days=900), NOW + dt.timedelta(days=931)),
}
ENDLESS = [
    ("RRULE:FREQ=DAILY", "Europe/London", 9),
    ("RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR", "America/New_York", 14),
]


def shape(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Ids aside: our instance ids are ours, Google's may be opaque."""
    found = [
        (instant(e["start"]), instant(e["end"]), e.get("summary"), e.get("recurringEventId"))
        for e in items
    ]
    return sorted(found, key=repr)


def ours(client: Client, low: dt.datetime, high: dt.datetime) -> list[tuple[Any, ...]]:
    span = {"time_min": low.isoformat(), "time_max": high.isoformat()}
    return shape(every_page(client, events_url(), single_events="true", page_size=250, **span))


def googles(gcal: Any, low: dt.datetime, high: dt.datetime) -> list[tuple[Any, ...]]:
    found = gcal.events().list(
        calendarId="primary",
        singleEvents=True,
        orderBy="startTime",
        timeMin=low.isoformat(),
        timeMax=high.isoformat(),
        maxResults=2500,
    )
    return shape(found.execute()["items"])


def assert_windows_equal_googles(client: Client, gcal: Any) -> None:
    for name, (low, high) in WINDOWS.items():
        assert ours(client, low, high) == googles(gcal, low, high), name


def busy(answer: dict[str, Any], key: str) -> list[tuple[Any, Any]]:
    spans = answer["calendars"][key]["busy"]
    return [(instant({"dateTime": s["start"]}), instant({"dateTime": s["end"]})) for s in spans]


def assert_free_busy_equals_googles(client: Client, gcal: Any) -> None:
    for name, (low, high) in WINDOWS.items():
        params = {"time_min": low.isoformat(), "time_max": high.isoformat(), "calendar": "primary"}
        answer = client.get(f"{API}/freebusy/", params)
        assert answer.status_code == 200, answer.content
        body = {"timeMin": low.isoformat(), "timeMax": high.isoformat()}
        truth = gcal.freebusy().query(body={**body, "items": [{"id": "alice@example.com"}]})
        assert busy(answer.json(), "primary") == busy(truth.execute(), "alice@example.com"), name


def add_endless_series(client: Client) -> None:
    for index, (rule, zone, hour) in enumerate(ENDLESS):
        local = (NOW - dt.timedelta(days=40)).astimezone(dt.UTC).replace(hour=hour, minute=0)
        body = {
            "summary": f"Endless {index}",
            "start": {"dateTime": local.isoformat(), "timeZone": zone},
            "end": {"dateTime": (local + dt.timedelta(minutes=45)).isoformat(), "timeZone": zone},
            "recurrence": [rule],
        }
        assert send(client, "POST", events_url(), body).status_code == 201


def nth_instance(client: Client, n: int, series: str = SERIES) -> dict[str, Any]:
    low, high = NOW - dt.timedelta(days=70), NOW + dt.timedelta(days=130)
    span = {"time_min": low.isoformat(), "time_max": high.isoformat()}
    return dict(every_page(client, events_url(event_id=series, suffix="instances/"), **span)[n])


def test_the_store_holds_instance_rows_over_the_horizon(alice_client: Client, primary: Any) -> None:
    calendar = Calendar.objects.get(pk=primary.pk)
    assert calendar.instances_from is not None and calendar.instances_until is not None
    assert calendar.instances_until - calendar.instances_from > dt.timedelta(days=1000)
    assert Instance.objects.filter(calendar=calendar, series_id=SERIES).count() > 10
    week = Window(*WINDOWS["week"])
    assert read_model.instances_page(calendar=calendar, window=week, size=10, cursor=None)
    beyond = Window(*WINDOWS["beyond the horizon"])
    assert read_model.instances_page(calendar=calendar, window=beyond, size=10, cursor=None) is None


def test_windows_equal_googles_single_events_lists(alice_client: Client, gcal: Any) -> None:
    add_endless_series(alice_client)
    assert len(ours(alice_client, *WINDOWS["week"])) > 7
    assert_windows_equal_googles(alice_client, gcal)
    assert_free_busy_equals_googles(alice_client, gcal)


def test_windows_stay_equal_after_an_instance_is_changed(alice_client: Client, gcal: Any) -> None:
    instance = nth_instance(alice_client, 10)
    moved = {
        "summary": "Moved once",
        "start": {"dateTime": (instant(instance["start"]) + dt.timedelta(hours=3)).isoformat()},
        "end": {"dateTime": (instant(instance["end"]) + dt.timedelta(hours=3)).isoformat()},
    }
    response = send(alice_client, "PATCH", events_url(event_id=instance["id"]), moved)
    assert response.status_code == 200, response.content
    assert response.json()["id"] == instance["id"]  # our id stays the instance's id
    assert_windows_equal_googles(alice_client, gcal)
    assert_free_busy_equals_googles(alice_client, gcal)
    again = alice_client.get(events_url(event_id=instance["id"]))
    assert again.status_code == 200 and again.json()["summary"] == "Moved once"


def test_windows_stay_equal_after_an_instance_is_cancelled(alice_client: Client, gcal: Any) -> None:
    instance = nth_instance(alice_client, 11)
    assert alice_client.delete(events_url(event_id=instance["id"])).status_code == 204
    assert_windows_equal_googles(alice_client, gcal)
    assert_free_busy_equals_googles(alice_client, gcal)


def test_windows_stay_equal_after_the_whole_series_changes(alice_client: Client, gcal: Any) -> None:
    change = {"summary": "Team sync", "transparency": "opaque"}
    response = send(alice_client, "PATCH", events_url(event_id=SERIES), change)
    assert response.status_code == 200, response.content
    assert_windows_equal_googles(alice_client, gcal)
    assert_free_busy_equals_googles(alice_client, gcal)


def test_windows_stay_equal_after_this_and_following(alice_client: Client, gcal: Any) -> None:
    instance = nth_instance(alice_client, 12)
    url = events_url(event_id=instance["id"]) + "?scope=following"
    response = send(alice_client, "PATCH", url, {"summary": "Team meeting v2"})
    assert response.status_code == 200, response.content
    assert_windows_equal_googles(alice_client, gcal)
    assert_free_busy_equals_googles(alice_client, gcal)


def test_windows_stay_equal_after_a_sync_of_changes_made_at_google(
    alice_client: Client, gcal: Any, primary: Any
) -> None:
    from calendar_api.services.sync import calendar_sync

    google_items = gcal.events().instances(calendarId="primary", eventId=SERIES).execute()
    third = google_items["items"][13]
    gcal.events().patch(
        calendarId="primary", eventId=third["id"], body={"summary": "Changed at Google"}
    ).execute()
    gcal.events().delete(calendarId="primary", eventId=google_items["items"][14]["id"]).execute()
    assert calendar_sync(calendar=primary).mode == "incremental"
    assert_windows_equal_googles(alice_client, gcal)
    assert_free_busy_equals_googles(alice_client, gcal)


def test_the_horizon_moves_on(alice_client: Client, gcal: Any, primary: Any) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=800)
    assert list(instances.extensions_due(now=later)) == [primary]
    calendar = Calendar.objects.get(pk=primary.pk)
    instances.instances_rebuild(calendar=calendar, now=later)
    calendar.refresh_from_db()
    assert calendar.instances_until is not None and calendar.instances_until > later
    assert not list(instances.extensions_due(now=later))
    assert_windows_equal_googles(alice_client, gcal)
