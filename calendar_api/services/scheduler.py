"""Periodic work: polling syncs (the safety net under push), channel renewals, moving the read
model's horizon on, housekeeping.

A self-rescheduling `scheduler_tick` job runs every SCHEDULER_TICK seconds. Every claim is a
compare-and-set UPDATE, so any number of workers (and duplicate ticks) never run one piece of
work twice: the tick slot, each calendar's poll, and each channel's renewal are claimed once.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from knox.models import AuthToken

from calendar_api import jobs
from calendar_api.conf import app_settings
from calendar_api.models import (
    Calendar,
    GoogleAccount,
    ScheduleSlot,
    WatchChannel,
    WorkerHeartbeat,
)
from calendar_api.services import instances, leases
from calendar_api.services.changes import changes_prune
from calendar_api.services.sync import sync_request
from calendar_api.services.watches import watch_request
from calendar_api.webhooks.services import deliveries_prune

TICK = "scheduler_tick"
BATCH = 500


def tick_claim(*, now: dt.datetime | None = None) -> bool:
    """Claim the current tick slot; False when another tick already ran it. A tick that finds
    the chain was broken (the workers were down) first has every pushed calendar checked."""
    now = now or timezone.now()
    slot, _ = ScheduleSlot.objects.get_or_create(name=TICK, defaults={"next_run_at": now})
    interval = dt.timedelta(seconds=app_settings.SCHEDULER_TICK)
    claimed = ScheduleSlot.objects.filter(
        name=TICK, next_run_at=slot.next_run_at, next_run_at__lte=now + interval / 2
    )
    if claimed.update(next_run_at=now + interval) != 1:
        return False
    if slot.next_run_at < now - 3 * interval:
        pushed_calendars_check(now=now)
    return True


def pushed_calendars_check(*, now: dt.datetime | None = None) -> int:
    """Poll every calendar with a live push channel at the next tick: notifications sent while
    the web or worker processes were down are lost (Google does not keep them). Called when a
    web process starts and when the scheduler finds its chain was broken."""
    now = now or timezone.now()
    live = WatchChannel.objects.filter(calendar=OuterRef("pk"), stopped_at=None, expires_at__gt=now)
    return (
        Calendar.objects.filter(sync_enabled=True, account__status=GoogleAccount.Status.ACTIVE)
        .filter(Exists(live))
        .update(next_poll_at=now)
    )


def stalled_syncs_requeue(*, now: dt.datetime | None = None) -> list[int]:
    """Queue again the syncs that a dead process left behind: a lease that is free but was not
    given back (its worker died mid-sync), or a queued flag older than a lease (the job was
    lost, or its worker died before it started). Bound: SYNC_LEASE_SECONDS + SCHEDULER_TICK;
    a worker's lease keeper is quicker for its dead peers (dead_workers_reap)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=app_settings.SYNC_LEASE_SECONDS)
    rows = Calendar.objects.filter(
        (leases.lease_free(now) & Q(sync_lease_until__isnull=False))
        | Q(sync_queued=True, sync_queued_at__lt=stale)
        | Q(sync_queued=True, sync_queued_at__isnull=True)
    ).values_list("pk", "sync_lease_until", "sync_queued_at")[:BATCH]
    requeued = []
    for pk, lease, queued_at in rows:
        # Compare-and-set on the values read: with many workers, one of them requeues it.
        mine = Calendar.objects.filter(pk=pk, sync_lease_until=lease, sync_queued_at=queued_at)
        if lease is not None:
            mine = mine.filter(leases.lease_free(now))
        if mine.update(
            sync_lease_until=None, sync_lease_holder="", sync_queued=False, sync_queued_at=None
        ):
            sync_request(calendar_id=pk)
            requeued.append(pk)
    return requeued


def dead_workers_reap(*, now: dt.datetime | None = None) -> list[str]:
    """Hand on what dead workers held: each worker whose heartbeat is older than a lease is
    claimed by deleting its heartbeat row (compare-and-set: one reaper per dead worker), and
    the syncs it was running are queued again at once. Returns the dead workers' names, whose
    jobs the caller marks as failed on its queue."""
    now = now or timezone.now()
    dead = WorkerHeartbeat.objects.filter(beat_at__lt=leases.alive_since(now))
    reaped = []
    for name, beat_at in dead.values_list("worker", "beat_at")[:BATCH]:
        if not WorkerHeartbeat.objects.filter(worker=name, beat_at=beat_at).delete()[0]:
            continue  # another reaper, or the worker beat again
        reaped.append(name)
        held = Calendar.objects.filter(sync_lease_holder=name)
        for pk in held.values_list("pk", flat=True):
            if held.filter(pk=pk).update(sync_lease_until=None, sync_lease_holder=""):
                sync_request(calendar_id=pk)
    return reaped


def tick_is_stale(*, now: dt.datetime | None = None) -> bool:
    """True when no tick chain seems alive (never started, or its worker died)."""
    now = now or timezone.now()
    slot = ScheduleSlot.objects.filter(name=TICK).first()
    return slot is None or slot.next_run_at < now - dt.timedelta(
        seconds=3 * app_settings.SCHEDULER_TICK
    )


def polls_due(*, now: dt.datetime | None = None) -> list[int]:
    """Claim and queue the calendars whose next poll is due; returns their ids."""
    now = now or timezone.now()
    live = WatchChannel.objects.filter(calendar=OuterRef("pk"), stopped_at=None, expires_at__gt=now)
    due = (
        Calendar.objects.filter(sync_enabled=True, account__status=GoogleAccount.Status.ACTIVE)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .annotate(has_channel=Exists(live))
        .values_list("pk", "has_channel", "last_activity_at", "last_synced_at")[:BATCH]
    )
    claimed = []
    for pk, has_channel, active, synced in due:
        gap = safety_gap(now=now, last_activity=active or synced) if has_channel else None
        seconds = gap if gap is not None else app_settings.POLL_INTERVAL
        mine = Calendar.objects.filter(
            Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now), pk=pk
        )
        if mine.update(next_poll_at=now + dt.timedelta(seconds=seconds)):
            sync_request(calendar_id=pk)
            claimed.append(pk)
    return claimed


def safety_gap(*, now: dt.datetime, last_activity: dt.datetime | None) -> float:
    """Seconds until the next safety poll of a calendar with a live push channel: half the
    time it has been idle, between CALENDAR_SAFETY_POLL_INTERVAL (shortly after activity)
    and CALENDAR_SAFETY_POLL_MAX_GAP (idle)."""
    shortest = app_settings.SAFETY_POLL_INTERVAL
    longest = max(shortest, app_settings.SAFETY_POLL_MAX_GAP)
    if last_activity is None:
        return float(shortest)
    idle = (now - last_activity).total_seconds()
    return float(min(longest, max(shortest, idle / 2)))


def renewals_due(*, now: dt.datetime | None = None) -> list[int]:
    """Queue a renewal for each synced calendar whose channel expires soon, or that has none."""
    now = now or timezone.now()
    soon = now + dt.timedelta(seconds=app_settings.WATCH_RENEW_MARGIN)
    fresh = WatchChannel.objects.filter(
        calendar=OuterRef("pk"), stopped_at=None, expires_at__gt=soon
    )
    calendars = (
        Calendar.objects.filter(sync_enabled=True, account__status=GoogleAccount.Status.ACTIVE)
        .exclude(sync_token="")
        .exclude(Exists(fresh))
        .values_list("pk", flat=True)[:BATCH]
    )
    claimed = []
    for pk in calendars:
        slot = f"renew:{pk}"
        ScheduleSlot.objects.get_or_create(name=slot, defaults={"next_run_at": now})
        # At most one renewal attempt per calendar per tick-interval window.
        window = now + dt.timedelta(seconds=max(app_settings.SCHEDULER_TICK * 10, 60))
        if ScheduleSlot.objects.filter(name=slot, next_run_at__lte=now).update(next_run_at=window):
            watch_request(calendar_id=pk)
            claimed.append(pk)
    return claimed


def extensions_claim(*, now: dt.datetime | None = None) -> list[int]:
    """Queue a move of the read model's horizon for each calendar that needs one (at most once
    an hour per calendar, whoever claims it)."""
    now = now or timezone.now()
    claimed = []
    for pk in instances.extensions_due(now=now).values_list("pk", flat=True)[:BATCH]:
        slot = f"instances:{pk}"
        ScheduleSlot.objects.get_or_create(name=slot, defaults={"next_run_at": now})
        later = now + dt.timedelta(hours=1)
        if ScheduleSlot.objects.filter(name=slot, next_run_at__lte=now).update(next_run_at=later):
            instances_extend_request(calendar_id=pk)
            claimed.append(pk)
    return claimed


def instances_extend_request(*, calendar_id: int) -> None:
    jobs.extend_instances(calendar_id=calendar_id)


def housekeeping_due(*, now: dt.datetime | None = None) -> int:
    """Once a day (whoever claims it): delete store changes older than CHANGE_LOG_KEEP_DAYS,
    finished job results older than TASK_RESULTS_KEEP_DAYS and finished webhook deliveries
    older than WEBHOOKS_DELIVERIES_KEEP_DAYS, and expired API tokens, so none of them grows for
    ever."""
    now = now or timezone.now()
    ScheduleSlot.objects.get_or_create(name="housekeeping", defaults={"next_run_at": now})
    mine = ScheduleSlot.objects.filter(name="housekeeping", next_run_at__lte=now)
    if not mine.update(next_run_at=now + dt.timedelta(days=1)):
        return 0
    changes_prune(now=now)
    deliveries_prune(now=now)
    AuthToken.objects.filter(expiry__lt=now).delete()  # expired API tokens (refused already)
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from calendar_api.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return 0  # another backend keeps (and expires) its own results
    old = now - dt.timedelta(days=app_settings.TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=old).delete()
    return deleted
