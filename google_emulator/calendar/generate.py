"""Large calendars for benchmarks: `count` deterministic events spread over two years."""

from __future__ import annotations

import datetime as dt
import random

from google_emulator.calendar import seed, times
from google_emulator.state.calendar import Calendar, CalendarStore, Event

SUMMARIES = ("Meeting", "Call", "Review", "Workshop", "Lunch", "Focus time", "Interview", "Demo")
OTHER_ZONES = ("America/New_York", "Asia/Tokyo")


def _event(rng: random.Random, index: int, prefix: str, today: dt.date, tz: str) -> Event:
    day = today + dt.timedelta(days=rng.randint(-365, 365))
    event: Event = {
        "id": f"{prefix}{index:06d}",
        "summary": f"{SUMMARIES[index % len(SUMMARIES)]} #{index}",
    }
    if index % 20 == 0:
        return {**event, **seed.all_day(day, 1 + index % 3)}
    zone = tz if index % 3 else OTHER_ZONES[index % 2]
    event.update(
        seed.at(day, rng.randint(7, 18), rng.choice((0, 15, 30, 45)), zone, 0.5 + index % 4 * 0.5)
    )
    if index % 100 == 1:
        event["recurrence"] = ["RRULE:FREQ=WEEKLY;COUNT=10"]
    if index % 10 == 5:
        event["location"] = f"Room {index % 17}"
    return event


def generate(store: CalendarStore, calendar: Calendar, count: int, seed_value: int = 0) -> int:
    """Add `count` events to `calendar`; returns how many were added."""
    rng = random.Random(seed_value)
    prefix = f"gen{store.seq:x}n"
    today = dt.datetime.now(dt.UTC).date()
    stamp = times.now_ms()
    for index in range(count):
        seed.put(store, calendar, _event(rng, index, prefix, today, calendar.time_zone), stamp)
    return count
