"""Analytics over a year of a 20,000-event calendar (plus 100 weekly series with exceptions).

  window      reading the year's counted instances from the store (series expanded)
  figures     computing the report from them (unions, days, focus blocks, collaborators)
  compute     both: what GET /rest/v1/analytics/ does for a year (the target: under 200 ms)
  request     the whole GET through Django

Best of a few runs; CPU time beside wall time (a shared machine disturbs CPU time least).
Run: `python bench/bench_analytics.py` (no emulator: reads never call Google).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _big_calendar

RUNS = 5


def best_ms(work: Callable[[], object], runs: int = RUNS) -> str:
    timings = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        timings.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    wall_ms, cpu_ms = min(timings)
    return f"{wall_ms:8.1f} ms  (CPU {cpu_ms:8.1f} ms)"


def main() -> None:
    _big_calendar.setup_django()
    from zoneinfo import ZoneInfo

    from django.test import Client

    from calendar_api.analytics import services as analytics
    from calendar_api.kits.recurrence import Window
    from calendar_api.operations.startup import heap_freeze

    user, calendar = _big_calendar.fill()
    heap_freeze()  # as a server process does once it has started
    low = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    window = Window(low, low + dt.timedelta(days=365))
    tz, work = ZoneInfo("Europe/London"), analytics.WorkingHours()
    busy = analytics.busy_in(calendars=[calendar], window=window)
    client = Client()
    client.force_login(user)
    url = "/rest/v1/analytics/?time_min=2026-01-01T00:00:00Z&time_max=2027-01-01T00:00:00Z"
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]

    read = best_ms(lambda: analytics.busy_in(calendars=[calendar], window=window))
    figures = best_ms(
        lambda: analytics.analytics_report(busy=busy, window=window, tz=tz, work=work)
    )
    compute = best_ms(
        lambda: analytics.analytics_compute(calendars=[calendar], window=window, tz=tz, work=work)
    )
    request = best_ms(lambda: client.get(url))
    print(f"analytics of a year of a 20,000-event calendar: {len(busy)} counted instances")
    print(f"best of {RUNS} runs")
    print(f"  window (store read)       {read}")
    print(f"  figures                   {figures}")
    print(f"  compute (both)            {compute}")
    print(f"  whole GET                 {request}")
    print(f"  total_event_hours={answer.json()['total_event_hours']}")


if __name__ == "__main__":
    main()
