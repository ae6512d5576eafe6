"""Google Calendar events (as stored: masters, exceptions, single events) written as an
iCalendar feed (RFC 5545) with the `icalendar` library.

- A series is one VEVENT with its RRULE/EXRULE/RDATE/EXDATE lines; its cancelled instances
  are added as EXDATE; its changed instances are VEVENTs with the series' UID and a
  RECURRENCE-ID (the instance's original start, in the series' zone).
- Timed events carry TZID (their own zone, else their calendar's), and every TZID gets a
  VTIMEZONE built by icalendar (`Timezone.from_tzid`, what `add_missing_timezones` uses).
  All-day events are VALUE=DATE with an exclusive DTEND, as Google stores them.
- Google's `visibility` becomes CLASS (PRIVATE, CONFIDENTIAL; nothing for default and
  public, which is CLASS's own default); `busy` turns such a VEVENT into busy time only.

icalendar needs about a millisecond per VEVENT, so a 20,000-event feed cannot be built whole
per request. Each VEVENT is rendered once and kept as text (`IcsFragment`) with a digest of
what it was made from (the row's etag and update time; for a series also its cancelled
instances; for a changed instance also its series); a request re-renders only the fragments
whose digest changed, and joins the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import icalendar

from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import parse_rfc3339, zone
from calendar_api.kits.event_shape import ics_uid, text_fields

PRODID = "-//Google Calendar for Django//ICS feed//EN"
FORMAT = "2"  # bump when the rendering changes: every stored fragment is then rebuilt
PARTSTAT = {
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
    "needsAction": "NEEDS-ACTION",
}
CLASS = {"private": "PRIVATE", "confidential": "CONFIDENTIAL"}
# What a busy-only VEVENT keeps: when it is and how it repeats, never what it is or who is
# in it. A list of what stays, so that a property added to the rendering later is left out.
BUSY_KEEPS = frozenset(
    {"BEGIN", "END", "UID", "DTSTAMP", "DTSTART", "DTEND", "RECURRENCE-ID", "RRULE", "EXRULE"}
    | {"RDATE", "EXDATE", "STATUS", "TRANSP", "CLASS", "LAST-MODIFIED", "CREATED", "SEQUENCE"}
)
Moment = dt.date | dt.datetime


# -- what to render: decided from the indexed columns alone ------------------------------------


@dataclass(frozen=True)
class Row:
    """The columns of a stored event that decide whether and how it becomes a VEVENT."""

    pk: int
    google_id: str
    series_id: str  # recurringEventId, "" when none
    is_recurring: bool
    status: str
    version: str  # etag and update time: changes with every change at Google


@dataclass(frozen=True)
class Piece:
    """One VEVENT to write: the row it comes from, the rows it also depends on, a digest."""

    row: Row
    master: Row | None = None  # for a changed instance: its series
    cancelled: tuple[Row, ...] = ()  # for a series: its cancelled instances (EXDATE)
    digest: str = field(default="", compare=False)


def plan(rows: Iterable[Row], time_zone: str) -> list[Piece]:
    """The VEVENTs of one calendar: live single events, live series (with their cancelled
    instances), and the changed instances of live series."""
    rows = list(rows)
    masters = {r.google_id: r for r in rows if r.is_recurring}
    cancelled: dict[str, list[Row]] = {}
    for row in rows:
        if row.series_id in masters and row.status == "cancelled":
            cancelled.setdefault(row.series_id, []).append(row)
    pieces = []
    for row in rows:
        if row.status == "cancelled":
            continue
        master = masters.get(row.series_id)
        if row.is_recurring:
            gone = tuple(sorted(cancelled.get(row.google_id, []), key=lambda r: r.google_id))
            pieces.append(_digested(Piece(row, cancelled=gone), time_zone))
        elif master is None:
            pieces.append(_digested(Piece(row), time_zone))
        elif master.status != "cancelled":
            pieces.append(_digested(Piece(row, master=master), time_zone))
    return pieces


def _digested(piece: Piece, time_zone: str) -> Piece:
    parts = [FORMAT, time_zone, piece.row.version, piece.master.version if piece.master else ""]
    parts += [f"{r.google_id}:{r.version}" for r in piece.cancelled]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return Piece(piece.row, piece.master, piece.cancelled, digest)


# -- one VEVENT ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    text: str  # BEGIN:VEVENT ... END:VEVENT, CRLF line ends
    tzids: frozenset[str]
    key: str  # UID and RECURRENCE-ID: an invitation in two calendars is written once


def fragment(piece: Piece, data: dict[int, dict[str, Any]], time_zone: str) -> Fragment | None:
    """The VEVENT of `piece` (None for a series Google would not have accepted). `data` holds
    Google's Event resource of the piece's rows by primary key."""
    event = data[piece.row.pk]
    try:
        if piece.row.is_recurring:
            cancelled = [data[r.pk] for r in piece.cancelled]
            component = _series(event, cancelled, time_zone)
        elif piece.master is not None:
            component = _instance(event, data[piece.master.pk], time_zone)
        else:
            component = _vevent(event, time_zone, uid=ics_uid(event))
    except (ValueError, TypeError, KeyError, OverflowError):
        return None
    key = f"{component['UID']}|{component.get('RECURRENCE-ID', '')}"
    return Fragment(component.to_ical().decode(), frozenset(_tzids(component)), key)


def _tzids(component: icalendar.Event) -> set[str]:
    found = {getattr(v, "params", {}).get("TZID") for _, v in component.property_items()}
    return {str(tzid) for tzid in found if tzid and tzid != "UTC"}


def _series(master: dict[str, Any], cancelled: list[dict[str, Any]], tz: str) -> icalendar.Event:
    first = recurrence.dtstart(master, tz)
    head = _vevent(master, tz, uid=ics_uid(master))
    _add_recurrence(head, master.get("recurrence") or [], first)
    for exception in cancelled:
        original = _original(exception, master, first, tz)
        if original is not None:
            head.add("exdate", original)
    return head


def _instance(event: dict[str, Any], master: dict[str, Any], tz: str) -> icalendar.Event:
    first = recurrence.dtstart(master, tz)
    original = _original(event, master, first, tz)
    if original is None:
        return _vevent(event, tz, uid=ics_uid(event))
    return _vevent(event, tz, uid=ics_uid(master), recurrence_id=original)


def _original(
    exception: dict[str, Any], master: dict[str, Any], first: dt.datetime, tz: str
) -> Moment | None:
    """The instance's original start in the series' own form (a date, or its zone)."""
    edge = exception.get("originalStartTime") or {}
    if not edge:
        return None
    value = recurrence.dtstart({"start": {**master.get("start", {}), **edge}}, tz)
    if first.tzinfo is None or "date" in edge:
        return value.date()
    return value.astimezone(first.tzinfo)


def _vevent(
    event: dict[str, Any], tz: str, *, uid: str, recurrence_id: Moment | None = None
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", uid)
    stamp = _stamp(event.get("updated"))
    component.add("dtstamp", stamp)
    component.add("dtstart", _edge(event["start"], tz))
    component.add("dtend", _edge(event["end"], tz))
    if recurrence_id is not None:
        component.add("recurrence-id", recurrence_id)
    _describe(component, event, stamp)
    return component


def _describe(component: icalendar.Event, event: dict[str, Any], stamp: dt.datetime) -> None:
    for key, text in text_fields(event).items():
        component.add(key, text)
    if event.get("htmlLink"):
        component.add("url", str(event["htmlLink"]), parameters={"VALUE": "URI"})
    component.add("status", "TENTATIVE" if event.get("status") == "tentative" else "CONFIRMED")
    if event.get("visibility") in CLASS:
        component.add("class", CLASS[event["visibility"]])
    if event.get("transparency") == "transparent":
        component.add("transp", "TRANSPARENT")
    component.add("last-modified", stamp)
    if isinstance(event.get("created"), str):
        component.add("created", _stamp(event["created"]))
    if isinstance(event.get("sequence"), int):
        component.add("sequence", event["sequence"])
    _people(component, event)


def _people(component: icalendar.Event, event: dict[str, Any]) -> None:
    organizer = event.get("organizer") or {}
    if organizer.get("email"):
        component.add("organizer", _address(organizer))
    for attendee in event.get("attendees") or []:
        if not attendee.get("email"):
            continue
        address = _address(attendee)
        address.params["PARTSTAT"] = PARTSTAT.get(attendee.get("responseStatus"), "NEEDS-ACTION")
        optional = attendee.get("optional")
        address.params["ROLE"] = "OPT-PARTICIPANT" if optional else "REQ-PARTICIPANT"
        if attendee.get("resource"):
            address.params["CUTYPE"] = "RESOURCE"
        component.add("attendee", address, encode=False)


def _address(person: dict[str, Any]) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person['email']}")
    if person.get("displayName"):
        address.params["CN"] = str(person["displayName"])
    return address


def _stamp(value: Any) -> dt.datetime:
    try:
        return parse_rfc3339(str(value)).astimezone(dt.UTC).replace(microsecond=0)
    except ValueError:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _edge(value: dict[str, Any], tz: str) -> Moment:
    """A Google EventDateTime as iCalendar wants it: a date, or a time in its own zone."""
    if value.get("date"):
        return dt.date.fromisoformat(value["date"])
    moment = dt.datetime.fromisoformat(str(value["dateTime"]).replace("Z", "+00:00"))
    where = zone(value.get("timeZone"), tz)
    return moment.astimezone(where) if moment.tzinfo else moment.replace(tzinfo=where)


def _add_recurrence(component: icalendar.Event, lines: list[str], first: dt.datetime) -> None:
    for line in lines:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name in ("RRULE", "EXRULE"):
            component.add(name, icalendar.vRecur.from_ical(recurrence.rule_text(line, first)))
        elif name in ("RDATE", "EXDATE"):
            values = [_as_series(v, first) for v in recurrence.line_dates(line, first)]
            component.add(name, values)
        else:
            raise ValueError(f"Unknown recurrence line {line[:40]!r}.")


def _as_series(value: dt.datetime, first: dt.datetime) -> Moment:
    """An RDATE/EXDATE value in the form of the series' DTSTART (date, or its zone)."""
    return value.date() if first.tzinfo is None else value


def busy(piece: Fragment) -> Fragment:
    """A private or confidential VEVENT as busy time only: what BUSY_KEEPS names stays (times,
    recurrence, UID, TRANSP, CLASS), SUMMARY is "Busy", the rest goes. Other VEVENTs are
    returned as they are. Works on the stored text (a property and its folded continuation
    lines at a time), so that a busy feed costs no rendering."""
    if not any(f"\r\nCLASS:{value}\r\n" in piece.text for value in CLASS.values()):
        return piece
    kept = [p for p in _properties(piece.text) if _property_name(p) in BUSY_KEEPS]
    kept.insert(1, "SUMMARY:Busy\r\n")  # after BEGIN:VEVENT
    return Fragment("".join(kept), piece.tzids, piece.key)


def _properties(text: str) -> list[str]:
    """The content lines of `text`, each with its folded continuation lines (RFC 5545 3.1).
    Split at CRLF only: a value may hold other line breaks (U+2028) that str.splitlines
    would take for the start of a property."""
    found: list[str] = []
    for line in text.removesuffix("\r\n").split("\r\n"):
        if line[:1] in (" ", "\t") and found:
            found[-1] += line + "\r\n"
        else:
            found.append(line + "\r\n")
    return found


def _property_name(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].upper()


# -- the whole feed ------------------------------------------------------------------------------


def assemble(*, name: str, uid: str, fragments: Iterable[Fragment], refresh_minutes: int) -> bytes:
    """The VCALENDAR around the VEVENTs, with a VTIMEZONE for each TZID they use."""
    fragments = list(fragments)
    refresh = dt.timedelta(minutes=refresh_minutes)
    shell = icalendar.Calendar.new(prodid=PRODID, name=name, uid=uid, refresh_interval=refresh)
    shell.add("x-published-ttl", icalendar.vDuration(refresh))
    tzids = set().union(*(f.tzids for f in fragments)) if fragments else set()
    head = str(shell.to_ical().decode()).removesuffix("END:VCALENDAR\r\n")
    zones = "".join(_timezone(tzid) for tzid in sorted(tzids))
    body = "".join({f.key or str(n): f.text for n, f in enumerate(fragments)}.values())
    return (head + zones + body + "END:VCALENDAR\r\n").encode()


@functools.lru_cache(maxsize=256)
def _timezone(tzid: str) -> str:
    try:
        return str(icalendar.Timezone.from_tzid(tzid).to_ical().decode())
    except ValueError:  # a zone icalendar does not know: clients fall back to their own
        return ""
