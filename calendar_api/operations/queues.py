"""How long the oldest job has been waiting, and the jobs of dead workers, on whichever queue
backend is configured.

Jobs never branch on the backend; these have to, because each keeps its queue its own way.
A job delayed with `run_after` counts from when it became due, not from when it was queued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone

from calendar_api.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends


def _database_oldest() -> float:
    from django_tasks_db.models import DBTaskResult, get_date_max

    due_since = Case(  # "no run_after" is stored as the largest date
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("run_after", "enqueued_at"),
    )
    since = DBTaskResult.objects.ready().aggregate(since=Min(due_since))["since"]
    return 0.0 if since is None else max(0.0, (timezone.now() - since).total_seconds())


def _rq_oldest() -> float:
    import django_rq
    from rq.registry import ScheduledJobRegistry

    now = timezone.now()
    waiting: list[dt.datetime] = []
    for name in task_backends[DEFAULT_TASK_BACKEND_ALIAS].queues:
        queue = django_rq.get_queue(name)
        head = queue.get_jobs(0, 0)
        if head and head[0].enqueued_at:
            waiting.append(_aware(head[0].enqueued_at))
        scheduled = ScheduledJobRegistry(queue=queue)  # type: ignore[no-untyped-call]
        overdue = scheduled.get_jobs_to_schedule(int(now.timestamp()), chunk_size=1)
        if overdue:  # due, but the scheduler has not moved it onto the queue yet
            waiting.append(_aware(scheduled.get_scheduled_time(overdue[0])))
    return max([0.0] + [(now - since).total_seconds() for since in waiting])


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


OLDEST: dict[str, Callable[[], float]] = {
    "django_tasks_db": _database_oldest,
    "django_tasks_rq": _rq_oldest,
}


def oldest_waiting_seconds() -> float:
    """Age of the oldest job that is due and not yet started (0 when the queue is empty)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    probe = OLDEST.get(type(backend).__module__.split(".")[0])
    return probe() if probe else 0.0


class WorkerDied(Exception):
    """What a job whose worker died while running it (SIGKILL, the OOM killer) failed with."""


def _database_dead_jobs_fail(worker: str) -> int:
    """The database queue leaves such a job RUNNING for ever: mark it FAILED. (RQ's own
    maintenance fails a dead worker's jobs, as AbandonedJobError; Celery's broker gives an
    unacknowledged message to another worker.)"""
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for job in DBTaskResult.objects.running():
        if job.worker_ids and job.worker_ids[-1] == worker:
            job.set_failed(WorkerDied(f"Worker {worker} stopped beating while running this job."))
            failed += 1
    return failed


DEAD_JOBS: dict[str, Callable[[str], int]] = {"django_tasks_db": _database_dead_jobs_fail}


def dead_jobs_fail(*, worker: str) -> int:
    """Mark the jobs that `worker` (dead) was running as failed; returns how many."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    marker = DEAD_JOBS.get(type(backend).__module__.split(".")[0])
    return marker(worker) if marker else 0
