"""Background jobs (Django's tasks API): each loads its row, calls the service that does the
work, and owns its retries. They are queued through jobs.py, never from here directly."""

from __future__ import annotations

import logging
import random

from calendar_api import jobs, metrics
from calendar_api.compat import task
from calendar_api.conf import app_settings
from calendar_api.google.budget import BudgetDeferred, Priority, working
from calendar_api.google.errors import GoogleError, QuotaExceeded, ReauthRequired
from calendar_api.models import Calendar
from calendar_api.services import instances, scheduler, sync, watches
from calendar_api.webhooks import services as webhooks

logger = logging.getLogger(__name__)
RETRY_BASE_SECONDS = 5
RETRY_CAP_SECONDS = 900


@task()
def sync_calendar(calendar_id: int, attempt: int = 0, priority: str = "poll") -> str:
    """Sync, and on a temporary failure (a `retryable` error, or a bug) try again later with
    exponential backoff and jitter, capped; a spent quota pauses the account. Google's calls
    are made at `priority` (google/budget.py); work the budget defers is queued again."""
    calendar = Calendar.objects.select_related("account").filter(pk=calendar_id).first()
    if calendar is None or not sync.account_usable(calendar.account):
        sync.sync_unqueue(calendar_id=calendar_id)
        metrics.SYNCS.labels(kind="none", outcome="skipped").inc()
        return "skipped"
    kind = "incremental" if calendar.sync_token else "full"
    with working(_priority(priority), calendar=calendar.pk):
        result = _synced(calendar, attempt, priority)
    ok = result in ("full", "incremental")
    metrics.SYNCS.labels(kind=result if ok else kind, outcome="ok" if ok else result).inc()
    return result


def _priority(name: str) -> Priority:
    return Priority.__members__.get(name.upper(), Priority.POLL)


def _synced(calendar: Calendar, attempt: int, priority: str) -> str:
    try:
        return sync.calendar_sync(calendar=calendar).mode
    except BudgetDeferred as exc:  # no call was made: later, at the same attempt and priority
        delay = float(exc.retry_after or 1)
        sync.sync_request(calendar_id=calendar.pk, delay=delay, attempt=attempt, priority=priority)
        return "deferred"
    except ReauthRequired:
        return "reconnect_required"
    except QuotaExceeded as exc:
        sync.account_pause(account=calendar.account, seconds=exc.retry_after or 3600)
        sync.sync_error_record(calendar=calendar, code=exc.code)
        return "paused"
    except GoogleError as exc:
        sync.sync_error_record(calendar=calendar, code=exc.code)
        if not exc.retryable:
            return "failed"
        return _retry(calendar, attempt, exc.retry_after, priority)
    except Exception as exc:  # a bug or a database error: recorded and retried, never silent
        logger.exception("Sync of calendar %s failed", calendar.pk)
        sync.sync_error_record(calendar=calendar, code=f"internal_error: {type(exc).__name__}")
        return _retry(calendar, attempt, None, priority)


def _retry(calendar: Calendar, attempt: int, retry_after: int | None, priority: str) -> str:
    delay = backoff_seconds(attempt, retry_after)
    sync.sync_request(calendar_id=calendar.pk, delay=delay, attempt=attempt + 1, priority=priority)
    return "retrying"


def backoff_seconds(attempt: int, retry_after: int | None = None) -> float:
    """Exponential backoff with jitter (Google's error guide), never sooner than Retry-After."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**attempt)
    return max(float(retry_after or 0), random.uniform(ceiling / 2, ceiling))  # noqa: S311


@task()
def renew_watch(calendar_id: int) -> str:
    calendar = Calendar.objects.select_related("account").filter(pk=calendar_id).first()
    if calendar is None:
        return "skipped"
    try:
        with working(Priority.POLL, calendar=calendar.pk):
            channel = watches.watch_renew(calendar=calendar)
    except GoogleError as exc:
        return f"failed: {exc.code}"
    return "watching" if channel else "push unavailable"


@task()
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.delivery_attempt(delivery_id=delivery_id)


@task()
def extend_instances(calendar_id: int) -> str:
    calendar = Calendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        return "skipped"
    with working(Priority.HORIZON, calendar=calendar.pk):
        extended = instances.calendar_instances_extend(calendar=calendar)
    return f"{extended} instances"


@task()
def scheduler_tick() -> str:
    """Queue due polls and renewals, then schedule the next tick (once, whoever claims it)."""
    if not scheduler.tick_claim():
        return "already claimed"
    stalled = scheduler.stalled_syncs_requeue()
    polls = scheduler.polls_due()
    renewals = scheduler.renewals_due()
    extended = scheduler.extensions_claim()
    pruned = scheduler.housekeeping_due()
    requeued = webhooks.deliveries_overdue()
    jobs.scheduler_tick(delay=app_settings.SCHEDULER_TICK)
    return (
        f"{len(stalled)} stalled syncs queued again, {len(polls)} polls, "
        f"{len(renewals)} renewals, {len(extended)} horizons moved on, {pruned} old job results deleted, "
        f"{len(requeued)} overdue webhook deliveries queued again"
    )
