"""Recurring events: RRULE/EXRULE/RDATE/EXDATE expansion (python-dateutil) and instances.

A master's occurrences are its original start times, as aware datetimes in the master's
`start.timeZone` (so a series keeps its wall-clock time across DST), or naive midnights for
all-day series. Instance ids are `<masterId>_<YYYYMMDDTHHMMSSZ>` (UTC) or `<masterId>_<YYYYMMDD>`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import secrets
from typing import Any

from dateutil import rrule as dateutil_rrule
from dateutil.rrule import rrule, rruleset, rrulestr

from google_emulator.calendar import times
from google_emulator.state.calendar import Event

MAX_INSTANCES = 730  # an unbounded series is expanded this far from a request's timeMin
MAX_YEARS = 100
# Days dateutil may examine while expanding one rule: a little over MAX_YEARS of a daily rule.
# dateutil checks UNTIL and COUNT only on days that pass every BY* filter, so a rule whose
# filters never match (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30), or one whose occurrences an EXRULE
# removes, would otherwise be walked to the year 9999 (pentest issue 19).
ITERATION_BUDGET = 40_000
# The frequencies Google Calendar takes: it refuses HOURLY, MINUTELY and SECONDLY rules (400
# invalid). Its recurring-events guide (developers.google.com/calendar/api/guides/recurringevents)
# only points at RFC 5545; the four are those its own rule builder offers (Apps Script's
# RecurrenceRule, developers.google.com/apps-script/reference/calendar/recurrence-rule).
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PART = re.compile(r"(?:^|;)\s*(FREQ|INTERVAL|COUNT)\s*=\s*([^;]*)", re.IGNORECASE)
UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6})?(Z)?", re.IGNORECASE)
INSTANCE_SUFFIX = re.compile(r"^(.+)_(\d{8})(T\d{6}Z)?$")
COPIED_OUT = ("recurrence", "id")
INSTANCE_ID_MODES = ("google", "opaque")
BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
_mode = {"instance_ids": "google"}
_OPAQUE_KEY = secrets.token_bytes(16)
_opaque_ids: dict[str, tuple[str, str]] = {}  # opaque id -> (master id, suffix), as given out


def set_instance_ids(mode: str) -> None:
    """ "google" (the `<masterId>_<start>` form) or "opaque" (ids that cannot be derived)."""
    if mode not in INSTANCE_ID_MODES:
        raise ValueError(f"instance ids are one of {INSTANCE_ID_MODES}")
    _mode["instance_ids"] = mode


def instance_ids() -> str:
    return _mode["instance_ids"]


def is_all_day(event: Event) -> bool:
    return "date" in event.get("start", {})


def dtstart(master: Event) -> dt.datetime:
    """The master's first start: naive midnight (all-day) or aware in its own time zone."""
    start = master["start"]
    if "date" in start:
        day = times.parse_date(start["date"]) or dt.date(1970, 1, 1)
        return dt.datetime(day.year, day.month, day.day)
    tz = times.zone(start.get("timeZone", "")) or times.UTC
    return times.edge(start, tz).astimezone(tz)


def duration(master: Event) -> dt.timedelta:
    if is_all_day(master):
        first = times.parse_date(master["start"]["date"])
        last = times.parse_date(master["end"]["date"])
        return (last - first) if first and last else dt.timedelta(days=1)
    return times.edge(master["end"], times.UTC) - times.edge(master["start"], times.UTC)


def _fix_until(line: str, start: dt.datetime) -> str:
    """UNTIL as dateutil wants it: a date for all-day series, UTC for timed ones."""

    def replace(match: re.Match[str]) -> str:
        day, clock, utc = match.group(1), match.group(2), match.group(3)
        if start.tzinfo is None:
            return f"UNTIL={day}"
        if utc and clock:
            return match.group(0).upper()
        naive = dt.datetime.strptime(day + (clock or "T235959"), "%Y%m%dT%H%M%S")
        local = naive.replace(tzinfo=start.tzinfo).astimezone(times.UTC)
        return "UNTIL=" + local.strftime("%Y%m%dT%H%M%SZ")

    return UNTIL.sub(replace, line)


def _dates(line: str, start: dt.datetime) -> list[dt.datetime]:
    """The values of an RDATE or EXDATE line, comparable with the series' occurrences. Google
    takes the lines "as specified in RFC5545" (the Event resource's `recurrence`,
    developers.google.com/calendar/api/v3/reference/events), where an RDATE may hold PERIOD
    values (`start/end` or `start/duration`, 3.8.5.2): their starts are occurrences, of the
    series' length like every instance."""
    head, _, values = line.partition(":")
    params = dict(p.split("=", 1) for p in head.split(";")[1:] if "=" in p)
    tz = times.zone(params.get("TZID", "")) if "TZID" in params else start.tzinfo
    if "TZID" in params and tz is None:
        raise ValueError("unknown TZID")
    found: list[dt.datetime] = []
    for value in filter(None, values.split(",")):
        value = value.split("/")[0].strip().upper()
        if len(value) == 8:
            day = dt.datetime.strptime(value, "%Y%m%d")
            found.append(_at(day.replace(hour=start.hour, minute=start.minute), start))
            continue
        parsed = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
        zone_of_value = times.UTC if value.endswith("Z") else tz
        found.append(_at(parsed.replace(tzinfo=zone_of_value), start))
    return found


def _at(value: dt.datetime, start: dt.datetime) -> dt.datetime:
    if start.tzinfo is None:
        return dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value.replace(tzinfo=start.tzinfo)
    return value.astimezone(start.tzinfo)


def ruleset(master: Event) -> rruleset:
    """The master's recurrence set; ValueError when a line is not valid."""
    start = dtstart(master)
    rules = rruleset()
    rules.rdate(start)
    for line in master.get("recurrence", []):
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name in ("RRULE", "EXRULE"):
            body = line.split(":", 1)[1]
            _check_parts(body)
            rule = rrulestr("RRULE:" + _fix_until(body, start), dtstart=start)
            if not isinstance(rule, rrule):
                raise ValueError("not a single rule")
            rule._emulator_budget = ITERATION_BUDGET  # type: ignore[attr-defined]
            (rules.rrule if name == "RRULE" else rules.exrule)(rule)
        elif name in ("RDATE", "EXDATE"):
            for value in _dates(line, start):
                (rules.rdate if name == "RDATE" else rules.exdate)(value)
        else:
            raise ValueError(f"unknown recurrence line {line!r}")
    return rules


def _check_parts(body: str) -> None:
    """FREQ one of FREQUENCIES, INTERVAL and COUNT at least 1 (INTERVAL=0 never advances)."""
    parts = {key.upper(): value.strip() for key, value in PART.findall(body)}
    if parts.get("FREQ", "").upper() not in FREQUENCIES:
        raise ValueError("unsupported frequency")
    for key in ("INTERVAL", "COUNT"):
        if key in parts and not (parts[key].isdigit() and int(parts[key]) >= 1):
            raise ValueError(f"{key} must be at least 1")


class ExpansionTooCostly(ValueError):
    """A rule examined more than ITERATION_BUDGET days: its expansion stops there."""


class _BudgetedIterInfo(dateutil_rrule._iterinfo):
    """dateutil's per-expansion helper, asked for the days of every step of a rule's loop:
    counting those calls bounds the loop. Rules without `_emulator_budget` are untouched, and
    the class below it (dateutil's own, or the product's budget when both run in one process,
    as in the tests) still does its part."""

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self._emulator_left: int | None = getattr(rule, "_emulator_budget", None)

    def _emulator_spend(self, found: Any) -> Any:
        if self._emulator_left is not None:
            _days, first, last = found
            self._emulator_left -= max(1, last - first)
            if self._emulator_left < 0:
                raise ExpansionTooCostly("This rule is too costly to expand.")
        return found

    def ydayset(self, *args: Any) -> Any:
        return self._emulator_spend(super().ydayset(*args))

    def mdayset(self, *args: Any) -> Any:
        return self._emulator_spend(super().mdayset(*args))

    def wdayset(self, *args: Any) -> Any:
        return self._emulator_spend(super().wdayset(*args))

    def ddayset(self, *args: Any) -> Any:
        return self._emulator_spend(super().ddayset(*args))


# dateutil's rrule._iter builds its helper through this module-level name on every expansion.
dateutil_rrule._iterinfo = _BudgetedIterInfo  # type: ignore[misc,assignment]


def _bounded(values: Any) -> Any:
    """The occurrences until a rule's budget runs out: the ones found so far stand."""
    try:
        yield from values
    except ExpansionTooCostly:
        return


def check(master: Event) -> None:
    """Expand once to make sure the recurrence is usable (ValueError otherwise)."""
    occurrences(master)


def occurrences(master: Event, after: dt.datetime | None = None) -> tuple[dt.datetime, ...]:
    """The series' original starts, up to MAX_INSTANCES of them from `after` (a request's
    timeMin: Google shows a daily series begun years ago in today's window too; the instances
    returned may begin up to two days and one instance length before it), and at most
    MAX_YEARS after the series' start."""
    key = (master["id"], master.get("etag", ""), repr(master["start"]), repr(master["recurrence"]))
    return _occurrences((*key, repr(after)), master, after)


_CACHE: dict[tuple[str, ...], tuple[dt.datetime, ...]] = {}


def _occurrences(
    key: tuple[str, ...], master: Event, after: dt.datetime | None
) -> tuple[dt.datetime, ...]:
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    start = dtstart(master)
    limit_year = start.year + MAX_YEARS
    values: Any = _bounded(ruleset(master))
    if after is not None:
        margin = after - duration(master) - dt.timedelta(days=2)
        values = itertools.dropwhile(lambda value: _as_utc(value) < margin, values)
    found = tuple(
        itertools.takewhile(
            lambda value: value.year <= limit_year, itertools.islice(values, MAX_INSTANCES)
        )
    )
    if len(_CACHE) > 4096:
        _CACHE.clear()
    _CACHE[key] = found
    return found


def _as_utc(value: dt.datetime) -> dt.datetime:
    """An occurrence as a UTC instant (an all-day one's naive midnight read as UTC)."""
    return value.astimezone(times.UTC) if value.tzinfo else value.replace(tzinfo=times.UTC)


def instance_suffix(start: dt.datetime) -> str:
    if start.tzinfo is None:
        return start.strftime("%Y%m%d")
    return start.astimezone(times.UTC).strftime("%Y%m%dT%H%M%SZ")


def instance_id(master: Event, start: dt.datetime) -> str:
    suffix = instance_suffix(start)
    if _mode["instance_ids"] != "opaque":
        return f"{master['id']}_{suffix}"
    digest = hashlib.blake2s(f"{master['id']}/{suffix}".encode(), key=_OPAQUE_KEY).digest()
    opaque = "".join(BASE32HEX[b % 32] for b in digest[:26])
    if len(_opaque_ids) > 1_000_000:
        _opaque_ids.clear()
    _opaque_ids[opaque] = (master["id"], suffix)
    return opaque


def opaque_instance(event_id: str) -> tuple[str, str] | None:
    """(master id, suffix) of an opaque instance id this emulator has given out."""
    return _opaque_ids.get(event_id)


def split_instance_id(event_id: str) -> tuple[str, str] | None:
    """(master id, suffix) when `event_id` looks like an instance id."""
    match = INSTANCE_SUFFIX.match(event_id)
    if match is None:
        return None
    return match.group(1), match.group(2) + (match.group(3) or "")


def edge_value(master: Event, value: dt.datetime) -> dict[str, Any]:
    """An EventDateTime for an instance edge, in the master's own form."""
    if value.tzinfo is None:
        return {"date": value.date().isoformat()}
    result: dict[str, Any] = {"dateTime": times.fmt(value)}
    if "timeZone" in master["start"]:
        result["timeZone"] = master["start"]["timeZone"]
    return result


def make_instance(master: Event, start: dt.datetime) -> Event:
    """The generated instance of `master` originally starting at `start`."""
    instance = {k: v for k, v in master.items() if k not in COPIED_OUT}
    instance["id"] = instance_id(master, start)
    instance["recurringEventId"] = master["id"]
    instance["originalStartTime"] = edge_value(master, start)
    instance["start"] = edge_value(master, start)
    instance["end"] = edge_value(master, start + duration(master))
    return {"kind": "calendar#event", **{k: v for k, v in instance.items() if k != "kind"}}


def find_occurrence(master: Event, suffix: str) -> dt.datetime | None:
    """The occurrence whose instance id ends with `suffix`, if the series has one."""
    moment = dt.datetime.strptime(suffix[:8], "%Y%m%d").replace(tzinfo=times.UTC)
    try:
        found = occurrences(master, after=moment)
    except ValueError:
        return None
    return next((value for value in found if instance_suffix(value) == suffix), None)
