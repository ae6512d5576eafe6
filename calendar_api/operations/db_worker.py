"""The database queue's worker with many jobs in flight: django-tasks-db's own claim loop
(SELECT ... FOR UPDATE SKIP LOCKED and the claim, in one transaction), whose jobs run on a
JobPool instead of one after the other.

A stop (SIGTERM, SIGINT) stops claiming and lets the jobs in flight finish; a second one ends
the process at once (their leases and rows are then handed on as a dead worker's are).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType
from typing import Any

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from calendar_api.operations.pool import JobPool

logger = logging.getLogger("django_tasks_db")


class ThreadedWorker(Worker):
    def __init__(self, *, threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool = JobPool(threads)

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.pool.drain()

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        """Hand the claimed job to a thread, then wait for a free one before claiming again."""
        self.pool.submit(lambda: Worker.run_task(self, db_task_result))
        while self.running and not self.pool.wait_for_slot():
            pass

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            logger.warning("Received %s - ending the jobs in flight.", signal.strsignal(signum))
            os._exit(1)  # the job threads would hold an orderly exit up
        logger.warning(
            "Received %s - finishing %d jobs in flight (again to force)",
            signal.strsignal(signum),
            self.pool.in_flight,
        )
        self.running = False
        if not self.pool.in_flight:
            sys.exit(0)
