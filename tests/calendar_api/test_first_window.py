"""The first window (services/first_window.py): after connecting from the web page, the weeks
the person is about to see are in the store before the full sync runs, served while it runs,
and the finished store is what a plain full sync makes: no duplicate, nothing missing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from calendar_api.models import Calendar, Event, Instance
from calendar_api.reads.window import instances_in_window
from calendar_api.services import first_window
from calendar_api.services.sync import calendar_sync
from tests.calendar_api.conftest import fault, primary, stored, truth

# Transactional: the window is stored once the connect commits (on_commit), and a full sync
# runs on a thread of its own while the week is read.
pytestmark = pytest.mark.django_db(transaction=True)
Shown = set[tuple[str, dt.datetime]]


def _today() -> dt.datetime:
    now = timezone.now().astimezone(dt.UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _at(day: dt.datetime, days: int, hour: int) -> dict[str, str]:
    return {"dateTime": (day + dt.timedelta(days=days, hours=hour)).isoformat(), "timeZone": "UTC"}


def _event(summary: str, days: int, hour: int = 10, **more: Any) -> dict[str, Any]:
    today = _today()
    return {
        "summary": summary,
        "start": _at(today, days, hour),
        "end": _at(today, days, hour + 1),
        **more,
    }


@pytest.fixture(autouse=True)
def _window_threads_end() -> Any:
    """The window's fetch threads outlive the connect that started them (a failed week ends the
    connect's wait, not the other weeks' calls): each test waits for them, so none is left
    holding a database connection when the test database is dropped."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("first-window"):
            thread.join(timeout=30)


@pytest.fixture
def shaped(gcal: Any) -> Any:
    """alice's calendar at Google with, beside the seed: a single event in the window and one
    after it, a weekly series begun ten weeks ago with one instance in the window moved (within
    it) and one cancelled, and a series wholly after the window."""
    events = gcal.events()
    events.insert(calendarId="primary", body=_event("window single", 1)).execute()
    events.insert(calendarId="primary", body=_event("far single", 40)).execute()
    weekly = ["RRULE:FREQ=WEEKLY"]
    series = _event("standup", -70, 9, recurrence=weekly)
    master = events.insert(calendarId="primary", body=series).execute()
    later = _event("later series", 50, 9, recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"])
    events.insert(calendarId="primary", body=later).execute()
    low, high = _today() - dt.timedelta(days=7), _today() + dt.timedelta(days=8)
    found = events.instances(
        calendarId="primary",
        eventId=master["id"],
        timeMin=low.isoformat(),
        timeMax=high.isoformat(),
    ).execute()["items"]
    assert len(found) >= 2
    moved = dict(found[0])
    start = dt.datetime.fromisoformat(moved["start"]["dateTime"]) + dt.timedelta(hours=2)
    moved["start"] = {"dateTime": start.isoformat(), "timeZone": "UTC"}
    moved["end"] = {"dateTime": (start + dt.timedelta(hours=1)).isoformat(), "timeZone": "UTC"}
    moved["summary"] = "standup, moved"
    events.update(calendarId="primary", eventId=moved["id"], body=moved).execute()
    events.delete(calendarId="primary", eventId=found[1]["id"]).execute()
    return gcal


def _week() -> tuple[dt.datetime, dt.datetime]:
    """The first window: a week back and FIRST_WINDOW_DAYS (7) ahead."""
    span = first_window.first_window()
    assert span.low is not None and span.high is not None
    return span.low, span.high


def _at_google(gcal: Any) -> Shown:
    """The week as Google's singleEvents list shows it: (summary, start) of each item."""
    low, high = _week()
    request = gcal.events().list(
        calendarId="primary",
        singleEvents=True,
        timeMin=low.isoformat(),
        timeMax=high.isoformat(),
        maxResults=2500,
    )
    zone = ZoneInfo(gcal.calendarList().get(calendarId="primary").execute()["timeZone"])
    found: Shown = set()
    for item in request.execute()["items"]:
        if "dateTime" in item["start"]:
            when = dt.datetime.fromisoformat(item["start"]["dateTime"])
        else:  # an all-day event starts at midnight in the calendar's zone
            when = dt.datetime.combine(
                dt.date.fromisoformat(item["start"]["date"]), dt.time(), zone
            )
        found.add((item.get("summary", ""), when.astimezone(dt.UTC)))
    return found


def _served(calendar: Calendar) -> Shown:
    """The week as the store serves it (the page's and the API's window reads)."""
    calendar = Calendar.objects.get(pk=calendar.pk)
    low, high = _week()
    items = instances_in_window(calendars=[calendar], time_min=low, time_max=high)
    return {(str(i.event.get("summary", "")), i.start) for i in items}


def _page_titles(visitor: Client) -> list[str]:
    low, high = _week()
    response = visitor.get("/web/events/", {"start": low.isoformat(), "end": high.isoformat()})
    assert response.status_code == 200
    return sorted(item["title"] for item in response.json())


def _instance_rows(calendar: Calendar) -> list[tuple[str, dt.datetime, dt.datetime]]:
    rows = Instance.objects.filter(calendar=calendar).values_list("key", "start", "end")
    return sorted(rows)


def test_the_first_week_is_in_the_store_before_the_full_sync_runs(
    shaped: Any, connect: Any, visitor: Client
) -> None:
    response = connect(next="/")
    assert response.status_code == 303
    calendar = Calendar.objects.get(primary=True)
    assert calendar.last_synced_at is None and not calendar.sync_token  # queued, not run
    expected = _at_google(shaped)
    assert ("window single", _today() + dt.timedelta(days=1, hours=10)) in expected
    assert {s for s, _ in expected} >= {"standup", "standup, moved"}
    assert _served(calendar) == expected
    assert _page_titles(visitor) == sorted(s for s, _ in expected)
    progress = visitor.get("/web/progress/").json()
    assert progress["windows"] == 1 and progress["done"] == 0
    assert progress["calendars"][0]["window"] is True
    # Only the window was asked for: nothing after it is stored.
    assert not calendar.events.filter(summary__in=["far single", "later series"]).exists()


def test_the_week_is_served_while_a_slow_full_sync_runs_and_the_end_equals_a_plain_full_sync(
    shaped: Any, connect: Any, visitor: Client, google: Any
) -> None:
    assert connect(next="/").status_code == 303
    calendar = Calendar.objects.get(primary=True)
    expected = _at_google(shaped)
    fault(google, "calendar.events.list", delay_ms=1500)  # the full sync's page comes late

    def full_sync() -> None:
        try:
            calendar_sync(calendar=calendar)
        finally:
            connection.close()  # this thread's: PostgreSQL will not drop a database in use

    syncing = threading.Thread(target=full_sync)
    syncing.start()
    reads = 0
    try:
        while syncing.is_alive():
            assert _served(calendar) == expected
            assert _page_titles(visitor) == sorted(s for s, _ in expected)
            reads += 1
            time.sleep(0.1)
    finally:
        syncing.join(timeout=30)
    assert reads >= 3  # the week was served again and again before the full sync ended
    calendar.refresh_from_db()
    assert calendar.last_synced_at is not None and calendar.sync_token
    assert visitor.get("/web/progress/").json()["windows"] == 0
    # The finished store: every event Google has, once, and the week as Google shows it.
    assert stored(calendar) == truth(shaped)
    assert Event.objects.filter(calendar=calendar).count() == len(truth(shaped))
    assert _served(calendar) == expected
    after_window = _instance_rows(calendar)
    assert len(after_window) == len({key for key, _, _ in after_window})
    # ... which is what a plain full sync of the same calendar makes.
    Calendar.objects.filter(pk=calendar.pk).update(sync_token="")
    calendar_sync(calendar=calendar)
    assert stored(calendar) == truth(shaped)
    assert _instance_rows(calendar) == after_window


def test_a_window_fetched_before_a_full_sync_that_finished_first_is_not_stored(
    shaped: Any, connect: Any
) -> None:
    assert connect().status_code == 200  # the bare flow: the full sync ran in the callback
    account = primary_account()
    calendar = primary(account)
    before = stored(calendar), _instance_rows(calendar)
    Calendar.objects.filter(pk=calendar.pk).update(last_synced_at=None)  # let the fetch start
    fetch = first_window.window_fetch_start(account=account, access_token=account.access_token)
    assert fetch is not None
    Calendar.objects.filter(pk=calendar.pk).update(last_synced_at=timezone.now())
    assert first_window.window_store(fetch=fetch, account_id=account.pk) == 0
    assert (stored(calendar), _instance_rows(calendar)) == before


def test_a_failed_window_fetch_leaves_the_connect_and_the_full_sync_to_do_it_all(
    shaped: Any, connect: Any, visitor: Client, google: Any
) -> None:
    fault(google, "calendar.events.list", status=404, reason="notFound", times=10)
    assert connect(next="/").status_code == 303
    calendar = Calendar.objects.get(primary=True)
    assert calendar.instances_until is None and not calendar.events.exists()
    assert visitor.get("/web/progress/").json()["windows"] == 0
    google.emulator.clear_faults()
    calendar_sync(calendar=calendar)
    assert stored(calendar) == truth(shaped)


def test_no_window_is_fetched_when_the_setting_is_zero(
    shaped: Any, connect: Any, calendar_settings: Any
) -> None:
    calendar_settings.FIRST_WINDOW_DAYS = 0
    assert connect(next="/").status_code == 303
    calendar = Calendar.objects.get(primary=True)
    assert calendar.instances_until is None and not calendar.events.exists()


def primary_account() -> Any:
    from calendar_api.models import GoogleAccount

    return GoogleAccount.objects.get(email="alice@example.com")
