"""The event store's rows as a sync and the API's writes store them: Google's items turned
into rows (kits/event_fields), upserted in bulk with their changes in the change log
(services/changes.py) and the read model's rows rebuilt (services/instances.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from calendar_api.db import bulk
from calendar_api.kits.event_fields import (
    EventRow,
    event_columns,
    json_text,
    storable_json,
    storable_text,
)
from calendar_api.models import Calendar, Event, IcsFragment, StoreChange
from calendar_api.services import changes, instances

logger = logging.getLogger(__name__)
UPSERT_FIELDS = [
    "status",
    "summary",
    "start",
    "end",
    "time_zone",
    "all_day",
    "recurring_event_id",
    "is_recurring",
    "updated",
    "etag",
    "attendees",
    "event_type",
    "data",
]
INSERT_COLUMNS = ["calendar_id", "google_id", *UPSERT_FIELDS]


def upsert(
    calendar: Calendar,
    items: list[dict[str, Any]],
    *,
    previous: changes.Previous | None = None,
    pending: list[StoreChange] | None = None,
) -> list[EventRow]:
    """Store Google's events and record the changes in the log. `previous` is what the store
    held before (given by a full sync, which wiped it); None means: read it from the store.
    Any text is storable (see event_fields.storable); should a batch still fail in the
    database, its events are stored one by one and a bad one is skipped and logged, so that
    one event never stops the calendar's sync. `pending`: the changes are added to it, for
    the caller to write (changes.changes_write), rather than written now. Returns the rows
    stored."""
    rows = [row for row in (_row(calendar, item) for item in items) if row is not None]
    _changes_record(calendar, rows, previous, pending)
    if not rows:
        return []
    try:
        with transaction.atomic():  # a savepoint: the sync's transaction survives a failure
            _bulk_upsert(calendar, rows)
    except DatabaseError:
        return [row for row in rows if _upsert_one(calendar, row)]
    return rows


def events_upsert(*, calendar: Calendar, items: list[dict[str, Any]]) -> list[EventRow]:
    """Store Google's events as a sync does (changes recorded), for a caller that builds
    the read model's rows itself (the first window, services/first_window.py)."""
    return upsert(calendar, items)


def _changes_record(
    calendar: Calendar,
    rows: list[EventRow],
    previous: changes.Previous | None,
    pending: list[StoreChange] | None,
) -> None:
    if previous is None:
        previous = changes.previous_of(calendar=calendar, ids=[row.google_id for row in rows])
    if previous or calendar.sync_token:
        found = changes.changes_of_events(calendar=calendar, events=rows, previous=previous)
        if pending is None:
            changes.changes_write(calendar=calendar, changes=found)
        else:
            pending.extend(found)


def refresh_instances(
    calendar: Calendar, rows: list[EventRow], *, noted: dict[str, Any] | None = None
) -> None:
    """Rebuild the read model's rows of the stored `rows` (none: nothing to do); `noted` as
    in instances.instances_refresh."""
    if not rows:
        return
    series, ids = instances.affected(row.data for row in rows)
    instances.instances_refresh(calendar=calendar, series_ids=series, event_ids=ids, noted=noted)


def google_id_of(item: Any) -> str:
    """The id an item is stored under ("" for an item without one)."""
    return storable_text(str(item.get("id") or "")) if isinstance(item, dict) else ""


def _row(calendar: Calendar, item: Any) -> EventRow | None:
    google_id = google_id_of(item)
    if not google_id or len(google_id) > 1024:
        logger.warning("Skipped an event without a usable id in calendar %s", calendar.pk)
        return None
    text, clean = json_text(item)
    columns = event_columns(item, calendar.time_zone, clean=clean)
    return EventRow(google_id, item, **columns, json=text if clean else storable_json(item))


def _bulk_upsert(calendar: Calendar, rows: list[EventRow]) -> None:
    """Insert the rows, or update the stored ones with the same id (what bulk_create with
    update_conflicts did, without its model objects)."""
    when = bulk.datetime_param(Event)
    values = [
        (
            calendar.pk,
            r.google_id,
            r.status,
            r.summary,
            when(r.start),
            when(r.end),
            r.time_zone,
            r.all_day,
            r.recurring_event_id,
            r.is_recurring,
            when(r.updated),
            r.etag,
            r.attendees,
            r.event_type,
            r.json,
        )
        for r in rows
    ]
    bulk.insert(
        Event, INSERT_COLUMNS, values, unique=["calendar_id", "google_id"], update=UPSERT_FIELDS
    )


def _upsert_one(calendar: Calendar, row: EventRow) -> bool:
    try:
        with transaction.atomic():
            _bulk_upsert(calendar, [row])
    except DatabaseError:
        logger.exception("Skipped event %r of calendar %s", row.google_id[:64], calendar.pk)
        return False
    return True


def events_wipe(*, calendar: Calendar) -> None:
    """Delete the calendar's events (its instance rows must be gone already). Django's
    `delete()` would first load every event, data and all, because their ICS fragments
    cascade: a calendar's worth of rows in memory. Here the fragments go in one query and the
    events in another; a new relation to Event must be deleted here too."""
    IcsFragment.objects.filter(event__calendar=calendar).delete()
    Event.objects.filter(calendar=calendar)._raw_delete(Event.objects.db)


def events_store(*, calendar: Calendar, items: list[dict[str, Any]]) -> int:
    """Upsert events as Google returned them (the API's write path stores what it wrote),
    with their changes recorded and the read model's rows rebuilt, in one transaction."""
    with transaction.atomic():
        stored = upsert(calendar, items)
        noted: dict[str, Any] = {}
        refresh_instances(calendar, stored, noted=noted)
        Calendar.objects.filter(pk=calendar.pk).update(last_activity_at=timezone.now(), **noted)
    return len(stored)
