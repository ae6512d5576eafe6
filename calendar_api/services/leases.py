"""The lease that runs one sync per calendar at a time, across threads, processes and hosts.

A lease is taken by compare-and-set on the calendar row for SYNC_LEASE_SECONDS (short: 20 s
by default) and names its holder. In a worker process the holder is the worker: its lease
keeper (operations/keeper.py) writes the worker's heartbeat row every SYNC_LEASE_SECONDS / 4,
and while the heartbeat is fresh every lease the worker holds stays held, however long its
sync takes. The renewal goes to the worker's heartbeat row, not to the calendar rows: a sync
holds its calendar row locked while it writes, so an update of that row would wait for the very
sync it is meant to keep alive. A worker that dies (SIGKILL, the OOM killer) stops beating,
and its leases are free SYNC_LEASE_SECONDS later; another worker's keeper then hands them on
(services/scheduler.dead_workers_reap).

Anywhere else (a shell, the web process, a test) a lease has no holder and simply runs out
after SYNC_LEASE_SECONDS: a sync that outlives it stays correct, since writes are serialised
on the calendar row and upserts are idempotent; the overlap is wasted work.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from calendar_api.conf import app_settings
from calendar_api.models import Calendar, WorkerHeartbeat

_holder = {"name": ""}


def holder_set(name: str) -> None:
    """Name this process's leases after its worker (called once, when its keeper starts)."""
    _holder["name"] = name


def lease_seconds() -> float:
    return float(app_settings.SYNC_LEASE_SECONDS)


def alive_since(now: dt.datetime) -> dt.datetime:
    """A worker whose heartbeat is older than this is dead."""
    return now - dt.timedelta(seconds=lease_seconds())


def lease_free(now: dt.datetime) -> Q:
    """Calendars whose lease can be taken: none, or run out and its holder not beating."""
    beating = WorkerHeartbeat.objects.filter(
        worker=OuterRef("sync_lease_holder"), beat_at__gte=alive_since(now)
    )
    unheld = Q(sync_lease_holder="") | Q(~Exists(beating))
    return Q(sync_lease_until__isnull=True) | (Q(sync_lease_until__lt=now) & unheld)


def lease_take(calendar_id: int) -> bool:
    """Claim the calendar. The queued and requested flags are cleared in the same update: from
    here on, a trigger finds the sync running (and is spaced after it, or asks it to go once
    more)."""
    now = timezone.now()
    claim = {
        "sync_lease_until": now + dt.timedelta(seconds=lease_seconds()),
        "sync_lease_holder": _holder["name"],
        "sync_queued": False,
        "sync_queued_at": None,
        "sync_requested": False,
    }
    return Calendar.objects.filter(lease_free(now), pk=calendar_id).update(**claim) == 1


def lease_release(calendar_id: int, *, unless_requested: bool = False) -> bool:
    """Give the lease back. `unless_requested`: only if no sync was asked for while it was
    held (in the same statement, so a request is never missed); False then, and the lease is
    still held."""
    mine = Calendar.objects.filter(pk=calendar_id)
    if unless_requested:
        mine = mine.filter(sync_requested=False)
    return mine.update(sync_lease_until=None, sync_lease_holder="") == 1
