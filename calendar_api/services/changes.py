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


def changes_of_events(
    *, calendar: Calendar, events: Iterable[Event | EventRow], previous: Previous
) -> list[StoreChange]:
    """One change, not yet written, per row about to be stored that differs from what the
    store held (`previous`). The rows are the ones sync builds, so ids and etags are compared
    in the form the store keeps them, and an item sync skips is not recorded either."""
    user_id = calendar.account.user_id
    return [
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


def changes_of_sync(*, calendar: Calendar, mode: str, changed: int) -> StoreChange:
    """The `calendar.synced` change, not yet written."""
    return StoreChange(
        user_id=calendar.account.user_id,
        calendar=calendar,
        kind=Kind.CALENDAR_SYNCED,
        data={"mode": mode, "changed": changed},
    )


def changes_write(*, calendar: Calendar, changes: list[StoreChange]) -> list[StoreChange]:
    """Write the changes (in order) with their webhook deliveries, in the caller's transaction;
    `events_changed` is sent for the events' changes once it commits. A sync writes its
    changes and its `calendar.synced` together: one insert and one look-up of endpoints."""
    written = StoreChange.objects.bulk_create(changes, batch_size=500) if changes else []
    deliveries_record(changes=written)
    events = [change for change in written if change.kind != Kind.CALENDAR_SYNCED]
    if events:
        signals.send_on_commit(signals.events_changed, Calendar, calendar=calendar, changes=events)
    return written


def changes_record_events(
    *, calendar: Calendar, events: Iterable[Event | EventRow], previous: Previous
) -> list[StoreChange]:
    """Record the changes of the rows about to be stored (changes_of_events)."""
    changes = changes_of_events(calendar=calendar, events=events, previous=previous)
    return changes_write(calendar=calendar, changes=changes)


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
    change = changes_of_sync(calendar=calendar, mode=mode, changed=changed)
    return changes_write(calendar=calendar, changes=[change])[0]


def changes_prune(*, now: dt.datetime | None = None) -> int:
    """Delete changes older than CHANGE_LOG_KEEP_DAYS (housekeeping)."""
    now = now or timezone.now()
    old = now - dt.timedelta(days=app_settings.CHANGE_LOG_KEEP_DAYS)
    deleted, _ = StoreChange.objects.filter(created_at__lt=old).delete()
    return deleted
