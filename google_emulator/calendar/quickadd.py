"""events.quickAdd's text parser: the common English forms of a date, a time and a length.

"Lunch with Bob tomorrow at 12:30", "Dentist on June 3rd 10am-10:25am", "Call on Friday at 5pm
for 30 minutes", "Holiday on 12/24": what is recognised leaves the title; an event with no time
lasts all day, one with no date is today, one with neither starts at the next full hour.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
CLOCK = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midnight)"
T_RANGE = re.compile(
    rf"\b(?:from\s+|at\s+)?(?P<a>{CLOCK})\s*(?:-|\u2013|to|until|till)\s*(?P<b>{CLOCK})(?=\W|$)",
    re.I,
)
T_SINGLE = re.compile(
    r"(?:\b(?:at|@)\s*(?P<a>\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|noon|midnight)"
    r"|\b(?P<b>\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon|midnight))(?=\W|$)",
    re.I,
)
D_RELATIVE = re.compile(r"\b(?P<word>today|tonight|tomorrow)\b", re.I)
D_WEEKDAY = re.compile(
    r"\b(?:on\s+)?(?P<next>next\s+|this\s+)?(?P<weekday>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\b",
    re.I,
)
D_MONTH_DAY = re.compile(rf"\b(?:on\s+)?{MONTH}\.?\s+{DAY}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
D_DAY_MONTH = re.compile(
    rf"\b(?:on\s+)?{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I
)
D_NUMERIC = re.compile(r"\b(?:on\s+)?(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{2,4}))?\b")
LENGTH = re.compile(
    r"\bfor\s+(?P<n>\d+(?:\.\d+)?|an?|one|two|three)\s*(?P<unit>hours?|hrs?|h|minutes?|mins?|m)\b",
    re.I,
)
WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}


@dataclass(frozen=True)
class Parsed:
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date


def _clock(text: str, meridiem_hint: str = "") -> tuple[int, int, str]:
    word = text.strip().lower().replace(".", "")
    if word == "noon":
        return 12, 0, "pm"
    if word == "midnight":
        return 0, 0, "am"
    match = re.match(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", word)
    assert match is not None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = match.group(3) or meridiem_hint
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif not meridiem and 1 <= hour <= 6:  # "at 5" means the afternoon
        hour += 12
    if hour > 23 or minute > 59:
        raise ValueError(text)
    return hour, minute, match.group(3) or meridiem_hint


def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, start=1) if m.startswith(name.lower()[:3]))


def _future(today: dt.date, month: int, day: int, year: str | None) -> dt.date:
    if year:
        return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    found = dt.date(today.year, month, day)
    return found if found >= today else dt.date(today.year + 1, month, day)


def _date(text: str, today: dt.date) -> tuple[dt.date | None, str, bool]:
    """The date named in `text`, `text` without it, and whether it said "tonight"."""
    match = D_RELATIVE.search(text)
    if match:
        word = match["word"].lower()
        day = today + dt.timedelta(days=1 if word == "tomorrow" else 0)
        return day, _cut(text, match), word == "tonight"
    for pattern in (D_MONTH_DAY, D_DAY_MONTH, D_NUMERIC):
        match = pattern.search(text)
        if match:
            month = int(match["month"]) if match["month"].isdigit() else _month(match["month"])
            return _future(today, month, int(match["day"]), match["year"]), _cut(text, match), False
    match = D_WEEKDAY.search(text)
    if match:
        wanted = next(
            i for i, w in enumerate(WEEKDAYS) if w.startswith(match["weekday"].lower()[:3])
        )
        ahead = (wanted - today.weekday()) % 7
        if match["next"] and match["next"].strip().lower() == "next" and ahead == 0:
            ahead = 7
        return today + dt.timedelta(days=ahead), _cut(text, match), False
    return None, text, False


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _times(text: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None, str]:
    match = T_RANGE.search(text)
    if match:
        end_h, end_m, meridiem = _clock(match["b"])
        start_h, start_m, _ = _clock(match["a"], meridiem)
        return (start_h, start_m), (end_h, end_m), _cut(text, match)
    match = T_SINGLE.search(text)
    if match:
        hour, minute, _ = _clock(match["a"] or match["b"])
        return (hour, minute), None, _cut(text, match)
    return None, None, text


def _length(text: str) -> tuple[dt.timedelta | None, str]:
    match = LENGTH.search(text)
    if not match:
        return None, text
    amount = WORDS.get(match["n"].lower()) or float(match["n"])
    unit = match["unit"].lower()
    minutes = amount * (60 if unit.startswith("h") else 1)
    return dt.timedelta(minutes=minutes), _cut(text, match)


def _title(text: str) -> str:
    words = re.sub(r"\s+", " ", text).strip(" ,;-\u2013")
    words = re.sub(r"\s+(?:on|at|from|for)$", "", words, flags=re.I)
    return words or "(No title)"


def parse(text: str, now: dt.datetime) -> Parsed:
    """Parse `text` relative to `now` (aware, in the calendar's time zone)."""
    tz = now.tzinfo
    try:
        start_at, end_at, rest = _times(text)
    except ValueError:
        start_at, end_at, rest = None, None, text
    day, rest, tonight = _date(rest, now.date())
    length, rest = _length(rest)
    summary = _title(rest)
    if start_at is None and tonight:
        start_at = (19, 0)
    if start_at is None and day is not None:
        return Parsed(summary, day, day + dt.timedelta(days=1))
    if start_at is None:
        start = (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    else:
        start = dt.datetime.combine(day or now.date(), dt.time(*start_at), tzinfo=tz)
    if end_at is not None:
        end = dt.datetime.combine(start.date(), dt.time(*end_at), tzinfo=tz)
        if end <= start:
            end += dt.timedelta(days=1)
    else:
        end = start + (length or dt.timedelta(hours=1))
    return Parsed(summary, start, end)
