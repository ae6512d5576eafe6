"""One recurrence case, as both expansions (the product's and the emulator's) are fed it: a Google
event (start, end and `recurrence` lines, as events.insert takes them), an explicit window, and
the original starts that someone else says the series has in that window.

Starts are compared in one form: an instant in UTC for a timed series, a date for an all-day
one. Only the first LIMIT starts of a window are compared (the product and the emulator expand
an endless series 730 instances from its start; a window is chosen far below that).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

UTC = dt.UTC
LIMIT = 100

Start = dt.datetime | dt.date


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    source: str  # where the expected starts come from
    event: dict[str, Any]  # start, end, recurrence: a Google event's own fields
    low: dt.datetime  # the window, in UTC, [low, high)
    high: dt.datetime
    expected: tuple[Start, ...]
    limit: int | None = LIMIT  # how many leading starts are compared (None: all in the window)


def normal(value: dt.date | dt.datetime) -> Start:
    """A start in the form the cases compare: UTC for a timed one (floating: read as UTC, the
    zone the corpus' floating series are given), the date for an all-day one."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def compared(case: Case, starts: list[Start] | tuple[Start, ...]) -> list[Start]:
    """The starts of `case`'s window that are compared: in order, from `low` (an all-day start:
    from its date), the first `case.limit` of them."""
    low = case.low
    kept = [s for s in starts if (s >= low if isinstance(s, dt.datetime) else s >= low.date())]
    return sorted(kept, key=_key)[: case.limit]


def _key(value: Start) -> tuple[dt.date, dt.datetime]:
    if isinstance(value, dt.datetime):
        return value.date(), value
    return value, dt.datetime.combine(value, dt.time(), UTC)


def shown(starts: list[Start] | tuple[Start, ...]) -> list[str]:
    """Starts as short text, for known differences written by hand and for failure messages."""
    return [
        s.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(s, dt.datetime) else s.isoformat()
        for s in starts
    ]
