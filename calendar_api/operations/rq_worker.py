"""The RQ worker class `manage.py worker` runs with TASKS_BACKEND=rq.

RQ's default worker forks a process per job: every job would then open its own database
connection and leave its metrics in a process that ends at once. This one runs jobs in the
worker process, GOOGLE_CALENDAR['WORKER_THREADS'] of them at once on threads (operations/pool.py,
as the database queue's worker does), and, as Django does around a request, drops database
connections that broke or outlived CONN_MAX_AGE before and after each job. RQ 3.0 keeps an
execution per job in a worker (its registries and `rq info` show them all); a job's time limit
is kept by a timer thread (RQ's TimerDeathPenalty: SIGALRM reaches only the main thread). A
stop (SIGTERM) stops dequeuing and lets the jobs in flight finish; a second one ends the
process at once.

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

from rq.exceptions import StopRequested
from rq.job import Job
from rq.queue import Queue
from rq.timeouts import TimerDeathPenalty
from rq.worker import SimpleWorker

from calendar_api.operations.pool import JobPool

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
    death_penalty_class = TimerDeathPenalty

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
        self.pool = JobPool()
        self._handing_over = False
        prctl = _prctl()
        if prctl is not None and not _parent["pid"]:  # once per process
            _note_parent()
            os.register_at_fork(before=_note_parent, after_in_child=lambda: _die_with_parent(prctl))

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Hand the job to a thread, then wait for a free one before dequeuing again."""
        self._handing_over = True
        try:
            execution = self.prepare_execution(job)
            self.pool.submit(lambda: self.perform_job(job, queue, execution))
        finally:
            self._handing_over = False
        while not self._stop_requested and not self.pool.wait_for_slot():
            pass

    def _shutdown(self) -> None:
        """A warm stop: no more jobs; the ones in flight finish in teardown. The main thread
        is interrupted (it waits on Redis for the next job) unless it is handing one over."""
        self._stop_requested = True
        self.set_shutdown_requested_date()  # type: ignore[no-untyped-call]
        if not self._handing_over:
            raise StopRequested()

    def request_force_stop(self, signum: int, frame: Any) -> None:
        self.log.warning(
            "Worker %s: cold shut down, %d jobs in flight", self.name, self.pool.in_flight
        )
        os._exit(1)  # the job threads would hold an orderly exit up

    def teardown(self) -> None:
        self.pool.drain()
        super().teardown()  # type: ignore[no-untyped-call]
