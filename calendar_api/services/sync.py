"""Keeping the local event store equal to Google: full and incremental sync.

Full sync pages events.list (maxResults 2500, showDeleted) into the store, one page at a time,
and keeps the nextSyncToken; incremental sync sends that token. Rows and the new token are
committed in one transaction, so a failed sync keeps the last good state. A 410 wipes the
calendar and syncs in full, once. One sync per calendar runs at a time, across processes and
hosts, through a lease taken by compare-and-set on the calendar row (services/leases.py);
triggers that arrive meanwhile collapse into one follow-up sync.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from calendar_api import jobs, metrics, signals
from calendar_api.conf import app_settings
from calendar_api.db import bulk
from calendar_api.google import scopes
from calendar_api.google.client import GoogleClient
from calendar_api.google.errors import (
    SyncTokenExpired,
)
from calendar_api.kits.event_fields import (
    EventRow,
    event_columns,
    json_text,
    storable_json,
    storable_text,
)
from calendar_api.kits.prefetch import prefetched
from calendar_api.models import Calendar, Event, GoogleAccount, IcsFragment, Instance
from calendar_api.services import changes, instances, leases
from calendar_api.services.tokens import google_for

T = TypeVar("T")
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
RETRY_BASE_SECONDS = 5
RETRY_CAP_SECONDS = 900


@dataclass(frozen=True)
class SyncOutcome:
    mode: str  # "full", "incremental", "busy" or "skipped"
    changed: int = 0


def calendar_sync(*, calendar: Calendar) -> SyncOutcome:
    """Sync now, or leave a request for the sync that is running (it will run once more)."""
    Calendar.objects.filter(pk=calendar.pk).update(sync_requested=True)
    outcome = SyncOutcome("busy")
    while leases.lease_take(calendar.pk):
        try:
            outcome = _sync_once(calendar)
        finally:
            leases.lease_release(calendar.pk)
        if not Calendar.objects.filter(pk=calendar.pk, sync_requested=True).exists():
            break
    if outcome.mode == "busy":  # the running sync goes once more for us: nothing is queued
        Calendar.objects.filter(pk=calendar.pk).update(sync_queued=False, sync_queued_at=None)
    return outcome


def _sync_once(calendar: Calendar) -> SyncOutcome:
    calendar.refresh_from_db()
    account = calendar.account
    if account.status != GoogleAccount.Status.ACTIVE or not account.can(scopes.EVENTS_READ):
        return SyncOutcome("skipped")
    with google_for(account) as google:
        if calendar.sync_token:
            try:
                return _apply(calendar, google, full=False)
            except SyncTokenExpired:
                logger.info("Sync token of calendar %s expired: full sync", calendar.pk)
        return _apply(calendar, google, full=True)


def _apply(calendar: Calendar, google: GoogleClient, *, full: bool) -> SyncOutcome:
    params: dict[str, Any] = {"showDeleted": True} if full else {"syncToken": calendar.sync_token}
    # Page N+1 is fetched while page N is stored (Google's pages come one after another, so
    # fetching is the floor); at most one page waits, so memory stays flat. Each page is
    # stored once it is in hand: a 401 is renewed and replayed by the client, request by
    # request, never by running this function again.
    pages = prefetched(google.event_pages(calendar.google_id, **params))
    # The first page is fetched before the transaction opens: on SQLite a write transaction
    # locks the whole database, and waiting for Google inside it stalled every other writer
    # (webhooks, triggers, other workers). A one-page sync, the usual incremental case, now
    # holds the lock only while it writes.
    first = next(pages, {})
    if full:
        _learn_zone(calendar, first)
    with transaction.atomic():
        if not _held(calendar):
            return SyncOutcome("skipped")  # disconnected meanwhile
        run = _Pass.begin(calendar, full=full)
        # A full sync's instance rows are inserted on a thread of their own while the next
        # rows are built (bulk.writes_behind): the database's work overlaps Python's.
        with bulk.writes_behind(Instance) if full else contextlib.nullcontext():
            for page in itertools.chain([first], pages):
                run.store(page)
            run.close()
        run.record()
    calendar.sync_token = run.next_token
    return SyncOutcome("full" if full else "incremental", run.changed)


def _learn_zone(calendar: Calendar, page: dict[str, Any]) -> None:
    """events.list names the calendar's time zone: a primary calendar known without the
    calendar list (its scope not granted) learns it here, before its events are stored."""
    zone = str(page.get("timeZone") or "")
    if zone and zone != calendar.time_zone:
        Calendar.objects.filter(pk=calendar.pk).update(time_zone=zone)
        calendar.time_zone = zone


def _held(calendar: Calendar) -> bool:
    """Hold the calendar row while writing (no key lock: other updates of the row wait only
    for this write): a disconnect that deletes it either waits and then deletes these rows
    too, or has deleted it already. Unlocked, the two failed on a foreign key. False when it
    is gone."""
    held = Calendar.objects.select_for_update(no_key=True).filter(pk=calendar.pk)
    return bool(list(held.values_list("pk", flat=True)))


@dataclass
class _Pass:
    """One pass of a sync over Google's pages, inside its transaction: what it stored."""

    calendar: Calendar
    full: bool
    previous: changes.Previous
    build: instances.FullBuild | None
    changed: int = 0
    next_token: str = ""
    seen: set[str] = field(default_factory=set)

    @classmethod
    def begin(cls, calendar: Calendar, *, full: bool) -> _Pass:
        """A resync (after a 410) records what differs from the rows it replaces; the first
        full sync records only that the calendar was synced."""
        previous = changes.previous_of(calendar=calendar) if full and calendar.sync_token else {}
        if full:
            instances.instances_reset(calendar=calendar)
            events_wipe(calendar=calendar)
        build = instances.FullBuild(calendar) if full else None
        return cls(calendar, full, previous, build)

    def store(self, page: dict[str, Any]) -> None:
        items = page.get("items", [])
        stored = _upsert(self.calendar, items, previous=self.previous if self.full else None)
        self.changed += len(stored)
        if not self.full:  # a full sync brings old events too: their age is no lag
            metrics.sync_lag_observe(items)
        if self.previous:
            self.seen.update(_google_id(item) for item in items)
        if self.build is not None:
            self.build.page(stored)
        else:
            _refresh_instances(self.calendar, stored)
        self.next_token = page.get("nextSyncToken", self.next_token)

    def close(self) -> None:
        if self.previous:
            changes.changes_record_vanished(
                calendar=self.calendar, previous=self.previous, seen=self.seen
            )
        if self.build is not None:
            self.build.finish()

    def record(self) -> None:
        """The new sync token and the calendar's sync state, in the pass's transaction."""
        now = timezone.now()
        marks: dict[str, Any] = {"last_activity_at": now} if self.changed and not self.full else {}
        Calendar.objects.filter(pk=self.calendar.pk).update(
            sync_token=self.next_token,
            last_synced_at=now,
            last_sync_error="",
            last_sync_error_at=None,
            sync_failures=0,
            **marks,
        )
        mode = "full" if self.full else "incremental"
        if self.full or self.changed:
            changes.changes_record_synced(calendar=self.calendar, mode=mode, changed=self.changed)
        done = {"calendar": self.calendar, "mode": mode, "changed": self.changed}
        signals.send_on_commit(signals.sync_completed, Calendar, **done)


def _upsert(
    calendar: Calendar,
    items: list[dict[str, Any]],
    *,
    previous: changes.Previous | None = None,
) -> list[EventRow]:
    """Store Google's events and record the changes in the log. `previous` is what the store
    held before (given by a full sync, which wiped it); None means: read it from the store.
    Any text is storable (see event_fields.storable); should a batch still fail in the
    database, its events are stored one by one and a bad one is skipped and logged, so that
    one event never stops the calendar's sync. Returns the rows stored."""
    rows = [row for row in (_row(calendar, item) for item in items) if row is not None]
    _changes_record(calendar, rows, previous)
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
    return _upsert(calendar, items)


def _changes_record(
    calendar: Calendar, rows: list[EventRow], previous: changes.Previous | None
) -> None:
    if previous is None:
        previous = changes.previous_of(calendar=calendar, ids=[row.google_id for row in rows])
    if previous or calendar.sync_token:
        changes.changes_record_events(calendar=calendar, events=rows, previous=previous)


def _refresh_instances(calendar: Calendar, rows: list[EventRow]) -> None:
    series, ids = instances.affected(row.data for row in rows)
    instances.instances_refresh(calendar=calendar, series_ids=series, event_ids=ids)


def _google_id(item: Any) -> str:
    """The id an item is stored under ("" for an item without one)."""
    return storable_text(str(item.get("id") or "")) if isinstance(item, dict) else ""


def _row(calendar: Calendar, item: Any) -> EventRow | None:
    google_id = _google_id(item)
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
        stored = _upsert(calendar, items)
        _refresh_instances(calendar, stored)
        Calendar.objects.filter(pk=calendar.pk).update(last_activity_at=timezone.now())
    return len(stored)


def sync_unqueue(*, calendar_id: int) -> None:
    """A queued sync that will not run (the calendar or its account is gone or unusable)."""
    Calendar.objects.filter(pk=calendar_id).update(sync_queued=False, sync_queued_at=None)


def account_usable(account: GoogleAccount) -> bool:
    """Active, and not paused after spending its quota."""
    if account.status != GoogleAccount.Status.ACTIVE:
        return False
    return account.paused_until is None or account.paused_until <= timezone.now()


def account_pause(*, account: GoogleAccount, seconds: int) -> None:
    until = timezone.now() + dt.timedelta(seconds=seconds)
    GoogleAccount.objects.filter(pk=account.pk).update(paused_until=until)


def sync_error_record(*, calendar: Calendar, code: str) -> None:
    """Shown by the calendars API, the admin and `sync_status` until a sync succeeds."""
    logger.warning("Sync of calendar %s failed: %s", calendar.pk, code)
    Calendar.objects.filter(pk=calendar.pk).update(
        last_sync_error=code[:255],
        last_sync_error_at=timezone.now(),
        sync_failures=F("sync_failures") + 1,
    )


def sync_request(
    *,
    calendar_id: int,
    delay: float = 0,
    attempt: int = 0,
    spaced: bool = False,
    priority: str = "poll",
) -> None:
    """Queue a sync of the calendar once the current transaction commits. While one is already
    waiting in the queue, another request adds nothing (a flood of triggers is one sync).
    `priority` is the Google call budget's (google/budget.py): "interactive" when a person
    asked, "push" for a push notification, "poll" for the scheduler's polls.
    `spaced` (push notifications): the job runs no sooner than SYNC_MIN_INTERVAL seconds after
    the last sync, so a flood of notifications is one sync and at most one follow-up, however
    long the flood lasts against short syncs."""

    def enqueue() -> None:
        now = timezone.now()
        # The flag and the job are written in one transaction: a failed enqueue must not leave
        # the flag set, or every later trigger would add nothing until the scheduler's sweep.
        with transaction.atomic():
            wait = delay
            if not delay:
                mine = Calendar.objects.filter(pk=calendar_id, sync_queued=False)
                if not mine.update(sync_queued=True, sync_queued_at=now):
                    return
                wait = _spacing(calendar_id, now) if spaced else 0
            run_after = now + dt.timedelta(seconds=wait) if wait else None
            jobs.sync_calendar(
                calendar_id=calendar_id, attempt=attempt, run_after=run_after, priority=priority
            )

    transaction.on_commit(enqueue)


def _spacing(calendar_id: int, now: dt.datetime) -> float:
    """Seconds until SYNC_MIN_INTERVAL has passed since the calendar's last sync, or a whole
    interval while one is running."""
    interval = dt.timedelta(seconds=app_settings.SYNC_MIN_INTERVAL)
    found = Calendar.objects.filter(pk=calendar_id).values_list(
        "last_synced_at", "sync_lease_until"
    )
    last, lease = found.first() or (None, None)
    if lease is not None and lease > now:
        return interval.total_seconds()
    return max(0.0, ((last + interval - now) if last else dt.timedelta()).total_seconds())


def account_sync_request(*, account: GoogleAccount) -> list[int]:
    """Queue a sync of each of the account's synced calendars; returns their ids."""
    calendars = list(account.calendars.filter(sync_enabled=True).values_list("pk", flat=True))
    for calendar_id in calendars:
        sync_request(calendar_id=calendar_id, priority="interactive")
    return calendars
