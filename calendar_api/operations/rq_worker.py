"""The RQ worker class `manage.py worker` runs with TASKS_BACKEND=rq.

RQ's default worker forks a process per job: every job would then open its own database
connection and leave its metrics in a process that ends at once. This one runs jobs in the
worker process (as `db_worker` does) and, as Django does around a request, drops database
connections that broke or outlived CONN_MAX_AGE before and after each job.
"""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections
from rq.worker import SimpleWorker


class Worker(SimpleWorker):
    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        close_old_connections()
        try:
            return bool(super().perform_job(*args, **kwargs))
        finally:
            close_old_connections()
