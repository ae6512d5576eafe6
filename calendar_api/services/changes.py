"""The store's change log (`StoreChange`): what changed, written in the change's transaction.

Sync and the API's writes call these functions inside the transaction that changes the store.
Live updates read the log by cursor; outgoing webhooks fan out from it (`deliveries_record`
writes their outbox rows in the same transaction). A first full sync is
not a change of anything a reader has seen, so it records only `calendar.synced`; a full
resync after a 410 records the differences from what was stored before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.utils import timezone

from calendar_api import signals
from calendar_api.conf import app_settings
from calendar_api.kits.event_fields import EventRow
from calendar_api.models import Calendar, Event, StoreChange
from calendar_api.webhooks.services import deliveries_record

Kind = StoreChange.Kind
# google_id -> (etag, status) of the rows as they were before the change.
Previous = Mapping[str, tuple[str, str]]


def previous_of(
    *, calendar: Calendar, ids: Iterable[str] | None = None
) -> dict[str, tuple[str, str]]:
    """What the store holds now for these ids (all of the calendar's rows when ids is None).
    Unordered: Event's default order made SQLite walk the calendar's start index instead of
    looking the ids up."""
    rows = Event.objects.filter(calendar=calendar).order_by()
    if ids is not None:
        rows = rows.filter(google_id__in=list(ids))
    return {
        gid: (etag, status) for gid, etag, status in rows.values_list("google_id", "etag", "status")
    }


def _kind(event: Event | EventRow, before: tuple[str, str] | None) -> str | None:
    cancelled = event.status == "cancelled"
    if before is None:
        return Kind.EVENT_DELETED if cancelled else Kind.EVENT_CREATED
    etag, status = before
    if etag and etag == event.etag and (status == "cancelled") == cancelled:
        return None  # unchanged: Google sent what the store already had
    if cancelled:
        return None if status == "cancelled" else Kind.EVENT_DELETED
    return Kind.EVENT_CREATED if status == "cancelled" else Kind.EVENT_UPDATED


def changes_record_events(
    *, calendar: Calendar, events: Iterable[Event | EventRow], previous: Previous
) -> list[StoreChange]:
    """Record one change per row about to be stored that differs from what the store held
    (`previous`). The rows are the ones sync builds, so ids and etags are compared in the form
    the store keeps them, and an item sync skips is not recorded either."""
    user_id = calendar.account.user_id
    rows = [
        StoreChange(
            user_id=user_id,
            calendar=calendar,
            kind=kind,
            event_id=event.google_id,
            data=event.data,
        )
        for event in events
        if (kind := _kind(event, previous.get(event.google_id))) is not None
    ]
    changes = StoreChange.objects.bulk_create(rows, batch_size=500)
    deliveries_record(changes=changes)
    if changes:
        signals.send_on_commit(signals.events_changed, Calendar, calendar=calendar, changes=changes)
    return changes


def changes_record_vanished(
    *, calendar: Calendar, previous: Previous, seen: set[str]
) -> list[StoreChange]:
    """After a full resync: rows that were stored but that Google no longer lists."""
    gone = [
        Event(google_id=gid, status="cancelled", data={"id": gid, "status": "cancelled"})
        for gid, (_etag, status) in previous.items()
        if gid not in seen and status != "cancelled"
    ]
    return changes_record_events(calendar=calendar, events=gone, previous={})


def changes_record_synced(*, calendar: Calendar, mode: str, changed: int) -> StoreChange:
    change = StoreChange.objects.create(
        user_id=calendar.account.user_id,
        calendar=calendar,
        kind=Kind.CALENDAR_SYNCED,
        data={"mode": mode, "changed": changed},
    )
    deliveries_record(changes=[change])
    return change


def changes_prune(*, now: dt.datetime | None = None) -> int:
    """Delete changes older than CHANGE_LOG_KEEP_DAYS (housekeeping)."""
    now = now or timezone.now()
    old = now - dt.timedelta(days=app_settings.CHANGE_LOG_KEEP_DAYS)
    deleted, _ = StoreChange.objects.filter(created_at__lt=old).delete()
    return deleted
