"""A worker process's lease keeper: a thread that keeps its syncs' leases held while they run
and hands on what dead workers held.

Every SYNC_LEASE_SECONDS / 4 it writes the worker's heartbeat row, which renews every lease
the worker holds (services/leases.py), then looks for workers whose heartbeat is older than a
lease: their syncs are queued again at once and their running jobs marked as failed. A worker
killed mid-sync (SIGKILL) thus has its calendar resumed by another worker within about
1.25 x SYNC_LEASE_SECONDS (25 s at the default 20 s), not after a lease and a scheduler tick.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, close_old_connections

from calendar_api.operations import heartbeat, queues
from calendar_api.services import leases, scheduler

logger = logging.getLogger(__name__)


def keeper_start(*, name: str | None = None) -> threading.Thread:
    """Name this process's heartbeat and leases (after the worker id when given), beat once
    and start the keeper thread (a daemon: it ends with the process)."""
    if name:
        heartbeat.worker_name_set(name)
    leases.holder_set(heartbeat.worker_name())
    heartbeat.heartbeat_record()
    thread = threading.Thread(target=_keep, name="lease-keeper", daemon=True)
    thread.start()
    return thread


def _keep() -> None:
    while True:
        keep_once()
        threading.Event().wait(leases.lease_seconds() / 4)


def keep_once() -> list[str]:
    """One beat and one look for dead workers; returns the dead workers it reaped."""
    close_old_connections()
    reaped: list[str] = []
    try:
        heartbeat.heartbeat_record()
        reaped = scheduler.dead_workers_reap()
        for name in reaped:
            failed = queues.dead_jobs_fail(worker=name)
            logger.warning(
                "Worker %s stopped beating: its syncs were queued again and "
                "%d running jobs marked as failed",
                name,
                failed,
            )
    except DatabaseError:  # the database is away: beat again next time
        logger.exception("The lease keeper could not reach the database")
    finally:
        close_old_connections()
    return reaped
