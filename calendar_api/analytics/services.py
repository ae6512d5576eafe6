"""How time is spent, computed from the store (the definitions follow Google Calendar's Time
Insights and Clockwise; the README lists them):

- counted events: timed (not all-day), not cancelled, not free (`transparency: transparent`),
  not declined by the user (their own attendee entry, `self: true`), and not a status event
  (Google's focusTime, outOfOffice and workingLocation say what the user does or where they
  are: focus time counts toward focus, not toward events or meetings);
- total_event_hours: the union of the counted events, clipped to the window (overlaps once);
- a meeting: a counted event with at least one other attendee who is not a room and has not
  declined; its size is those attendees plus the user (1:1 = 2, small = 3 to 6, large = 7+);
- meeting_hours: the union of the meetings, clipped to the window;
- working hours: the user's preferences (default 09:00-17:00, Monday to Friday) in the
  answer's zone; after_hours_hours: counted time outside them; focus blocks: free stretches
  of at least two hours inside them;
- top_collaborators: the ten other attendees with the most meeting hours shared (each meeting's
  own length inside the window, whoever else was there).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

# Times are seconds since 1970 (UTC) as floats: a year holds tens of thousands of spans, and
# float arithmetic costs a fraction of datetime's. Datetimes come back only in the answer.
from calendar_api.analytics.spans import Span, clip, gaps, hours, length, overlap, union, within
from calendar_api.db.bulk import Epoch, values_read
from calendar_api.kits import event_types, instance_rows
from calendar_api.kits.recurrence import Window
from calendar_api.kits.working_hours import daily_span
from calendar_api.models import Calendar
from calendar_api.reads import window as read_model
from calendar_api.services.preferences import preferences_get

FOCUS_MIN = 2 * 3600.0
TOP = 10


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(17)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0


class Busy(NamedTuple):
    """A counted event: when, and who else was in it (when it is a meeting). A named tuple: a
    year holds tens of thousands, and a frozen dataclass costs several times more to make."""

    start: float  # seconds since 1970, UTC
    end: float
    others: tuple[tuple[str, str], ...] = ()  # (email, display name) of the other people
    recurring: bool = False


@dataclass
class Collaborator:
    email: str
    name: str = ""
    hours: float = 0.0
    meetings: int = 0


@dataclass
class Report:
    total_event_hours: float
    meeting_hours: float
    after_hours_hours: float
    by_day: list[dict[str, Any]]
    meetings: dict[str, Any]
    focus_blocks: dict[str, Any]
    top_collaborators: list[dict[str, Any]] = field(default_factory=list)


# -- reading the window -----------------------------------------------------------------------
#
# The one place analytics reads events: the read model's instance index (one query per
# calendar whose horizon covers the window), reading only the columns it needs plus the
# attendees of each row's event. A window outside a calendar's horizon is expanded on demand.

People = tuple[tuple[str, str], ...]


def busy_in(*, calendars: Sequence[Calendar], window: Window) -> list[Busy]:
    """Every counted instance of these calendars overlapping the window; an event found in
    two of them (an invitation) counts once."""
    assert window.low is not None and window.high is not None
    parts = [
        (_indexed if read_model.covers(calendar, window) else _expanded)(calendar, window)
        for calendar in calendars
    ]
    if len(parts) == 1:  # the usual case: nothing to compare across calendars
        return list(parts[0].values())
    found: dict[str, Busy] = {}
    for part in parts:
        for key, busy in part.items():
            found.setdefault(key, busy)
    return list(found.values())


def _indexed(calendar: Calendar, window: Window) -> dict[str, Busy]:
    """Timed, busy rows of the index, by our id: `busy` is Google's free/busy rule (not
    cancelled, not free, not declined by the calendar's own attendee entry). Times are read as
    epoch seconds and the guests from the event's reduced `attendees` column: decoding each
    event's data, or Django's datetime converters, cost more than the query itself. This loop
    runs once per instance of the window: names are bound locally, guest lists decoded once."""
    rows = (
        read_model.window_rows([calendar], window)
        .filter(busy=True, event__all_day=False)
        .exclude(event__event_type__in=event_types.STATUS)
        .order_by()
        .annotate(begins=Epoch("start"), ends=Epoch("end"))
        .values_list("key", "begins", "ends", "series_id", "event__attendees")
    )
    me, make, decoded = calendar.google_id.lower(), Busy, json.loads
    found: dict[str, Busy] = {}
    known: dict[str, tuple[bool, People]] = {}  # guest lists repeat
    for key, start, end, series, guests in values_read(rows):
        seen = known.get(guests)
        if seen is None:
            seen = known[guests] = people(decoded(guests) if guests else None, me)
        if not seen[0] and start < end:
            found[key] = make(start, end, seen[1], series != "")
    return found


def _expanded(calendar: Calendar, window: Window) -> dict[str, Busy]:
    """The same, for a calendar whose stored horizon does not reach the window."""
    assert window.low is not None and window.high is not None
    found = {}
    items = read_model.instances_in_window(
        calendars=[calendar], time_min=window.low, time_max=window.high
    )
    me = calendar.google_id.lower()
    for item in items:
        event = item.event
        if "dateTime" not in (event.get("start") or {}) or not instance_rows.busy(event):
            continue
        if event_types.of(event) in event_types.STATUS:
            continue
        declined, others = people(event.get("attendees"), me)
        if not declined and item.start < item.end:
            series = bool(event.get("recurringEventId"))
            start, end = item.start.timestamp(), item.end.timestamp()
            found[str(event.get("id"))] = Busy(start, end, others, series)
    return found


def people(attendees: Any, me: str) -> tuple[bool, People]:
    """Whether the user declined, and the other people: not rooms, not declined."""
    declined = False
    others = []
    for attendee in attendees if isinstance(attendees, list) else []:
        if not isinstance(attendee, dict):
            continue
        email = str(attendee.get("email") or "").lower()
        answer = attendee.get("responseStatus")
        if attendee.get("self") or email == me:
            declined = declined or answer == "declined"
        elif email and not attendee.get("resource") and answer != "declined":
            others.append((email, str(attendee.get("displayName") or "")))
    return declined, tuple(others)


# -- the report --------------------------------------------------------------------------------


def local_days(window: Window, tz: ZoneInfo) -> list[tuple[dt.date, Span]]:
    """The local days the window touches, each as its span clipped to the window."""
    assert window.low is not None and window.high is not None
    low, high = window.low.timestamp(), window.high.timestamp()
    day = window.low.astimezone(tz).date()
    found: list[tuple[dt.date, Span]] = []
    while True:
        begin = dt.datetime.combine(day, dt.time(), tzinfo=tz).timestamp()
        if begin >= high:
            return found
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz).timestamp()
        found.append((day, (max(begin, low), min(end, high))))
        day += dt.timedelta(days=1)


def working_spans(days: list[tuple[dt.date, Span]], tz: ZoneInfo, work: WorkingHours) -> list[Span]:
    found: list[Span] = []
    for day, (low, high) in days:
        if day.weekday() not in work.days or work.end <= work.start:
            continue
        begin = dt.datetime.combine(day, work.start, tzinfo=tz).timestamp()
        end = dt.datetime.combine(day, work.end, tzinfo=tz).timestamp()
        found += clip([(begin, end)], low, high)
    return found


def analytics_report(
    *, busy: list[Busy], window: Window, tz: ZoneInfo, work: WorkingHours
) -> Report:
    assert window.low is not None and window.high is not None
    low, high = window.low.timestamp(), window.high.timestamp()
    # Merged, then clipped: the same time as clipping each first, for a fraction of the spans.
    counted = clip(union(busy), low, high)
    meetings = [b for b in busy if b.others]
    meeting = clip(union(meetings), low, high)
    days = local_days(window, tz)
    working = working_spans(days, tz, work)
    focus = [g for w in working for g in gaps(counted, w) if g[1] - g[0] >= FOCUS_MIN]
    total = length(counted)
    inside = sum(overlap(counted, w) for w in working)
    moment = dt.datetime.fromtimestamp
    return Report(
        total_event_hours=hours(total),
        meeting_hours=hours(length(meeting)),
        after_hours_hours=hours(total - inside),
        by_day=[_day(day, span, counted, meeting, working, focus) for day, span in days],
        meetings=_meeting_counts(meetings),
        focus_blocks={
            "count": len(focus),
            "hours": hours(length(focus)),
            "blocks": [{"start": moment(s, tz), "end": moment(e, tz)} for s, e in focus],
        },
        top_collaborators=_collaborators(meetings, low, high),
    )


def _day(
    day: dt.date,
    span: Span,
    counted: list[Span],
    meeting: list[Span],
    working: list[Span],
    focus: list[Span],
) -> dict[str, Any]:
    busy = overlap(counted, span)
    inside = sum(overlap(counted, w) for w in within(working, span))
    return {
        "date": day,
        "event_hours": hours(busy),
        "meeting_hours": hours(overlap(meeting, span)),
        "focus_hours": hours(overlap(focus, span)),
        "after_hours_hours": hours(busy - inside),
    }


def _meeting_counts(meetings: list[Busy]) -> dict[str, Any]:
    sizes = [len(m.others) + 1 for m in meetings]
    recurring = sum(1 for m in meetings if m.recurring)
    return {
        "count": len(meetings),
        "one_on_one": sizes.count(2),
        "small": sum(1 for n in sizes if 3 <= n <= 6),
        "large": sum(1 for n in sizes if n >= 7),
        "recurring": recurring,
        "one_off": len(meetings) - recurring,
        "recurring_share": round(recurring / len(meetings), 2) if meetings else 0.0,
    }


def _collaborators(meetings: list[Busy], low: float, high: float) -> list[dict[str, Any]]:
    # Guest lists repeat (a series, a team): add up each list's time once, then per person.
    # Lists are gathered by identity first (the store's reader shares one tuple per list, and
    # hashing a tuple of tuples on every meeting costs more than the sums), then by value.
    by_object: dict[int, tuple[People, list[float]]] = {}
    for start, end, others, _ in meetings:
        seconds = (end if end < high else high) - (start if start > low else low)
        entry = by_object.get(id(others))
        if entry is None:
            entry = by_object[id(others)] = (others, [0.0, 0])
        entry[1][0] += seconds
        entry[1][1] += 1
    by_list: dict[People, list[float]] = {}
    for others, (seconds, count) in by_object.values():
        totals = by_list.setdefault(others, [0.0, 0])
        totals[0] += seconds
        totals[1] += count
    people: dict[str, Collaborator] = {}
    for others, (seconds, count) in by_list.items():  # in order of first meeting
        for email, name in others:
            person = people.get(email) or people.setdefault(email, Collaborator(email))
            person.name = person.name or name
            person.hours += seconds / 3600
            person.meetings += int(count)
    ranked = sorted(people.values(), key=lambda p: (-round(p.hours, 6), -p.meetings, p.email))
    return [
        {"email": p.email, "name": p.name, "hours": round(p.hours, 2), "meetings": p.meetings}
        for p in ranked[:TOP]
    ]


def analytics_compute(
    *, calendars: Sequence[Calendar], window: Window, tz: ZoneInfo, work: WorkingHours
) -> Report:
    """The report of these calendars over the window (both bounds needed)."""
    busy = busy_in(calendars=calendars, window=window)
    return analytics_report(busy=busy, window=window, tz=tz, work=work)


# -- the user's side: zone, working hours, calendars --------------------------------------------


@dataclass(frozen=True)
class Setup:
    time_zone: str
    work: WorkingHours
    source: str = "preferences"  # or "google": the primary calendar's workingHours

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def working_hours(self) -> dict[str, Any]:
        return {
            "start": self.work.start.strftime("%H:%M"),
            "end": self.work.end.strftime("%H:%M"),
            "days": list(self.work.days),
            "time_zone": self.time_zone,
            "source": self.source,
        }


def analytics_setup(*, user: Any, time_zone: str | None = None) -> Setup:
    """The zone (asked for, else the user's preference, else their primary calendar's, else
    UTC) and the working hours: the user's preferences once they changed them from the
    defaults, else their primary calendar's working hours at Google when it has some, else the
    defaults (09:00-17:00, Monday to Friday)."""
    preferences = preferences_get(user=user)
    name = time_zone or preferences.time_zone or _primary_zone(user) or "UTC"
    days = tuple(sorted({int(d) for d in preferences.work_days or [] if 0 <= int(d) <= 6}))
    work = WorkingHours(start=preferences.work_start, end=preferences.work_end, days=days)
    google = daily_span(_primary(user, "working_hours")) if work == WorkingHours() else None
    if google is not None:
        return Setup(time_zone=name, work=WorkingHours(*google), source="google")
    return Setup(time_zone=name, work=work)


def _primary(user: Any, column: str) -> Any:
    """A column of the user's first connected primary calendar (None without one)."""
    return (
        Calendar.objects.filter(account__user=user, primary=True)
        .order_by("account__connected_at", "account_id")
        .values_list(column, flat=True)
        .first()
    )


def _primary_zone(user: Any) -> str:
    primary = _primary(user, "time_zone")
    try:
        return ZoneInfo(primary).key if primary else ""
    except (ValueError, KeyError):
        return ""


def week_start(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Monday 00:00 (local) of the week holding `moment`, in UTC."""
    day = moment.astimezone(tz).date()
    monday = day - dt.timedelta(days=day.weekday())
    return dt.datetime.combine(monday, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def weeks_after(start: dt.datetime, weeks: int, tz: ZoneInfo) -> dt.datetime:
    """`weeks` local weeks after `start` (a local midnight), across DST changes."""
    local = start.astimezone(tz).date() + dt.timedelta(weeks=weeks)
    return dt.datetime.combine(local, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def report_answer(
    report: Report, *, window: Window, setup: Setup, calendars: Sequence[Calendar]
) -> dict[str, Any]:
    """The API's answer: the report with what it was computed over."""
    assert window.low is not None and window.high is not None
    return {
        "time_min": window.low.astimezone(setup.tz),
        "time_max": window.high.astimezone(setup.tz),
        "time_zone": setup.time_zone,
        "calendars": [c.google_id for c in calendars],
        "working_hours": setup.working_hours(),
        "total_event_hours": report.total_event_hours,
        "meeting_hours": report.meeting_hours,
        "after_hours_hours": report.after_hours_hours,
        "meetings": report.meetings,
        "focus_blocks": report.focus_blocks,
        "top_collaborators": report.top_collaborators,
        "by_day": report.by_day,
    }
