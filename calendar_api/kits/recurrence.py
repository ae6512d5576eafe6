"""Recurring series from the local store, expanded into instances as Google does.

The store keeps what Google's events.list returns without `singleEvents`: a series' master (with
`recurrence`: RRULE/EXRULE/RDATE/EXDATE lines, no DTSTART) and its exceptions (changed or
cancelled instances, with `recurringEventId` and `originalStartTime`). Occurrences are computed
in the master's own `start.timeZone`, so a weekly 10:00 meeting stays at 10:00 across DST; an
all-day series uses naive dates. Instance ids follow Google's form: `<masterId>_<YYYYMMDD>` for
all-day series, `<masterId>_<YYYYMMDDTHHMMSSZ>` (the original start in UTC) otherwise.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.rrule import rrule, rruleset, rrulestr

from calendar_api.kits.event_fields import zone
from calendar_api.kits.recurrence_rules import (
    ITERATION_BUDGET,
    ExpansionTooCostly,
    budgeted,
    rule_problem,
)

UTC = dt.UTC
MAX_INSTANCES = 730  # a window holds at most this many instances of one series
# A window's distance from its series' start, in days, that expansion may walk on top of
# recurrence_rules.ITERATION_BUDGET: instances up to 100 years after a series' start (a
# birthday since 1930, a daily stand-up since 2020) come out as Google shows them.
MAX_SPAN_DAYS = 100 * 366
UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6})?(Z)?", re.IGNORECASE)
COUNT = re.compile(r";?COUNT=\d+", re.IGNORECASE)
INSTANCE_ID = re.compile(r"^(.+)_(\d{8}(?:T\d{6}Z)?)$")
NOT_COPIED = ("id", "recurrence", "etag")


@dataclass(frozen=True)
class Window:
    """[low, high) in UTC; None means open on that side."""

    low: dt.datetime | None = None
    high: dt.datetime | None = None


def is_all_day(master: dict[str, Any]) -> bool:
    return "date" in (master.get("start") or {})


def dtstart(master: dict[str, Any], calendar_tz: str) -> dt.datetime:
    """The first start: naive midnight for all-day series, else aware in the series' zone."""
    start = master.get("start") or {}
    if "date" in start:
        return dt.datetime.combine(dt.date.fromisoformat(start["date"]), dt.time())
    tz = zone(start.get("timeZone"), calendar_tz)
    moment = dt.datetime.fromisoformat(str(start["dateTime"]).replace("Z", "+00:00"))
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


def duration(master: dict[str, Any], calendar_tz: str) -> dt.timedelta:
    end = master.get("end") or {}
    first = dtstart(master, calendar_tz)
    if "date" in end:
        return dt.datetime.combine(dt.date.fromisoformat(end["date"]), dt.time()) - first
    if "dateTime" in end:
        return dtstart({"start": end}, calendar_tz) - first
    return dt.timedelta(hours=1)


def _until_for(start: dt.datetime, match: re.Match[str]) -> str:
    """UNTIL as dateutil needs it: a date for all-day series, UTC for timed ones."""
    day, clock, utc = match.group(1), match.group(2), match.group(3)
    if start.tzinfo is None:
        return f"UNTIL={day}"
    if clock and utc:
        return match.group(0).upper()
    naive = dt.datetime.strptime(day + (clock or "T235959"), "%Y%m%dT%H%M%S")
    return "UNTIL=" + naive.replace(tzinfo=start.tzinfo).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def rule_text(line: str, start: dt.datetime) -> str:
    """The value of an RRULE/EXRULE line with UNTIL in the form RFC 5545 asks for: a date for
    an all-day series, UTC for a timed one."""
    return UNTIL.sub(lambda m: _until_for(start, m), line.split(":", 1)[1])


def _rule(line: str, start: dt.datetime, until: dt.datetime | None = None) -> rrule:
    """One RRULE (or EXRULE) line as a dateutil rule, its expansion bounded in work and, with
    `until`, in time (a rule with COUNT is bounded by its count already)."""
    text = rule_text(line, start)
    if re.search(r"FREQ=(SECONDLY|MINUTELY|HOURLY)", text, re.IGNORECASE):
        raise ValueError("Google does not support HOURLY, MINUTELY or SECONDLY recurrence.")
    rule = rrulestr("RRULE:" + text, dtstart=start)
    if not isinstance(rule, rrule):
        raise ValueError("Each RRULE line holds exactly one rule.")
    bounded: Any = rule  # dateutil keeps COUNT and UNTIL in private attributes
    if until is not None and bounded._count is None:
        limit = _like(until, start)
        if bounded._until is None or bounded._until > limit:
            rule = rule.replace(until=limit)
    return budgeted(rule, ITERATION_BUDGET + _span_days(start, until))


def _span_days(start: dt.datetime, until: dt.datetime | None) -> int:
    """Days from the series' start to `until` (at most MAX_SPAN_DAYS): the work of walking a
    rule that matches up to a window far from its start (a step examines as many days as it
    moves), granted on top of the budget that bounds a rule which never matches."""
    if until is None:
        return 0
    return min(MAX_SPAN_DAYS, max(0, (_like(until, start) - start).days))


def line_dates(line: str, start: dt.datetime) -> list[dt.datetime]:
    """The values of an RDATE or EXDATE line, comparable with the series' occurrences. An RDATE
    of PERIOD values (`start/end` or `start/duration`, RFC 5545 3.8.5.2) adds its starts: every
    instance of a Google series has the series' length, so the period's own end is not kept."""
    head, _, values = line.partition(":")
    params = dict(p.split("=", 1) for p in head.split(";")[1:] if "=" in p)
    tz = zone(params["TZID"]) if "TZID" in params else start.tzinfo
    found = []
    for value in filter(None, (v.split("/")[0].strip().upper() for v in values.split(","))):
        if len(value) == 8:
            day = dt.datetime.strptime(value, "%Y%m%d")
            found.append(_like(day.replace(hour=start.hour, minute=start.minute), start))
            continue
        moment = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
        found.append(_like(moment.replace(tzinfo=UTC if value.endswith("Z") else tz), start))
    return found


def _like(value: dt.datetime, start: dt.datetime) -> dt.datetime:
    """`value` in the same form as the series' start (naive date, or aware in its zone)."""
    if start.tzinfo is None:
        return dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value.replace(tzinfo=start.tzinfo)
    return value.astimezone(start.tzinfo)


def rule_set(
    lines: Iterable[str], start: dt.datetime, until: dt.datetime | None = None
) -> rruleset:
    """The recurrence set of a series starting at `start`, with no rule expanded past `until`
    (when given); ValueError for a bad line. Expanding it raises ExpansionTooCostly (a
    ValueError) when a rule needs more work than recurrence_rules.ITERATION_BUDGET."""
    rules = rruleset()
    rules.rdate(start)
    for line in lines:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name in ("RRULE", "EXRULE"):
            (rules.rrule if name == "RRULE" else rules.exrule)(_rule(line, start, until))
        elif name in ("RDATE", "EXDATE"):
            for value in line_dates(line, start):
                (rules.rdate if name == "RDATE" else rules.exdate)(value)
        else:
            raise ValueError(f"Unknown recurrence line {line[:40]!r}.")
    return rules


def check_lines(lines: list[str], start: dt.datetime) -> None:
    """Check the lines as Google does on write, and expand a little: ValueError when a line
    is malformed, unsupported, or too costly to expand (a rule that never or hardly repeats)."""
    for line in lines:
        problem = rule_problem(line)
        if problem:
            raise ValueError(problem)
    try:
        list(itertools.islice(rule_set(lines, start), 3))
    except ExpansionTooCostly as exc:
        raise ValueError("This rule repeats too rarely (or never) to be expanded.") from exc
    except (TypeError, KeyError, OverflowError, IndexError) as exc:
        raise ValueError(str(exc) or "Malformed recurrence.") from exc


def _local(moment: dt.datetime | None, start: dt.datetime, calendar_tz: str) -> dt.datetime | None:
    """A UTC bound in the series' own terms (naive calendar-local for all-day series)."""
    if moment is None or start.tzinfo is not None:
        return moment
    return moment.astimezone(zone(calendar_tz)).replace(tzinfo=None)


def occurrences(
    master: dict[str, Any], calendar_tz: str, window: Window = Window()
) -> tuple[list[dt.datetime], bool]:
    """Original starts of the series' instances that overlap `window`, and whether the
    expansion stopped before the window's end (so the list is incomplete): at MAX_INSTANCES in
    the window, or at the work budget (a rule that never matches, or a window more than
    MAX_SPAN_DAYS after the series' start)."""
    start = dtstart(master, calendar_tz)
    length = duration(master, calendar_tz)
    low = _local(window.low, start, calendar_tz)
    high = _local(window.high, start, calendar_tz)
    found: list[dt.datetime] = []
    values = rule_set(master.get("recurrence") or [], start, until=high)
    try:
        for value in values:
            if high is not None and value >= high:
                break
            if low is None or value + length > low:
                if len(found) >= MAX_INSTANCES:
                    return found, True
                found.append(value)
    except ExpansionTooCostly:
        return found, True
    return found, False


def instance_suffix(start: dt.datetime) -> str:
    if start.tzinfo is None:
        return start.strftime("%Y%m%d")
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def split_instance_id(event_id: str) -> tuple[str, str] | None:
    """(series id, suffix) when `event_id` has the form of an instance id."""
    match = INSTANCE_ID.match(event_id)
    return (match.group(1), match.group(2)) if match else None


def edge(master: dict[str, Any], value: dt.datetime) -> dict[str, Any]:
    """An EventDateTime in the master's form (a date, or dateTime with the series' zone)."""
    if value.tzinfo is None:
        return {"date": value.date().isoformat()}
    result: dict[str, Any] = {"dateTime": value.isoformat()}
    if (master.get("start") or {}).get("timeZone"):
        result["timeZone"] = master["start"]["timeZone"]
    return result


def make_instance(master: dict[str, Any], start: dt.datetime, calendar_tz: str) -> dict[str, Any]:
    """The instance of `master` that originally starts at `start`, as Google renders it."""
    instance = {k: v for k, v in master.items() if k not in NOT_COPIED}
    instance.update(
        id=f"{master['id']}_{instance_suffix(start)}",
        etag=master.get("etag", ""),
        recurringEventId=master["id"],
        originalStartTime=edge(master, start),
        start=edge(master, start),
        end=edge(master, start + duration(master, calendar_tz)),
    )
    return instance


def find_occurrence(master: dict[str, Any], suffix: str, calendar_tz: str) -> dt.datetime | None:
    """The occurrence whose instance id ends in `suffix`, if the series has one."""
    try:
        moment = _suffix_time(suffix)
        start = dtstart(master, calendar_tz)
        if start.tzinfo is None:
            moment = moment.replace(tzinfo=None)
        moment = _like(moment, start)
        lines = master.get("recurrence") or []
        found = rule_set(lines, start, until=moment).after(moment, inc=True)
    except (ValueError, TypeError, OverflowError):
        return None
    return found if found is not None and instance_suffix(found) == suffix else None


def _suffix_time(suffix: str) -> dt.datetime:
    if len(suffix) == 8:
        return dt.datetime.strptime(suffix, "%Y%m%d").replace(tzinfo=UTC)
    return dt.datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def series_instances(
    *,
    master: dict[str, Any],
    exceptions: list[dict[str, Any]],
    calendar_tz: str,
    window: Window = Window(),
) -> tuple[list[dict[str, Any]], bool]:
    """The instances of a series in `window`: generated ones, minus those an exception replaces
    (changed or cancelled), plus the exceptions themselves; and whether expansion was cut."""
    starts, truncated = occurrences(master, calendar_tz, window)
    replaced = {e.get("id") for e in exceptions}
    generated = [make_instance(master, start, calendar_tz) for start in starts]
    kept = [i for i in generated if i["id"] not in replaced]
    return kept + list(exceptions), truncated


def truncated_lines(lines: list[str], before: dt.datetime) -> list[str]:
    """The recurrence ended just before the occurrence `before` (UNTIL replaces COUNT), as
    Google Calendar does when a person edits "this and following events"."""
    if before.tzinfo is None:
        until = (before - dt.timedelta(days=1)).strftime("%Y%m%d")
    else:
        until = (before.astimezone(UTC) - dt.timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    result = []
    for line in lines:
        if line.upper().startswith("RRULE:"):
            rule = COUNT.sub("", UNTIL.sub("", line)).replace(";;", ";").rstrip(";")
            line = f"{rule};UNTIL={until}"
        result.append(line)
    return result


def remaining_lines(lines: list[str], done: int) -> list[str]:
    """The recurrence of the new series of a split: a COUNT shrinks by the instances before it."""

    def shrink(match: re.Match[str]) -> str:
        left = max(1, int(match.group(0).split("=")[1]) - done)
        return f"{'; ' if match.group(0).startswith(';') else ''}COUNT={left}".replace(" ", "")

    return [
        COUNT.sub(shrink, line) if line.upper().startswith("RRULE:") else line for line in lines
    ]
