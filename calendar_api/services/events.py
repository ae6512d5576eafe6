"""Events: reads from the local store, writes to Google first and then to the store.

Writes carry the stored etag as If-Match, so a change made meanwhile at Google answers 412
(`precondition_failed`) instead of being overwritten. What Google returns is upserted into the
store at once, so a client reads its own writes before the next sync. An instance that was never
changed exists only as part of its series (nothing stored to compare with): it is written
without If-Match, and from then on it is an exception with its own stored etag.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from calendar_api.exceptions import ApiError
from calendar_api.google.client import GoogleClient
from calendar_api.google.errors import GoogleConflict, GoogleError, PreconditionFailed
from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import event_time, zone
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Event
from calendar_api.pagination import Cursor, Page, page_list, page_queryset
from calendar_api.reads.owned import event_row, series_rows
from calendar_api.services import instances
from calendar_api.services.sync import events_store
from calendar_api.services.tokens import google_for

LIVE = frozenset({"confirmed", "tentative"})
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
NOT_COPIED_TO_SPLIT = {"id", "recurrence", "etag", "kind", "htmlLink", "created", "updated"}
NOT_COPIED_TO_SPLIT |= {"iCalUID", "creator", "organizer", "sequence", "hangoutLink"}


class CalendarNotSynced(ApiError):
    status_code = 409
    code = "calendar_not_synced"
    default_detail = (
        "This calendar is not synced, so its events are not stored here. Turn sync on with "
        'PATCH /rest/v1/calendars/{calendar_id}/ {"sync_enabled": true}.'
    )


class InstanceCancelled(ApiError):
    code = "instance_cancelled"
    default_detail = (
        "This instance was cancelled: give its start and end to start the new series from it."
    )


class NotRecurring(ApiError):
    code = "not_recurring"
    default_detail = "This event is not a recurring series (or an instance of one)."


@dataclass(frozen=True)
class Target:
    """The event a request names: a stored row, or an instance generated from its series.
    `data` is what our API shows (an instance named by our id); `google_id` is Google's id
    of the event, "" for an instance the store has not seen from Google (found at Google by
    its series and original start before any write, see `_google_id`)."""

    calendar: Calendar
    data: dict[str, Any]
    etag: str  # "" for a generated instance: nothing stored to guard it with
    google_id: str = ""
    series_etag: str = ""  # a generated instance's series: what its content comes from

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def version(self) -> str:
        """The etag a client sees and sends back as If-Match: the stored event's own, or for
        an instance generated from its series, the series' (a change to the series is the
        only way such an instance changes; the first change of the instance itself at Google
        makes it an exception with an etag of its own)."""
        return self.etag or self.series_etag


@dataclass(frozen=True)
class EventQuery:
    window: Window = field(default_factory=Window)
    q: str = ""
    statuses: frozenset[str] = LIVE
    updated_min: dt.datetime | None = None
    single_events: bool = False


def calendar_require_synced(*, calendar: Calendar) -> Calendar:
    if not calendar.sync_enabled or calendar.last_synced_at is None:
        raise CalendarNotSynced()
    return calendar


def _google(calendar: Calendar) -> contextlib.AbstractContextManager[GoogleClient]:
    return google_for(calendar.account)


# -- reads: the store only ---------------------------------------------------------------------


def event_target(*, calendar: Calendar, event_id: str) -> Target:
    """The stored event, or the instance one of our instance ids names; 404 otherwise.
    Our instance ids are `<seriesId>_<original start>` (see services/instances.py); they are
    ours, so reading them back is safe, and Google's own ids are never parsed."""
    tz = calendar.time_zone
    row = event_row(calendar=calendar, event_id=event_id)
    if row is not None:
        return Target(calendar, instances.shown_id(row.data, tz), row.etag, row.google_id)
    split = recurrence.split_instance_id(event_id)
    master = event_row(calendar=calendar, event_id=split[0]) if split else None
    if split is None or master is None or not master.is_recurring or master.status == "cancelled":
        raise Http404("No such event.")
    for exception in series_rows(calendar=calendar, series_ids=[master.google_id]):
        shown = instances.shown_id(exception.data, tz)
        if shown["id"] == event_id:
            return Target(calendar, shown, exception.etag, exception.google_id)
    start = recurrence.find_occurrence(master.data, split[1], tz)
    if start is None:
        raise Http404("No such event.")
    generated = recurrence.make_instance(master.data, start, tz)
    return Target(calendar, generated, "", series_etag=master.etag)


def _google_id(target: Target) -> str:
    """Google's id of the target; for an instance never seen from Google, asked of Google by
    its series and original start (events.instances), never built from them."""
    if target.google_id:
        return target.google_id
    calendar = target.calendar
    series_id = str(target.data.get("recurringEventId") or "")
    original = target.data.get("originalStartTime") or {}
    when = str(original.get("dateTime") or original.get("date") or "")
    with _google(calendar) as google:
        found = google.event_instance_at(calendar.google_id, series_id, when)
    if found is None or not found.get("id"):
        raise Http404("No such event at Google.")
    return str(found["id"])


def _search(rows: QuerySet[Event], text: str) -> QuerySet[Event]:
    """Google's `q`: summary, description, location, attendees and organizer."""
    found = Q(summary__icontains=text)
    for key in ("description", "location", "attendees", "organizer"):
        rows = rows.annotate(**{f"q_{key}": Cast(KeyTextTransform(key, "data"), TextField())})
        found |= Q(**{f"q_{key}__icontains": text})
    return rows.filter(found)


def _rows(calendar: Calendar, query: EventQuery) -> QuerySet[Event]:
    rows = Event.objects.filter(calendar=calendar)
    statuses = query.statuses
    if query.updated_min is not None:
        rows = rows.filter(updated__gte=query.updated_min)
    rows = rows.filter(status__in=statuses)
    return _search(rows, query.q) if query.q else rows


def _series_over(calendar: Calendar, rows: QuerySet[Event], window: Window) -> list[str]:
    """Series that started before the window but have no instance in it."""
    masters = rows.filter(is_recurring=True, start__lt=window.low).values_list("google_id", "data")
    over = []
    for google_id, data in masters:
        with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
            found, cut = recurrence.occurrences(data, calendar.time_zone, window)
            if not found and not cut:
                over.append(google_id)
    return over


def _in_window(calendar: Calendar, rows: QuerySet[Event], window: Window) -> QuerySet[Event]:
    """Google's bounds: time_max is exclusive on the start, time_min exclusive on the end; a
    series counts when any of its instances is in the window."""
    if window.high is not None:
        rows = rows.filter(start__lt=window.high)
    if window.low is not None:
        over = _series_over(calendar, rows, window)
        series = Q(is_recurring=True) & ~Q(google_id__in=over)
        rows = rows.filter(Q(is_recurring=False, end__gt=window.low) | series)
    return rows


def events_list(
    *,
    calendar: Calendar,
    query: EventQuery,
    size: int,
    cursor: Cursor | None,
    shown: ZoneInfo | None = None,
    version: int | None = None,
) -> Page:
    """A page of the calendar's events by start: series as their masters (and exceptions), or,
    with `single_events`, expanded into their instances as Google's singleEvents does. With
    `shown`, a page the read model answers holds RawJSON texts already in that zone; with
    `version` (the calendar's read_version as this request loaded it), such a page may be one
    kept from an earlier request (see window_text)."""
    if query.single_events and _plain(query):
        stored = instances.instances_page(
            calendar=calendar,
            window=query.window,
            size=size,
            cursor=cursor,
            shown=shown,
            version=version,
        )
        if stored is not None:
            return stored
    rows = _rows(calendar, query)
    if query.single_events:
        items = _expanded(calendar, rows, query.window)
        return page_list(items, size=size, cursor=cursor, key=lambda e: _key(e, calendar))
    rows = _in_window(calendar, rows, query.window).only("start", "google_id", "data")
    if "cancelled" in query.statuses:  # a cancelled instance may carry no start: first
        rows = rows.annotate(sort_start=Coalesce("start", Value(EPOCH, DateTimeField())))
        page = page_queryset(rows, size=size, cursor=cursor, start="sort_start")
    else:
        page = page_queryset(rows, size=size, cursor=cursor)
    return replace(page, items=[row.data for row in page.items])


def _plain(query: EventQuery) -> bool:
    """A bare window of live events: what the read model's rows answer."""
    return not query.q and query.updated_min is None and query.statuses == LIVE


def expanded_events(*, calendar: Calendar, window: Window) -> list[dict[str, Any]]:
    """The calendar's live events in `window`, series expanded on demand (for windows outside
    the read model's horizon)."""
    return _expanded(calendar, _rows(calendar, EventQuery(window=window)), window)


def _key(event: dict[str, Any], calendar: Calendar) -> tuple[dt.datetime, str]:
    start, _ = event_time(event.get("start"), calendar.time_zone)
    return start or dt.datetime.min.replace(tzinfo=dt.UTC), str(event.get("id", ""))


def _overlaps(event: dict[str, Any], calendar: Calendar, window: Window) -> bool:
    start, _ = event_time(event.get("start"), calendar.time_zone)
    end, _ = event_time(event.get("end"), calendar.time_zone)
    if start is None:
        return False
    late = window.high is not None and start >= window.high
    early = window.low is not None and (end or start) <= window.low
    return not late and not early


def _expanded(calendar: Calendar, rows: QuerySet[Event], window: Window) -> list[dict[str, Any]]:
    tz = calendar.time_zone
    singles = _in_window(calendar, rows.filter(is_recurring=False), window)
    items = [instances.shown_id(data, tz) for data in singles.values_list("data", flat=True)]
    masters = list(_in_window(calendar, rows.filter(is_recurring=True), window))
    replaced = {
        instances.shown_id(e.data, tz)["id"]
        for e in series_rows(calendar=calendar, series_ids=[m.google_id for m in masters])
    }
    for master in masters:
        with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
            found, _ = recurrence.occurrences(master.data, tz, window)
            made = (recurrence.make_instance(master.data, s, tz) for s in found)
            items += [i for i in made if i["id"] not in replaced]
    return sorted(items, key=lambda e: _key(e, calendar))


def event_instances(
    *,
    calendar: Calendar,
    series_id: str,
    window: Window,
    show_deleted: bool,
    size: int,
    cursor: Cursor | None,
) -> Page:
    """A page of a series' instances (as Google's events.instances), from the store."""
    master = event_row(calendar=calendar, event_id=series_id)
    if master is None:
        raise Http404("No such event.")
    if not master.is_recurring:
        raise NotRecurring()
    tz = calendar.time_zone
    exceptions = [
        instances.shown_id(row.data, tz)
        for row in series_rows(calendar=calendar, series_ids=[series_id])
    ]
    items: list[dict[str, Any]] = []
    if master.status != "cancelled":
        with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
            items, _ = recurrence.series_instances(
                master=master.data, exceptions=[], calendar_tz=calendar.time_zone, window=window
            )
    replaced = {e.get("id") for e in exceptions}
    items = [i for i in items if i["id"] not in replaced]
    shown = [e for e in exceptions if show_deleted or e.get("status") != "cancelled"]
    items += [e for e in shown if e.get("status") == "cancelled" or _overlaps(e, calendar, window)]
    items.sort(key=lambda e: _key(e, calendar))
    return page_list(items, size=size, cursor=cursor, key=lambda e: _key(e, calendar))


# -- writes: Google first, then the store -----------------------------------------------------


def event_create(
    *, calendar: Calendar, body: dict[str, Any], send_updates: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Insert at Google and store; returns (event, created). With a client-chosen `id`, a retry
    finds Google's 409 `duplicate` and returns the event that exists (created=False). Without
    one we choose the id (base32hex, as Google allows), so our own retries after a timeout or
    a 5xx can never create the event twice."""
    body = {**body, "id": body.get("id") or uuid.uuid4().hex}
    conference = "conferenceData" in body
    try:
        with _google(calendar) as google:
            event = google.event_insert(
                calendar.google_id, body, send_updates=send_updates, conference=conference
            )
        created = True
    except GoogleConflict:
        if not body.get("id"):
            raise
        with _google(calendar) as google:
            event = google.event_get(calendar.google_id, body["id"])
        if event.get("status") == "cancelled":
            raise GoogleConflict(
                "This id belonged to an event that was deleted; pick another."
            ) from None
        created = False
    events_store(calendar=calendar, items=[event])
    return event, created


@contextlib.contextmanager
def _guarded(target: Target, google_id: str) -> Iterator[GoogleClient]:
    """For a write guarded by the stored etag. When Google answers 412 (the event changed
    there since our last sync), Google's version is stored before the 412 goes on to the
    client, so that the client told to reload reads it at once (Google's error guide: on
    412, re-fetch, then re-apply)."""
    calendar = target.calendar
    with _google(calendar) as google:
        try:
            yield google
        except PreconditionFailed:
            with contextlib.suppress(GoogleError):
                current = google.event_get(calendar.google_id, google_id)
                events_store(calendar=calendar, items=[current])
            raise


def event_update(
    *,
    target: Target,
    body: dict[str, Any],
    partial: bool,
    send_updates: str | None = None,
) -> dict[str, Any]:
    """PUT (replace) or PATCH the event at Google, guarded by its stored etag; then store."""
    calendar = target.calendar
    google_id = _google_id(target)
    with _guarded(target, google_id) as google:
        event = google.event_update(
            calendar.google_id,
            google_id,
            body,
            etag=target.etag,
            partial=partial,
            send_updates=send_updates,
            conference="conferenceData" in body,
        )
    events_store(calendar=calendar, items=[event])
    return instances.shown_id(event, calendar.time_zone)


def event_delete(*, target: Target, send_updates: str | None = None) -> None:
    """Delete at Google (guarded by the stored etag), then store what Google now holds: the
    cancelled event, and for a series, its exceptions cancelled too."""
    calendar = target.calendar
    google_id = _google_id(target)
    with _guarded(target, google_id) as google:
        google.event_delete(
            calendar.google_id, google_id, etag=target.etag, send_updates=send_updates
        )
    _store_cancelled(target, google_id)


def _store_cancelled(target: Target, google_id: str) -> None:
    calendar = target.calendar
    try:
        with _google(calendar) as google:
            gone = google.event_get(calendar.google_id, google_id)
    except GoogleError:  # the next sync brings Google's version; the store is right meanwhile
        gone = {**target.data, "id": google_id, "status": "cancelled"}
    items = [gone]
    if target.data.get("recurrence"):
        exceptions = series_rows(calendar=calendar, series_ids=[google_id])
        items += [{**row.data, "status": "cancelled"} for row in exceptions]
    events_store(calendar=calendar, items=items)


# -- "this and following": split the series as Google Calendar's UI does ----------------------


def _split_point(target: Target) -> tuple[Event, dt.datetime]:
    """The series row of an instance and the instance's original start."""
    series_id = str(target.data.get("recurringEventId") or "")
    master = event_row(calendar=target.calendar, event_id=series_id) if series_id else None
    original = target.data.get("originalStartTime")
    if master is None or not original:
        raise NotRecurring("Only an instance of a recurring series can start 'this and following'.")
    tz = target.calendar.time_zone
    return master, recurrence.dtstart({"start": {**master.data["start"], **original}}, tz)


def _truncate(master: Event, calendar: Calendar, lines: list[str]) -> dict[str, Any]:
    with _google(calendar) as google:
        event = google.event_update(
            calendar.google_id,
            master.google_id,
            {"recurrence": lines},
            etag=master.etag,
            partial=True,
        )
    events_store(calendar=calendar, items=[event])
    return event


def _done_before(master: Event, calendar: Calendar, original: dt.datetime) -> int:
    found, _ = recurrence.occurrences(
        master.data, calendar.time_zone, Window(high=_utc(original, calendar))
    )
    return len(found)


def _utc(moment: dt.datetime, calendar: Calendar) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone(calendar.time_zone)).astimezone(dt.UTC)
    return moment.astimezone(dt.UTC)


def _new_series_body(
    target: Target, master: Event, body: dict[str, Any], partial: bool, done: int
) -> dict[str, Any]:
    result = {**_split_base(target, master, body), **body} if partial else dict(body)
    result.setdefault("recurrence", recurrence.remaining_lines(master.data["recurrence"], done))
    return result


def _split_base(target: Target, master: Event, body: dict[str, Any]) -> dict[str, Any]:
    """What a PATCH of "this and following" keeps: the series' fields at this instance's times.
    A cancelled instance keeps no times of its own, so the body must give them."""
    base = {k: v for k, v in master.data.items() if k not in NOT_COPIED_TO_SPLIT}
    base.pop("status", None)
    if "start" in target.data and "end" in target.data:
        base.update(start=target.data["start"], end=target.data["end"])
    elif not {"start", "end"} <= body.keys():
        raise InstanceCancelled()
    return base


def _cancel_following(calendar: Calendar, series_id: str, original: dt.datetime) -> None:
    """Exceptions of the old series from the split on: Google Calendar removes them too."""
    for row in series_rows(calendar=calendar, series_ids=[series_id]):
        if row.status == "cancelled":
            continue
        started = event_time(row.data.get("originalStartTime"), calendar.time_zone)[0]
        if started is not None and started >= _utc(original, calendar):
            with contextlib.suppress(GoogleError):
                event_delete(target=Target(calendar, row.data, row.etag, row.google_id))


def event_split(
    *, target: Target, body: dict[str, Any] | None, partial: bool, send_updates: str | None = None
) -> dict[str, Any] | None:
    """Change (or, with body None, delete) this instance and all following ones: end the old
    series with UNTIL just before it and start a new series there. From the first instance on,
    this is the whole series. Returns the new series (None for a delete)."""
    calendar = target.calendar
    master, original = _split_point(target)
    done = _done_before(master, calendar, original)
    if done == 0:
        whole = Target(calendar, master.data, master.etag, master.google_id)
        if body is None:
            event_delete(target=whole, send_updates=send_updates)
            return None
        return event_update(target=whole, body=body, partial=partial, send_updates=send_updates)
    old_lines = list(master.data["recurrence"])
    new_body = (
        _new_series_body(target, master, body or {}, partial, done) if body is not None else None
    )
    truncated = _truncate(master, calendar, recurrence.truncated_lines(old_lines, original))
    _cancel_following(calendar, master.google_id, original)
    if new_body is None:
        return None
    try:
        created, _ = event_create(calendar=calendar, body=new_body, send_updates=send_updates)
    except GoogleError:  # put the old series back as it was, then report the failure
        restored = Event(
            google_id=master.google_id, etag=str(truncated.get("etag", "")), data=truncated
        )
        with contextlib.suppress(GoogleError):
            _truncate(restored, calendar, old_lines)
        raise
    return created
