"""Worker heartbeats: every job a worker runs (any task, either backend) records one.

Writes are throttled to one per `BEAT_EVERY` seconds per process, so a busy worker does not
add a write per job. The scheduler's tick is a job too, so an idle worker still beats at least
once per SCHEDULER_TICK.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from typing import Any

from django.db import DatabaseError
from django.db.models import F, Max
from django.utils import timezone

from calendar_api.models import WorkerHeartbeat

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
