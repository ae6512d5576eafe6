"""Worker heartbeats: every job a worker runs (any task, either backend) records one.

Writes are throttled to one per `BEAT_EVERY` seconds per process, so a busy worker does not
add a write per job. The scheduler's tick is a job too, so an idle worker still beats at least
once per SCHEDULER_TICK.

On Celery, which keeps no list of the jobs a worker is running (its broker forgets a job once
a worker took it), each worker process also keeps its own: a Redis set under its heartbeat's
name, which the lease keeper reads if the process stops beating (operations/queues.py marks
those jobs failed).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from typing import Any

from django.db import DatabaseError
from django.db.models import F, Max
from django.utils import timezone

from calendar_api.models import WorkerHeartbeat
from calendar_api.operations import queues

logger = logging.getLogger(__name__)

BEAT_EVERY = 1.0  # seconds
FORGET_AFTER = dt.timedelta(days=1)  # rows of workers gone that long are deleted
_last_beat = 0.0
_jobs_since = 0
_identity = {"name": ""}


def worker_name() -> str:
    """host:pid, or the worker id its command was given (the database queue records it on
    every job it claims, so a dead worker's jobs can be found by its heartbeat's name)."""
    return _identity["name"] or f"{socket.gethostname()}:{os.getpid()}"


def worker_name_set(name: str) -> None:
    _identity["name"] = name[:255]


def heartbeat_record(*, jobs: int = 0) -> None:
    """Note that this process is alive and ran `jobs` more jobs (at most a write a second)."""
    global _last_beat, _jobs_since
    _jobs_since += jobs
    now = time.monotonic()
    if now - _last_beat < BEAT_EVERY and _last_beat:
        return
    _last_beat = now
    jobs, _jobs_since = _jobs_since, 0
    stamp = timezone.now()
    try:
        updated = WorkerHeartbeat.objects.filter(worker=worker_name()).update(
            beat_at=stamp, jobs=F("jobs") + jobs
        )
        if not updated:
            WorkerHeartbeat.objects.create(worker=worker_name(), beat_at=stamp, jobs=jobs)
            WorkerHeartbeat.objects.filter(beat_at__lt=stamp - FORGET_AFTER).delete()
    except DatabaseError:  # a heartbeat never fails a job
        _last_beat = 0.0


def on_task_finished(sender: Any, **kwargs: Any) -> None:
    heartbeat_record(jobs=1)


def last_beat_age() -> float | None:
    """Seconds since any worker last beat, or None if none ever did."""
    latest = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    return None if latest is None else (timezone.now() - latest).total_seconds()


def celery_connect() -> None:
    """On Celery (django-tasks-fennel): stamp each job's message with when it was queued (the
    queue's age), and keep the jobs this worker process is running."""
    from celery.signals import before_task_publish

    from calendar_api.compat import task_finished, task_started

    before_task_publish.connect(queues.on_celery_publish, dispatch_uid="calendar-queued-at")
    task_started.connect(on_celery_job_started, dispatch_uid="calendar-jobs-running")
    task_finished.connect(on_celery_job_finished, dispatch_uid="calendar-jobs-done")


def on_celery_job_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _running_update("sadd", task_result.id)


def on_celery_job_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _running_update("srem", task_result.id)


def _running_update(command: str, job_id: str) -> None:
    from celery import current_app
    from redis.exceptions import RedisError

    try:
        getattr(current_app.backend.client, command)(queues.running_key(worker_name()), job_id)
    except RedisError:  # bookkeeping never fails a job; a dead worker's job stays STARTED then
        logger.warning("Could not note job %s as running in Redis", job_id, exc_info=True)
