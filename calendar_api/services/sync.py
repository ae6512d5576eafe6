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

from django.db import transaction
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
from calendar_api.kits.prefetch import prefetched
from calendar_api.models import (
    Calendar,
    GoogleAccount,
    Instance,
    StoreChange,
)
from calendar_api.services import changes, event_rows, instances, leases
from calendar_api.services.event_rows import events_wipe, google_id_of, refresh_instances
from calendar_api.services.tokens import google_for

T = TypeVar("T")
logger = logging.getLogger(__name__)
RETRY_BASE_SECONDS = 5
RETRY_CAP_SECONDS = 900


@dataclass(frozen=True)
class SyncOutcome:
    mode: str  # "full", "incremental", "busy" or "skipped"
    changed: int = 0


def calendar_sync(*, calendar: Calendar) -> SyncOutcome:
    """Sync now, or leave a request for the sync that is running (it will run once more)."""
    outcome = SyncOutcome("busy")
    held = leases.lease_take(calendar.pk)
    if not held:  # running: ask it to go once more, unless it has given the lease back since
        Calendar.objects.filter(pk=calendar.pk).update(sync_requested=True)
        held = leases.lease_take(calendar.pk)
    while held:
        released = False
        try:
            outcome = _sync_once(calendar)
            released = leases.lease_release(calendar.pk, unless_requested=True)
        finally:
            if not released:
                leases.lease_release(calendar.pk)
        held = not released and leases.lease_take(calendar.pk)  # asked for meanwhile: again
    # "busy": the running sync goes once more for us, and the queued flag stays set until it
    # does (its lease_take clears it), so a burst of triggers meanwhile adds no job. A worker
    # with many threads would otherwise take each trigger's job at once, find the sync busy,
    # clear the flag and let the next trigger queue another.
    return outcome


def _sync_once(calendar: Calendar) -> SyncOutcome:
    calendar.refresh_from_db(from_queryset=Calendar.objects.select_related("account"))
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
    # The first page is fetched here, before the transaction opens: on SQLite a write
    # transaction locks the whole database, and waiting for Google inside it stalled every
    # other writer (webhooks, triggers, other workers). A one-page sync, the usual incremental
    # case, holds the lock only while it writes, and starts no thread.
    listed = google.event_pages(calendar.google_id, **params)
    first = next(listed, {})
    pages = prefetched(listed) if first.get("nextPageToken") else iter([])
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
    # An incremental pass's changes, written with its `calendar.synced` in record(); a full
    # pass writes them page by page (memory stays flat).
    pending: list[StoreChange] = field(default_factory=list)
    # The calendar's read version (and longest row) after an incremental pass's rows: written
    # by record() with the sync's state, in its one update of the calendar.
    noted: dict[str, Any] = field(default_factory=dict)

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
        if self.full:
            stored = event_rows.upsert(self.calendar, items, previous=self.previous)
        else:
            stored = event_rows.upsert(self.calendar, items, pending=self.pending)
        self.changed += len(stored)
        if not self.full:  # a full sync brings old events too: their age is no lag
            metrics.sync_lag_observe(items)
        if self.previous:
            self.seen.update(google_id_of(item) for item in items)
        if self.build is not None:
            self.build.page(stored)
        else:
            refresh_instances(self.calendar, stored, noted=self.noted)
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
            **self.noted,
        )
        mode = "full" if self.full else "incremental"
        written = self.pending
        if self.full or self.changed:
            synced = changes.changes_of_sync(
                calendar=self.calendar, mode=mode, changed=self.changed
            )
            written = [*written, synced]
        if written:
            changes.changes_write(calendar=self.calendar, changes=written)
        done = {"calendar": self.calendar, "mode": mode, "changed": self.changed}
        signals.send_on_commit(signals.sync_completed, Calendar, **done)


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
