"""The items an events query returns, sorted by a stable key, rendered once and cached.

The cache is keyed by the calendar's last change sequence and the query, so paging through
20,000 events filters, expands, sorts and serialises the calendar once, not once per page.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google_emulator.calendar import recurrence, times
from google_emulator.calendar.common import dumps
from google_emulator.calendar.query import Query
from google_emulator.calendar.tokens import SortKey
from google_emulator.state.calendar import Calendar, Event

CACHE_SIZE = 16
TEXT_FIELDS = ("summary", "description", "location")
CANCELLED_KEEPS = (
    "kind",
    "etag",
    "id",
    "status",
    "updated",
    "recurringEventId",
    "originalStartTime",
)


@dataclass
class Rows:
    keys: list[SortKey]
    texts: list[str]  # each item's JSON


_cache: OrderedDict[tuple[Any, ...], Rows] = OrderedDict()


def rows(epoch: str, calendar: Calendar, query: Query) -> Rows:
    key = (epoch, calendar.id, calendar.version, len(calendar.events), query)
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    pairs = sorted(_select(calendar, query), key=lambda pair: pair[0])
    result = Rows([k for k, _ in pairs], [dumps(render(e, query)) for _, e in pairs])
    _cache[key] = result
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def _span(event: Event, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = event.get("start") or event.get("originalStartTime") or {}
    end = event.get("end") or start
    return times.edge(start, tz), times.edge(end, tz)


def _in_window(start: dt.datetime, end: dt.datetime, query: Query) -> bool:
    if query.time_max is not None and start >= query.time_max:
        return False
    return query.time_min is None or end > query.time_min


def _matches_terms(event: Event, terms: tuple[str, ...]) -> bool:
    if not terms:
        return True
    people = [*(event.get("attendees") or []), event.get("organizer") or {}]
    parts = [str(event.get(name, "")) for name in TEXT_FIELDS]
    parts += [f"{p.get('displayName', '')} {p.get('email', '')}" for p in people]
    haystack = " ".join(parts).lower()
    return all(term in haystack for term in terms)


def _matches_properties(event: Event, query: Query) -> bool:
    props = event.get("extendedProperties") or {}
    for scope, wanted in (("private", query.private), ("shared", query.shared)):
        have = props.get(scope) or {}
        if any(have.get(k) != v for k, v in wanted):
            return False
    return True


def _matches(event: Event, query: Query) -> bool:
    if query.updated_min and event.get("updated", "") < query.updated_min:
        return False
    if query.ical_uid and event.get("iCalUID") != query.ical_uid:
        return False
    if query.event_types and event.get("eventType", "default") not in query.event_types:
        return False
    return _matches_terms(event, query.terms) and _matches_properties(event, query)


def _visible(event: Event, query: Query) -> bool:
    if event.get("status") != "cancelled" or query.includes_deleted:
        return True
    # Google: cancelled instances stay in the result when showDeleted and singleEvents are off
    return not query.single and "recurringEventId" in event


def _sort_key(calendar: Calendar, event: Event, query: Query, owner_id: str) -> SortKey:
    if query.order == "startTime" or query.only:  # events.instances: always by start
        start = _span(event, query.tz)[0]
        return int(start.timestamp()), event["id"]
    if query.order == "updated":
        return calendar.changed.get(event["id"]) or calendar.changed.get(owner_id, 0), event["id"]
    return calendar.created.get(owner_id, 0), event["id"]


def _select(calendar: Calendar, query: Query) -> Iterator[tuple[SortKey, Event]]:
    exceptions = _exceptions_by_master(calendar) if query.single or query.only else {}
    for event_id, event in _candidates(calendar, query):
        master_id = event.get("recurringEventId")
        if query.single and event.get("recurrence"):
            yield from _instances(calendar, event, exceptions.get(event_id, {}), query)
            continue
        if query.single and master_id and _master_expanded(calendar, master_id, query):
            continue  # already given as one of its master's instances
        if not (_visible(event, query) and _matches(event, query)):
            continue
        if _overlaps(event, query):
            yield _sort_key(calendar, event, query, event_id), event


def _candidates(calendar: Calendar, query: Query) -> Iterator[tuple[str, Event]]:
    if query.only:
        master = calendar.events.get(query.only)
        if master is not None:
            yield query.only, master
        return
    for event_id, event in calendar.events.items():
        if query.since is None or calendar.changed.get(event_id, 0) > query.since:
            yield event_id, event


def _master_expanded(calendar: Calendar, master_id: str, query: Query) -> bool:
    """Whether the master of an exception also appears (and so is expanded) in this result."""
    if master_id not in calendar.events:
        return False
    return query.since is None or calendar.changed.get(master_id, 0) > query.since


def _overlaps(event: Event, query: Query) -> bool:
    if query.time_min is None and query.time_max is None:
        return True
    if not event.get("recurrence"):
        return _in_window(*_span(event, query.tz), query)
    length = recurrence.duration(event)
    for start in recurrence.occurrences(event, after=query.time_min):
        begin = _localise(start, query.tz)
        if _in_window(begin, begin + length, query):
            return True
    return False


def _localise(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _exceptions_by_master(calendar: Calendar) -> dict[str, dict[str, Event]]:
    found: dict[str, dict[str, Event]] = {}
    for event_id, event in calendar.events.items():
        master_id = event.get("recurringEventId")
        if master_id:
            found.setdefault(master_id, {})[event_id] = event
    return found


def _instances(
    calendar: Calendar, master: Event, exceptions: dict[str, Event], query: Query
) -> Iterator[tuple[SortKey, Event]]:
    master_cancelled = master.get("status") == "cancelled"
    if master_cancelled and query.since is None and not query.show_deleted:
        return
    for start in recurrence.occurrences(master, after=query.time_min):
        instance_id = recurrence.instance_id(master, start)
        if query.original_start and recurrence.instance_suffix(start) != query.original_start:
            continue
        instance = exceptions.get(instance_id) or recurrence.make_instance(master, start)
        if master_cancelled:
            instance = {**instance, "status": "cancelled"}
        if not (_visible(instance, query) and _matches(instance, query)):
            continue
        if _overlaps(instance, query):
            yield _sort_key(calendar, instance, query, master["id"]), instance


def render(event: Event, query: Query) -> Event:
    """The item as a response shows it: times in the response's zone, cancelled ones short."""
    if event.get("status") == "cancelled" and "recurringEventId" in event:
        event = {k: v for k, v in event.items() if k in CANCELLED_KEEPS}
    tz = query.tz
    shown = dict(event)
    for name in ("start", "end", "originalStartTime"):
        if name in shown:
            shown[name] = times.render(shown[name], tz)
    attendees = shown.get("attendees")
    if query.max_attendees and attendees and len(attendees) > query.max_attendees:
        shown["attendees"] = [a for a in attendees if a.get("self")]
        shown["attendeesOmitted"] = True
    return shown
