"""The read model: every calendar's `singleEvents=true` view stored as indexed Instance rows.

What is stored: one row per single event and per changed instance (exception) that is not
cancelled, and one per unchanged instance of each series inside the calendar's horizon
[instances_from, instances_until) (INSTANCES_PAST_DAYS back, INSTANCES_FUTURE_DAYS ahead; a
periodic job moves it on). Rows are rebuilt in the transaction that stores their events, so a
window query always sees the store as it is. A row points at the stored event that renders it
(for an unchanged instance, its series' master) and carries the id our API shows: Google's id
for a single event, `<seriesId>_<original start>` for an instance of a series (ours, stable
across syncs and edits; Google's own instance ids are opaque and never built or parsed here).

How a window is answered: one indexed query on (calendar, start, end), bounded below by the
calendar's longest instance, then serialization; see `instances_in_window`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from calendar_api.conf import app_settings
from calendar_api.db import bulk
from calendar_api.kits.event_fields import EventRow
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Event, Instance
from calendar_api.services.instance_build import Row, series_rows, single_row

BATCH = 1000
# Series built and written together: a daily series has some 1,100 rows over the horizon, so
# a page of series (or a rebuild) is written a few series at a time, in flat memory.
SERIES_BATCH = 20
INSERT_COLUMNS = (
    "calendar_id",
    "event_id",
    "key",
    "series_id",
    "original_start",
    "start",
    "end",
    "busy",
)
SOURCE_FIELDS = (
    "pk",
    "google_id",
    "status",
    "start",
    "end",
    "recurring_event_id",
    "is_recurring",
    "data",
)


# -- the horizon ----------------------------------------------------------------------------


def horizon(*, now: dt.datetime | None = None) -> Window:
    """The span the store keeps series instances for, in whole UTC days."""
    today = (now or timezone.now()).astimezone(dt.UTC)
    today = today.replace(hour=0, minute=0, second=0, microsecond=0)
    return Window(
        low=today - dt.timedelta(days=app_settings.INSTANCES_PAST_DAYS),
        high=today + dt.timedelta(days=app_settings.INSTANCES_FUTURE_DAYS + 1),
    )


# -- keeping rows current -------------------------------------------------------------------


def _sources(calendar: Calendar, *lookups: Q) -> list[Event]:
    """The stored events the rows are built from (any lookup), in the order they were stored.
    One query per lookup, unordered, so that each is a search of its own index: given an OR,
    or Event's default order by start, SQLite walked every event of the calendar."""
    found: dict[int, Event] = {}
    for lookup in lookups:
        rows = Event.objects.filter(lookup, calendar=calendar).order_by()
        found.update((row.pk, row) for row in rows.only(*SOURCE_FIELDS))
    return [found[pk] for pk in sorted(found)]


def _series_of(item: dict[str, Any]) -> str:
    if item.get("recurrence"):
        return str(item.get("id") or "")
    return str(item.get("recurringEventId") or "")


def affected(items: Iterable[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(series ids, single event ids) whose rows the stored `items` change."""
    series: set[str] = set()
    singles: set[str] = set()
    for item in items:
        event_id = str(item.get("id") or "")
        owner = _series_of(item)
        if owner:
            series.add(owner)
        if event_id:
            singles.add(event_id)  # may have been a single event until this change
    return series, singles


def instances_refresh(
    *,
    calendar: Calendar,
    series_ids: set[str],
    event_ids: set[str],
    fresh: bool = False,
    noted: dict[str, Any] | None = None,
) -> int:
    """Rebuild the rows of the given series and events (after their events were stored).
    `fresh`: the calendar has no rows for them yet (a full sync), so nothing is deleted.
    `noted`: the calendar's new read version (and longest row) are put there for the
    caller's own update of the calendar (a sync's), instead of an update of their own."""
    span = _span_of(calendar)
    if not fresh:
        # A changed event may be (or have been) a series: its rows go, and it is rebuilt as one.
        series_ids = series_ids | event_ids
        _delete_rows(calendar, series_ids, event_ids)
    rows: list[Row] = []
    singles: set[str] = set()  # stored as single events: no series rows to build for them
    for row in _sources(calendar, Q(google_id__in=event_ids)):
        if not row.recurring_event_id and not row.is_recurring:
            singles.add(row.google_id)
            rows += [r for r in [single_row(calendar, row)] if r is not None]
    _save(calendar, rows, noted)
    written = len(rows) + _save_series(calendar, sorted(series_ids - singles - {""}), span, noted)
    if noted is not None:
        noted["read_version"] = NEXT_VERSION
    elif not fresh and not written:  # rows deleted, none written: the version is noted here
        calendar_read_changed(calendar_id=calendar.pk)
    return written


def _delete_rows(calendar: Calendar, series_ids: set[str], event_ids: set[str]) -> None:
    """Two deletes, each on its index: as one (series or event, through a join) it scanned
    every row of the calendar, 150 ms of a 10-change sync at 45,000 rows. The caller notes
    the change of version (the insert of the new rows does, or instances_refresh)."""
    Instance.objects.filter(calendar=calendar, series_id__in=series_ids).delete()
    events = Event.objects.filter(calendar=calendar, google_id__in=event_ids).order_by()
    Instance.objects.filter(event__in=events.values("pk")).delete()


# The calendar's next read_version, for the update that notes a change to its rows.
NEXT_VERSION = F("read_version") + 1


def calendar_read_changed(*, calendar_id: int) -> None:
    """Note a change to the calendar's rows, after it was written and in its transaction: a
    page kept by window_text under an older version is never served again. Every write of
    rows bumps the version: here, or in the calendar update it makes anyway (_save, reset,
    drop). Events are only written in a transaction that also rebuilds, resets or drops their
    rows (events_store, a sync, a disconnect), so their changes need no bump of their own."""
    Calendar.objects.filter(pk=calendar_id).update(read_version=NEXT_VERSION)


def instances_add_singles(*, calendar: Calendar, events: list[EventRow]) -> int:
    """Rows for the single events among freshly stored `events` (a full sync's page): built
    from the rows in hand; only their ids are read back, by index."""
    singles = [e for e in events if not e.is_recurring and not e.recurring_event_id]
    _read_pks(calendar, singles)
    rows = [row for row in (single_row(calendar, event) for event in singles) if row]
    _save(calendar, rows)
    return len(rows)


def _read_pks(calendar: Calendar, events: list[EventRow]) -> None:
    """Fill in the row ids the bulk upsert did not give back (read by index)."""
    missing = [e.google_id for e in events if e.pk is None]
    if not missing:
        return
    found = Event.objects.filter(calendar=calendar, google_id__in=missing).order_by()
    pks = dict(found.values_list("google_id", "pk"))
    for event in events:
        event.pk = event.pk or pks.get(event.google_id)


class FullBuild:
    """The rows of a full sync, built page by page (while the next page is being fetched):
    single events at once, a series as soon as its master arrives; a series whose exception
    comes after it, or whose master never comes, is built once more at the end."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.span = _span_of(calendar)
        self.built: set[str] = set()
        self.later: set[str] = set()

    def page(self, events: list[EventRow]) -> None:
        masters = {e.google_id for e in events if e.is_recurring}
        for event in events:
            if event.recurring_event_id and event.recurring_event_id not in masters:
                self.later.add(event.recurring_event_id)
        if masters:
            _save_series(self.calendar, sorted(masters), self.span)
            self.built |= masters
        # Last: the insert of its rows runs behind (bulk.writes_behind) while the next page's
        # rows are built, up to that page's upsert.
        instances_add_singles(calendar=self.calendar, events=events)

    def finish(self) -> None:
        again = sorted(self.later)
        for chunk in _chunks(again, BATCH):
            Instance.objects.filter(calendar=self.calendar, series_id__in=chunk).delete()
            _save_series(self.calendar, chunk, self.span)
        if again:
            calendar_read_changed(calendar_id=self.calendar.pk)


def _save_series(
    calendar: Calendar, series_ids: list[str], span: Window, noted: dict[str, Any] | None = None
) -> int:
    """Build and write the rows of the series, SERIES_BATCH at a time; returns how many. The
    stored events of the next batch are read before this batch's rows are inserted, so that
    in a full sync the insert runs behind (bulk.writes_behind) while the next rows are built:
    any read waits for the inserts before it."""
    done = 0
    chunks = list(_chunks(series_ids, SERIES_BATCH))
    stored = _series_sources(calendar, chunks[0]) if chunks else []
    for index, chunk in enumerate(chunks):
        rows = _rows_of_series(calendar, chunk, stored, span)
        if index + 1 < len(chunks):
            stored = _series_sources(calendar, chunks[index + 1])
        _save(calendar, rows, noted)
        done += len(rows)
    return done


def _series_sources(calendar: Calendar, series_ids: list[str]) -> list[Event]:
    return _sources(calendar, Q(google_id__in=series_ids), Q(recurring_event_id__in=series_ids))


def _rows_of_series(
    calendar: Calendar, series_ids: list[str], stored: list[Event], span: Window
) -> list[Row]:
    masters = {r.google_id: r for r in stored if not r.recurring_event_id}
    exceptions: dict[str, list[Event]] = {}
    for row in stored:
        if row.recurring_event_id:
            exceptions.setdefault(row.recurring_event_id, []).append(row)
    rows: list[Row] = []
    for series_id in series_ids:
        master = masters.get(series_id)
        found = exceptions.get(series_id, [])
        if master is not None or found:
            rows += series_rows(calendar, master, found, span)
    return rows


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for begin in range(0, len(values), size):
        yield values[begin : begin + size]


def _span_of(calendar: Calendar) -> Window:
    if calendar.instances_from is None or calendar.instances_until is None:
        return horizon()
    return Window(calendar.instances_from, calendar.instances_until)


def _save(calendar: Calendar, rows: list[Row], noted: dict[str, Any] | None = None) -> None:
    """Insert the rows as plain tuples (bulk.insert): no model objects, a few microseconds a
    row. The insert comes last: within a full sync it runs behind (bulk.writes_behind) while
    the next rows are built, until the next statement."""
    if not rows:
        return
    longest = max(int((r.end - r.start).total_seconds()) for r in rows)
    changed: dict[str, Any] = {"read_version": NEXT_VERSION}
    if longest > calendar.longest_instance:
        changed["longest_instance"] = Greatest(F("longest_instance"), longest)
        calendar.longest_instance = longest
    if noted is not None:  # the caller updates the calendar (instances_refresh)
        noted.update(changed)
    else:
        Calendar.objects.filter(pk=calendar.pk).update(**changed)
    when = bulk.datetime_param(Instance)
    values = [
        (
            calendar.pk,
            r.event_id,
            r.key,
            r.series_id,
            when(r.original_start),
            when(r.start),
            when(r.end),
            r.busy,
        )
        for r in rows
    ]
    bulk.insert(Instance, INSERT_COLUMNS, values)


def instances_reset(
    *, calendar: Calendar, now: dt.datetime | None = None, span: Window | None = None
) -> None:
    """Drop the calendar's rows and start a new horizon (a full sync refills it), or `span`
    (the first window's, until the full sync)."""
    span = span or horizon(now=now)
    Instance.objects.filter(calendar=calendar).delete()
    Calendar.objects.filter(pk=calendar.pk).update(
        instances_from=span.low,
        instances_until=span.high,
        longest_instance=0,
        read_version=NEXT_VERSION,
    )
    calendar.instances_from, calendar.instances_until = span.low, span.high
    calendar.longest_instance = 0


def instances_drop(*, calendar: Calendar) -> None:
    """Forget the calendar's rows (its events are about to go)."""
    Instance.objects.filter(calendar=calendar).delete()
    Calendar.objects.filter(pk=calendar.pk).update(
        instances_from=None, instances_until=None, read_version=NEXT_VERSION
    )
    calendar.instances_from = calendar.instances_until = None


def instances_rebuild(*, calendar: Calendar, now: dt.datetime | None = None) -> int:
    """All of the calendar's rows over a new horizon (the periodic job that moves it on).
    Run inside a transaction that holds the calendar row."""
    instances_reset(calendar=calendar, now=now)
    events = Event.objects.filter(calendar=calendar)
    series = set(events.filter(is_recurring=True).values_list("google_id", flat=True))
    series |= set(
        events.exclude(recurring_event_id="").values_list("recurring_event_id", flat=True)
    )
    singles = events.filter(is_recurring=False, recurring_event_id="")
    done = 0
    for chunk in _chunks(list(singles.values_list("google_id", flat=True)), BATCH * 5):
        done += instances_refresh(
            calendar=calendar, series_ids=set(), event_ids=set(chunk), fresh=True
        )
    return done + instances_refresh(
        calendar=calendar, series_ids=series, event_ids=set(), fresh=True
    )


def calendar_instances_extend(*, calendar: Calendar) -> int:
    """Move the calendar's horizon on (the periodic job): rebuild its rows in one transaction
    that holds the calendar row, as a sync's writes do."""
    with transaction.atomic():
        held = Calendar.objects.select_for_update(no_key=True).filter(pk=calendar.pk)
        if not list(held.values_list("pk", flat=True)):
            return 0
        return instances_rebuild(calendar=calendar)


def extensions_due(*, now: dt.datetime | None = None) -> QuerySet[Calendar]:
    """Synced calendars whose horizon ends within INSTANCES_EXTEND_DAYS of the wanted end (or
    that have none yet, such as calendars stored before the read model existed)."""
    wanted = horizon(now=now)
    assert wanted.high is not None
    late = wanted.high - dt.timedelta(days=app_settings.INSTANCES_EXTEND_DAYS)
    return Calendar.objects.filter(sync_enabled=True, last_synced_at__isnull=False).filter(
        Q(instances_until__isnull=True) | Q(instances_until__lt=late)
    )


# -- reading windows ------------------------------------------------------------------------
