"""Recurrence rules as Google accepts them, and a bound on what expanding one may cost.

Google's events accept RRULE, RDATE and EXDATE lines (EXRULE, deprecated by RFC 5545, is
refused), with FREQ of DAILY, WEEKLY, MONTHLY or YEARLY, INTERVAL and COUNT of at least 1, and
never both COUNT and UNTIL. `rule_problem` says what is wrong with one line, in plain words.

Expansion is bounded twice:
- by count: callers stop after MAX_INSTANCES instances in a window (see recurrence.py);
- by work: dateutil checks a rule's UNTIL only on a day that passes every BY* filter, so a rule
  whose filters never match (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) walks day by day to the year
  9999, about 10 s of CPU, and INTERVAL=0 never moves at all. Every rule we build carries a
  budget of ITERATION_BUDGET days examined by dateutil's loop (a step of a yearly rule examines
  a year's days, of a weekly one 7); past it, expansion raises ExpansionTooCostly (a
  ValueError), which readers treat as "no more instances". A window far from the series'
  start adds the days in between (recurrence.MAX_SPAN_DAYS at most), which a rule that matches
  walks anyway. One bad series then costs tens of milliseconds (about 0.1 s when it began a
  century before the window), whatever its rule, and the requests beside it are not held up.
"""

from __future__ import annotations

import re
from typing import Any

from dateutil import rrule as dateutil_rrule

# Days examined per expansion of one rule: 27 years of a daily or a yearly rule; about
# 40 ms of CPU at worst on one idle core.
ITERATION_BUDGET = 10_000
FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
PARTS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
}
POSITIVE = re.compile(r"^[1-9]\d{0,5}$")


class ExpansionTooCostly(ValueError):
    """The rule needs more work to expand than ITERATION_BUDGET allows."""


def rule_problem(line: str) -> str | None:
    """Why Google would refuse this recurrence line, or None when it is acceptable."""
    name, _, body = line.partition(":")
    name = name.split(";", 1)[0].upper()
    if name == "EXRULE":
        return "EXRULE is not supported (RFC 5545 deprecated it): use EXDATE lines."
    if name in ("RDATE", "EXDATE"):
        return None if body.strip() else f"{name} needs at least one date."
    if name != "RRULE":
        return f"Unknown recurrence line {line[:40]!r}: use RRULE, RDATE or EXDATE."
    return _rrule_problem(body)


def _rrule_problem(body: str) -> str | None:
    parts: dict[str, str] = {}
    for item in filter(None, body.split(";")):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or key not in PARTS or key in parts:
            return f"RRULE part {item[:30]!r} is unknown, repeated or has no value."
        parts[key] = value.strip()
    if parts.get("FREQ", "").upper() not in FREQUENCIES:
        return "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY."
    for key in ("INTERVAL", "COUNT"):
        if key in parts and not POSITIVE.match(parts[key]):
            return f"{key} must be a whole number of at least 1."
    if "COUNT" in parts and "UNTIL" in parts:
        return "Give COUNT or UNTIL, not both."
    return None


def budgeted(rule: dateutil_rrule.rrule, steps: int = ITERATION_BUDGET) -> dateutil_rrule.rrule:
    """Mark `rule` so that expanding it stops with ExpansionTooCostly after `steps` steps."""
    rule._calendar_budget = steps  # type: ignore[attr-defined]
    return rule


class _BudgetedIterInfo(dateutil_rrule._iterinfo):
    """dateutil's per-expansion helper, which it asks for the days of every step of a rule's
    loop: counting those calls bounds the loop. Rules not marked by `budgeted` are untouched."""

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self._left: int | None = getattr(rule, "_calendar_budget", None)

    def _spend(self, found: Any) -> Any:
        if self._left is not None:
            _days, start, end = found
            self._left -= max(1, end - start)
            if self._left < 0:
                raise ExpansionTooCostly("This rule is too costly to expand.")
        return found

    def ydayset(self, *args: Any) -> Any:
        return self._spend(super().ydayset(*args))

    def mdayset(self, *args: Any) -> Any:
        return self._spend(super().mdayset(*args))

    def wdayset(self, *args: Any) -> Any:
        return self._spend(super().wdayset(*args))

    def ddayset(self, *args: Any) -> Any:
        return self._spend(super().ddayset(*args))


# dateutil's rrule._iter builds its helper through this module-level name on every expansion.
dateutil_rrule._iterinfo = _BudgetedIterInfo  # type: ignore[misc,assignment]
