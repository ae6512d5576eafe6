"""The clock the tests run under: the real one, or one pinned by `TEST_NOW`.

`TEST_NOW=2026-12-31T23:30:00Z@Asia/Tokyo` starts the whole test process at that instant (the
clock keeps ticking from there) and shows the browser's pages in that IANA zone; without
`@zone` the browser is in UTC, as it is without `TEST_NOW`. time-machine moves this process's
clock only: the test code, the live server's threads and the in-process emulator agree, but a
process a test starts (a worker, uvicorn) lives on the real date, so such tests are marked
`real_clock` and left out of pinned runs. `make test-dates` runs the suite under every date of
tests/dates.txt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import zlib
import zoneinfo
from pathlib import Path

DEFAULT_ZONE = "UTC"


@dataclasses.dataclass(frozen=True)
class Pin:
    instant: dt.datetime  # aware
    zone: str  # the browser's IANA zone


def parse(text: str) -> Pin:
    """`<ISO 8601 instant with an offset or Z>[@<IANA zone>]`."""
    when, _, zone = text.strip().partition("@")
    instant = dt.datetime.fromisoformat(when)
    if instant.tzinfo is None:
        raise ValueError(f"TEST_NOW={text!r}: the instant needs an offset or Z")
    zone = zone or DEFAULT_ZONE
    zoneinfo.ZoneInfo(zone)  # an unknown zone fails here, not in the browser
    return Pin(instant.astimezone(dt.UTC), zone)


def pinned() -> Pin | None:
    text = os.environ.get("TEST_NOW", "").strip()
    return parse(text) if text else None


def browser_zone() -> str:
    """The browser's time zone: the pin's, else UTC; never the machine's own."""
    pin = pinned()
    return pin.zone if pin else DEFAULT_ZONE


def pin_number() -> int:
    """Which pin this is: its line among the dates of tests/dates.txt (0, 1, ...), or for a
    date given by hand a number drawn from its text. Tests marked `one_way_per_date` use it to
    pick the way (locale and width) they run in under this date."""
    text = os.environ.get("TEST_NOW", "").strip()
    dates = Path(__file__).resolve().parents[1] / "dates.txt"
    lines = [line.split("#")[0].strip() for line in dates.read_text().splitlines()]
    listed = [line for line in lines if line]
    return listed.index(text) if text in listed else zlib.crc32(text.encode())
