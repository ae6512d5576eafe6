"""Serializing a page of 250 events: is the page dominated by the query, not the serializer?

Fills a throw-away SQLite database with 2,000 Google-shaped events, then times (median of many
runs) for one page of 250:

  query       the store query of the events list (keyset page, rows with their JSON)
  baseline    json.dumps of the 250 stored events as they are (the floor for any serializer)
  serializer  what the API adds: every dateTime shown in the asked zone, rendered by DRF's
              JSONRenderer
  request     the whole GET /rest/v1/calendars/primary/events/?page_size=250 through Django

Run: `python bench/bench_serialization.py` (no emulator needed: reads never call Google).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGE = 250
EVENTS = 2000
RUNS = 60


def setup_django() -> None:
    from _setup import scratch

    folder = scratch("bench-serialization-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    os.environ["API_THROTTLE_USER"] = "1000000/min"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def google_event(index: int, start: dt.datetime) -> dict[str, Any]:
    """An event shaped like Google's, with attendees and reminders (a realistic size)."""
    end = start + dt.timedelta(hours=1)
    return {
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
        "creator": {"email": "alice@example.com", "self": True},
        "organizer": {"email": "alice@example.com", "self": True},
        "start": {"dateTime": start.isoformat(), "timeZone": "Europe/London"},
        "end": {"dateTime": end.isoformat(), "timeZone": "Europe/London"},
        "iCalUID": f"bench{index}@google.com",
        "sequence": 0,
        "attendees": [
            {"email": f"guest{n}@example.com", "responseStatus": "needsAction"} for n in range(4)
        ],
        "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10}]},
        "eventType": "default",
    }


def fill() -> Any:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from calendar_api.models import Calendar, GoogleAccount
    from calendar_api.services.event_rows import events_store

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
    first = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    items = [google_event(n, first + dt.timedelta(hours=5 * n)) for n in range(EVENTS)]
    events_store(calendar=calendar, items=items)
    return user, calendar


def median_ms(work: Callable[[], object]) -> float:
    work()  # warm up
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    setup_django()
    from zoneinfo import ZoneInfo

    from django.test import Client
    from rest_framework.renderers import JSONRenderer

    from calendar_api.kits.event_shape import events_in_zone
    from calendar_api.reads.events import events_list
    from calendar_api.reads.expanded import EventQuery

    user, calendar = fill()
    tz = ZoneInfo("America/New_York")
    items = events_list(calendar=calendar, query=EventQuery(), size=PAGE, cursor=None).items
    assert len(items) == PAGE
    client = Client()
    client.force_login(user)
    url = f"/rest/v1/calendars/primary/events/?page_size={PAGE}&time_zone=America/New_York"
    assert client.get(url).status_code == 200

    query = median_ms(
        lambda: events_list(calendar=calendar, query=EventQuery(), size=PAGE, cursor=None)
    )
    baseline = median_ms(lambda: json.dumps(items))
    serializer = median_ms(lambda: JSONRenderer().render({"results": events_in_zone(items, tz)}))
    request = median_ms(lambda: client.get(url))
    print(f"page of {PAGE} events out of {EVENTS}, median of {RUNS} runs")
    print(f"  query (store, keyset page)      {query:8.2f} ms")
    print(f"  baseline json.dumps             {baseline:8.2f} ms")
    print(
        f"  serializer (zone + JSONRenderer){serializer:8.2f} ms  = {serializer / baseline:.2f} x baseline"
    )
    print(f"  whole GET request               {request:8.2f} ms")
    print(f"  serializer / query              {serializer / query:8.2f}")


if __name__ == "__main__":
    main()
