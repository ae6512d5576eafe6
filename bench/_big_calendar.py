"""A 20,000-event calendar for the feed and analytics benchmarks, stored without Google (reads
never call Google): a year of single meetings with guests (some declined, some rooms, some
all-day, some free), plus weekly series with moved and cancelled instances."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVENTS = 20_000
SERIES = 100  # weekly, a year each: about 5,200 instances more
FIRST = dt.datetime(2026, 1, 5, 7, tzinfo=dt.UTC)


def setup_django() -> None:
    from _setup import scratch

    folder = scratch("bench-big-calendar-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    os.environ["API_THROTTLE_USER"] = "1000000/min"
    os.environ["API_THROTTLE_ANON"] = "1000000/min"
    os.environ["DEBUG"] = "false"  # with DEBUG on, Django keeps every query in memory
    os.environ["LOG_LEVEL"] = "WARNING"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _guests(index: int) -> list[dict[str, Any]]:
    people = [{"email": "bench@example.com", "self": True, "responseStatus": "accepted"}]
    for n in range(index % 8):
        status = "declined" if (index + n) % 11 == 0 else "accepted"
        people.append({"email": f"guest{(index + n) % 40}@example.com", "responseStatus": status})
    if index % 13 == 0:
        people.append({"email": "room4@resource.example.com", "resource": True})
    return people


def single(index: int, start: dt.datetime) -> dict[str, Any]:
    """A Google-shaped event of realistic size; every 50th is all-day, every 17th free."""
    minutes = 30 + 30 * (index % 4)
    event: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": f'"{3180000000000000 + index}"',
        "id": f"bench{index:08d}",
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid=bench{index}",
        "created": "2026-01-01T10:00:00.000Z",
        "updated": "2026-01-02T10:00:00.000Z",
        "summary": f"Meeting number {index}",
        "description": "Agenda: numbers, plans and a short review of last week. " * 3,
        "location": "Room 4, Main Street 1",
        "organizer": {"email": "bench@example.com", "self": True},
        "start": {"dateTime": start.isoformat(), "timeZone": "Europe/London"},
        "end": {
            "dateTime": (start + dt.timedelta(minutes=minutes)).isoformat(),
            "timeZone": "Europe/London",
        },
        "iCalUID": f"bench{index}@google.com",
        "sequence": 0,
        "attendees": _guests(index),
        "reminders": {"useDefault": True},
    }
    if index % 17 == 0:
        event["transparency"] = "transparent"
    if index % 50 == 0:
        day = start.date()
        event["start"] = {"date": day.isoformat()}
        event["end"] = {"date": (day + dt.timedelta(days=1)).isoformat()}
    return event


def series(index: int) -> list[dict[str, Any]]:
    """A weekly series for a year, with one moved and one cancelled instance."""
    start = dt.datetime(2026, 1, 5, 9 + index % 8, tzinfo=dt.UTC) + dt.timedelta(days=index % 5)
    master = single(EVENTS + index, start)
    master.update(id=f"series{index:05d}", iCalUID=f"series{index}@google.com")
    master.update(recurrence=["RRULE:FREQ=WEEKLY;COUNT=52"], summary=f"Weekly {index}")
    master["start"] = {"dateTime": start.isoformat(), "timeZone": "Europe/London"}
    master["end"] = {
        "dateTime": (start + dt.timedelta(hours=1)).isoformat(),
        "timeZone": "Europe/London",
    }
    moved_at = start + dt.timedelta(weeks=10)
    moved = {
        **master,
        "id": f"series{index:05d}_{moved_at:%Y%m%dT%H%M%SZ}",
        "recurringEventId": master["id"],
        "originalStartTime": {"dateTime": moved_at.isoformat(), "timeZone": "Europe/London"},
        "start": {"dateTime": (moved_at + dt.timedelta(hours=2)).isoformat()},
        "end": {"dateTime": (moved_at + dt.timedelta(hours=3)).isoformat()},
    }
    moved.pop("recurrence")
    gone_at = start + dt.timedelta(weeks=20)
    cancelled = {
        "id": f"series{index:05d}_{gone_at:%Y%m%dT%H%M%SZ}",
        "status": "cancelled",
        "recurringEventId": master["id"],
        "originalStartTime": {"dateTime": gone_at.isoformat(), "timeZone": "Europe/London"},
    }
    return [master, moved, cancelled]


def fill() -> tuple[Any, Any]:
    """A user with one synced calendar holding the 20,000 events and the series."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from calendar_api.models import Calendar, GoogleAccount
    from calendar_api.services.event_rows import events_store
    from calendar_api.services.instances import instances_reset

    user = get_user_model().objects.create(username="bench@example.com")
    account = GoogleAccount.objects.create(user=user, sub="bench", email="bench@example.com")
    calendar = Calendar.objects.create(
        account=account,
        google_id="bench@example.com",
        time_zone="Europe/London",
        primary=True,
        sync_enabled=True,
        last_synced_at=timezone.now(),
    )
    instances_reset(calendar=calendar)  # the read model's horizon, as a first sync starts it
    # 20,000 events in a year: about 55 a day, packed into the day (overlaps included).
    step = dt.timedelta(days=365) / EVENTS
    items = [single(n, FIRST + n * step) for n in range(EVENTS)]
    for n in range(SERIES):
        items += series(n)
    events_store(calendar=calendar, items=items)
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum gathers them within a minute of a bulk load:
        # without them it guesses one row per calendar and joins the events row by row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE calendar_api_instance, calendar_api_event")
    return user, calendar
