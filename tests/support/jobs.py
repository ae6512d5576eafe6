"""The jobs a test queued, read back from whichever queue backend the tests run on.

The worker and sync tests run on the database queue and, with TASKS_BACKEND=rq or celery, on
RQ or Celery. A job is read as django-tasks presents it (a TaskResult), so the tests say the
same thing of each.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from rq.exceptions import NoSuchJobError

from calendar_api.compat import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskResultDoesNotExist,
    task_backends,
    task_enqueued,
)

# Celery keeps no record of a job until a worker starts it (django-tasks-fennel 0.1's own record
# of queued jobs is off on Celery 5.7's Redis backend: docs/operations.md), so the jobs this
# process queues are kept here, as they were queued.
_queued_here: dict[str, Any] = {}


def _note_queued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _queued_here[task_result.id] = task_result


task_enqueued.connect(_note_queued, dispatch_uid="tests-queued-here")


def uses_rq() -> bool:
    return bool(getattr(settings, "USES_RQ", False))


def uses_celery() -> bool:
    return bool(getattr(settings, "USES_CELERY", False))


def job_results(task: Any, first_arg: Any | None = None) -> list[Any]:
    """Every job of `task` (with this first argument), oldest first, as TaskResults."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    ids = (
        _rq_job_ids()
        if uses_rq()
        else _celery_job_ids()
        if uses_celery()
        else _database_job_ids(task)
    )
    results = [_result(backend, job_id) for job_id in ids]
    mine = [
        r
        for r in results
        if r.task.module_path == task.module_path
        and (first_arg is None or (list(r.args)[:1] == [first_arg]))
    ]
    return sorted(mine, key=_queued_at)


def _queued_at(result: Any) -> dt.datetime:
    """When the job was queued (Celery: by this process, or else when it finished)."""
    here = _queued_here.get(result.id)
    when = result.enqueued_at or (here and here.enqueued_at) or result.finished_at
    return when or dt.datetime.max.replace(tzinfo=dt.UTC)


def _result(backend: Any, job_id: str, tries: int = 5) -> Any:
    """The job's TaskResult. With RQ, a job the scheduler moves from its scheduled registry to
    the queue while it is being read is missing from the registry its status names (RQ raises
    NoSuchJobError): read again, once it has arrived."""
    for _ in range(tries - 1):
        try:
            return backend.get_result(job_id)
        except NoSuchJobError:
            time.sleep(0.05)
        except TaskResultDoesNotExist:  # Celery: queued, not started yet
            if job_id in _queued_here:
                return _queued_here[job_id]
            raise
    return backend.get_result(job_id)


def _database_job_ids(task: Any) -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)]


def _rq_job_ids() -> list[str]:
    import django_rq
    from rq.registry import (
        FailedJobRegistry,
        FinishedJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )

    queue = django_rq.get_queue("default")
    ids = list(queue.get_job_ids())
    for registry in (
        FinishedJobRegistry,
        FailedJobRegistry,
        StartedJobRegistry,
        ScheduledJobRegistry,
    ):
        ids += registry(queue=queue).get_job_ids()
    return list(dict.fromkeys(ids))


def _celery_job_ids() -> list[str]:
    """The jobs queued here, and every job a worker started (Celery's result store)."""
    from celery import current_app

    prefix = current_app.backend.task_keyprefix
    started = current_app.backend.client.scan_iter(match=prefix + b"*")
    return list(dict.fromkeys([*_queued_here, *(k[len(prefix) :].decode() for k in started)]))


def queue_flush() -> None:
    """Empty the Redis database of the tests (the database queue is emptied with the database)."""
    if uses_rq():
        import django_rq

        django_rq.get_connection("default").flushdb()
    if uses_celery():
        from celery import current_app

        current_app.backend.client.flushdb()
        _queued_here.clear()
