"""Many jobs in flight per worker process: a sync spends most of its time waiting for Google,
so one process holds GOOGLE_CALENDAR['WORKER_THREADS'] of them (32 by default) on threads.

Each job runs as Django runs a request: stale database connections (broken, or older than
CONN_MAX_AGE) are dropped before and after it, on the job's thread. Connections are per
thread, so a worker holds at most one per thread, plus its claim loop's and its lease
keeper's: GOOGLE_CALENDAR['WORKER_THREADS'] + 2, reused from job to job while CONN_MAX_AGE lasts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

from calendar_api.conf import app_settings


def worker_threads() -> int:
    """How many jobs one worker process runs at once (the setting, at least 1)."""
    return max(1, int(app_settings.WORKER_THREADS))


class JobPool:
    """Runs jobs on `size` threads; `submit` then `wait_for_slot` before taking the next job,
    so a worker never claims a job it has no thread for (the others stay on the queue for
    other workers)."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or worker_threads()
        self.in_flight = 0
        self._changed = threading.Condition()
        self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="job")

    def submit(self, job: Callable[[], object]) -> None:
        with self._changed:
            self.in_flight += 1
        self._threads.submit(self._run, job)

    def _run(self, job: Callable[[], object]) -> None:
        close_old_connections()
        try:
            job()
        finally:
            close_old_connections()
            with self._changed:
                self.in_flight -= 1
                self._changed.notify_all()

    def wait_for_slot(self, timeout: float = 0.5) -> bool:
        """Wait (at most `timeout`) until a thread is free; True when one is."""
        with self._changed:
            return self._changed.wait_for(lambda: self.in_flight < self.size, timeout)

    def drain(self) -> None:
        """Let every job in flight finish (a graceful stop)."""
        self._threads.shutdown(wait=True)
