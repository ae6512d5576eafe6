"""The RQ worker class `manage.py worker` runs with TASKS_BACKEND=rq.

RQ's default worker forks a process per job: every job would then open its own database
connection and leave its metrics in a process that ends at once. This one runs jobs in the
worker process (as `db_worker` does) and, as Django does around a request, drops database
connections that broke or outlived CONN_MAX_AGE before and after each job.

The one process it forks is RQ's scheduler, which moves delayed jobs (retries, the scheduler's
ticks, renewals) onto the queue for every worker while it holds a lock in Redis. RQ's own
worker leaves it running when the worker is killed outright (SIGKILL, the OOM killer): a
process of its own, lock and all, for as long as the machine runs, and later workers' delayed
jobs stalled behind such a leftover in the tests. Here the kernel sends it SIGTERM when the
worker dies (Linux's PR_SET_PDEATHSIG), and it stops as RQ stops it: it lets go of the lock
and exits. The other workers try for the lock at each maintenance pass, every
MAINTENANCE_SECONDS (RQ: ten minutes), so delayed jobs wait about that long at most for a new
scheduler.
"""

from __future__ import annotations

import ctypes
import os
import signal
from typing import Any

from django.db import close_old_connections
from rq.worker import SimpleWorker

MAINTENANCE_SECONDS = 60
PR_SET_PDEATHSIG = 1  # linux/prctl.h
_parent = {"pid": 0}


def _prctl() -> Any:
    """Linux's prctl, looked up before any fork (None elsewhere: there a killed worker's
    scheduler outlives it, as RQ's always did)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _note_parent() -> None:
    _parent["pid"] = os.getpid()


def _die_with_parent(prctl: Any) -> None:
    """In a process the worker forks: be sent SIGTERM when the worker ends."""
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != _parent["pid"]:  # the worker died before that call
        os.kill(os.getpid(), signal.SIGTERM)


class Worker(SimpleWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
        prctl = _prctl()
        if prctl is not None and not _parent["pid"]:  # once per process
            _note_parent()
            os.register_at_fork(before=_note_parent, after_in_child=lambda: _die_with_parent(prctl))

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        close_old_connections()
        try:
            return bool(super().perform_job(*args, **kwargs))
        finally:
            close_old_connections()
