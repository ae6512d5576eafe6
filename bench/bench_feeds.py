"""The ICS feed of a 20,000-event calendar (plus 100 weekly series with exceptions).

  read        the store query alone (every row with its JSON), for scale
  cold        the first render: every VEVENT built with icalendar and stored as a fragment
  one change  a render after one event changed (one VEVENT built again)
  request     the whole GET of the feed URL through Django (fragments stored)
  304         a GET with the ETag of the last answer (what a polite calendar client sends)

Best of a few runs. Run: `python bench/bench_feeds.py` (no emulator: reads never call Google).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _big_calendar

RUNS = 3


def best_ms(work: Callable[[], object], runs: int = RUNS) -> str:
    """Wall-clock and CPU milliseconds of the fastest run (CPU time is what a busy, shared
    machine disturbs least)."""
    timings = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        timings.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    wall_ms, cpu_ms = min(timings)
    return f"{wall_ms:8.1f} ms  (CPU {cpu_ms:8.1f} ms)"


def _touch_one(calendar: Any) -> None:
    from calendar_api.models import Event

    row = Event.objects.filter(calendar=calendar).order_by("?").first()
    assert row is not None
    Event.objects.filter(pk=row.pk).update(etag=f'"{time.perf_counter_ns()}"')


def main() -> None:
    _big_calendar.setup_django()
    from django.test import Client

    from calendar_api.feeds.services import feed_create, feed_render
    from calendar_api.models import Event

    user, calendar = _big_calendar.fill()
    rows = Event.objects.filter(calendar=calendar).count()
    feed, secret = feed_create(user=user, name="Bench", calendars=[calendar])
    path = urlsplit(f"http://x/rest/v1/feeds/ics/{secret}.ics").path
    client = Client()
    cold = best_ms(lambda: feed_render(feed=feed), runs=1)
    first = client.get(path)
    assert first.status_code == 200, first.content[:200]
    etag = first["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304

    read = best_ms(lambda: list(Event.objects.filter(calendar=calendar).values_list("data")))

    def change_and_render() -> None:
        _touch_one(calendar)
        feed_render(feed=feed)

    render = best_ms(change_and_render)
    request = best_ms(lambda: client.get(path))
    not_modified = best_ms(lambda: client.get(path, HTTP_IF_NONE_MATCH=etag))
    size = len(first.content) / 1e6
    print(f"ICS feed of {rows} stored events ({size:.1f} MB), best of {RUNS} runs")
    print(f"  read (store query)        {read}")
    print(f"  cold render (icalendar)   {cold}")
    print(f"  render after one change   {render}")
    print(f"  whole GET                 {request}")
    print(f"  GET answered 304          {not_modified}")


if __name__ == "__main__":
    main()
