"""Every background job is queued here.

The jobs themselves are in tasks.py, at the top of the house with the views: each loads its
row, calls the service that does the work, and owns its retries. Services queue work through
these functions, so each function imports its task when it is called. That import is the one
that points up, and the only import inside a function in calendar_api: the import-linter
contracts in pyproject.toml name it and allow no other (HackSoft's "tasks as APIs", with the
enqueues in one module instead of spread over the services)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone


def sync_calendar(
    *,
    calendar_id: int,
    attempt: int = 0,
    run_after: dt.datetime | None = None,
    priority: str = "poll",
) -> None:
    """Queue the calendar's sync now (services.sync.sync_request decides whether and when)."""
    from calendar_api.tasks import sync_calendar as task

    job = task.using(run_after=run_after) if run_after else task
    job.enqueue(calendar_id, attempt, priority)


def renew_watch(*, calendar_id: int) -> None:
    """Open (or renew) the calendar's push channel once the current transaction commits."""
    from calendar_api.tasks import renew_watch as task

    transaction.on_commit(lambda: task.enqueue(calendar_id))


def extend_instances(*, calendar_id: int) -> None:
    """Move the calendar's read-model horizon on, once the current transaction commits."""
    from calendar_api.tasks import extend_instances as task

    transaction.on_commit(lambda: task.enqueue(calendar_id))


def deliver_webhooks(*, delivery_ids: list[int], at: dt.datetime | None = None) -> None:
    """Queue a delivery job for each, once the current transaction commits."""
    from calendar_api.tasks import deliver_webhook as task

    def enqueue() -> None:
        job = task if at is None else task.using(run_after=at)
        for delivery_id in delivery_ids:
            job.enqueue(delivery_id)

    transaction.on_commit(enqueue)


def scheduler_tick(*, delay: float = 0) -> None:
    """Queue the scheduler's next tick, `delay` seconds from now, once the transaction commits."""
    from calendar_api.tasks import scheduler_tick as task

    run_after = timezone.now() + dt.timedelta(seconds=delay)
    transaction.on_commit(lambda: task.using(run_after=run_after).enqueue())
