"""How long the oldest job has been waiting, and the jobs of dead workers, on whichever queue
backend is configured.

Jobs never branch on the backend; these have to, because each keeps its queue its own way.
A job delayed with `run_after` counts from when it became due, not from when it was queued.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone

from calendar_api.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends

logger = logging.getLogger(__name__)
CELERY = "django_tasks_fennel"  # the package of the Celery backend (and its engine's name here)
QUEUED_AT = "calendar_queued_at"  # Celery: a header of each job's message (epoch seconds)


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
        head = queue.get_jobs(0, 1)  # the oldest (RQ 2: a length of 0 is no job at all)
        if head and head[0].enqueued_at:
            waiting.append(_aware(head[0].enqueued_at))
        scheduled = ScheduledJobRegistry(queue=queue)  # type: ignore[no-untyped-call]
        overdue = scheduled.get_jobs_to_schedule(int(now.timestamp()), chunk_size=1)
        if overdue:  # due, but the scheduler has not moved it onto the queue yet
            waiting.append(_aware(scheduled.get_scheduled_time(overdue[0])))
    return max([0.0] + [(now - since).total_seconds() for since in waiting])


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _celery_oldest() -> float:
    """Celery on Redis: each queue is a list per priority step (kombu pushes on the left and
    workers pop on the right, so the oldest message is the last), its message stamped when
    it was queued (on_celery_publish). Jobs delayed with `run_after` are held by a worker until
    due, not listed: they are not counted."""
    from celery import current_app
    from kombu.transport.redis import Channel

    client = current_app.backend.client
    now = timezone.now().timestamp()
    waiting: list[float] = []
    for queue in task_backends[DEFAULT_TASK_BACKEND_ALIAS].queues:
        # kombu's list of each priority step: "<queue><sep><step>", and "<queue>" for step 0
        for step in Channel.priority_steps:
            oldest = client.lindex(f"{queue}{Channel.sep}{step}" if step else queue, -1)
            queued_at = json.loads(oldest).get("headers", {}).get(QUEUED_AT) if oldest else None
            if isinstance(queued_at, int | float):
                waiting.append(queued_at)
    return max([0.0] + [now - since for since in waiting])


OLDEST: dict[str, Callable[[], float]] = {
    "django_tasks_db": _database_oldest,
    "django_tasks_rq": _rq_oldest,
    CELERY: _celery_oldest,
}


def oldest_waiting_seconds() -> float:
    """Age of the oldest job that is due and not yet started (0 when the queue is empty)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    probe = OLDEST.get(_engine(type(backend)))
    return probe() if probe else 0.0


class WorkerDied(Exception):
    """What a job whose worker died while running it (SIGKILL, the OOM killer) failed with."""


def _database_dead_jobs_fail(worker: str) -> int:
    """The database queue leaves such a job RUNNING for ever: mark it FAILED. (RQ's own
    maintenance fails a dead worker's jobs, as AbandonedJobError.)"""
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for job in DBTaskResult.objects.running():
        if job.worker_ids and job.worker_ids[-1] == worker:
            job.set_failed(WorkerDied(f"Worker {worker} stopped beating while running this job."))
            failed += 1
    return failed


def running_key(worker: str) -> str:
    """Celery: the Redis set of the jobs a worker process is running (operations/heartbeat.py)."""
    return f"calendar:jobs-running:{worker}"


def _engine(backend_class: type) -> str:
    return backend_class.__module__.split(".")[0]


def celery_configured() -> bool:
    """The default task backend is Celery's (read from the settings, nothing instantiated)."""
    path = str((getattr(settings, "TASKS", None) or {}).get("default", {}).get("BACKEND", ""))
    return path.split(".")[0] == CELERY


def on_celery_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None:
        headers.setdefault(QUEUED_AT, timezone.now().timestamp())


def _celery_dead_jobs_fail(worker: str) -> int:
    """Celery's result stays STARTED for ever when its worker dies mid-job (acknowledged on
    receipt, the job is not handed to another worker): mark the jobs the dead worker noted
    as running FAILED, keeping what the result recorded (task, arguments, worker)."""
    from celery import current_app, states

    results = current_app.backend
    key = running_key(worker)
    failed = 0
    for raw in results.client.smembers(key):
        job_id = raw.decode()
        meta = results.get_task_meta(job_id)
        if meta.get("status") != states.STARTED:
            continue  # it finished after all, or its record expired
        request = SimpleNamespace(  # what Celery stores of a job with result_extended
            task=meta.get("name"),
            args=meta.get("args"),
            kwargs=meta.get("kwargs"),
            hostname=meta.get("worker"),
            retries=meta.get("retries"),
            delivery_info=None,
            children=[],
            group=None,
            parent_id=None,
            stamps=None,
        )
        error = WorkerDied(f"Worker {worker} stopped beating while running this job.")
        trace = f"{WorkerDied.__module__}.{WorkerDied.__name__}: {error}"
        results.store_result(job_id, error, states.FAILURE, traceback=trace, request=request)
        failed += 1
    results.client.delete(key)
    return failed


DEAD_JOBS: dict[str, Callable[[str], int]] = {
    "django_tasks_db": _database_dead_jobs_fail,
    CELERY: _celery_dead_jobs_fail,
}


def dead_jobs_fail(*, worker: str) -> int:
    """Mark the jobs that `worker` (dead) was running as failed; returns how many."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    marker = DEAD_JOBS.get(_engine(type(backend)))
    return marker(worker) if marker else 0
