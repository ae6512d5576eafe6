"""Background jobs (Django's tasks API via django-tasks): load the row, call the service."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from calendar_api.google.errors import GoogleError
from calendar_api.models import Calendar
from calendar_api.services import instances, scheduler, sync, watches
from calendar_api.webhooks import services as webhooks


@task()
def sync_calendar(calendar_id: int, attempt: int = 0) -> str:
    return sync.calendar_sync_job(calendar_id=calendar_id, attempt=attempt)


@task()
def renew_watch(calendar_id: int) -> str:
    calendar = Calendar.objects.select_related("account").filter(pk=calendar_id).first()
    if calendar is None:
        return "skipped"
    try:
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
    return f"{instances.calendar_instances_extend(calendar=calendar)} instances"


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
    scheduler_start(delay=settings.SCHEDULER_TICK)
    return (
        f"{len(stalled)} stalled syncs queued again, {len(polls)} polls, "
        f"{len(renewals)} renewals, {len(extended)} horizons moved on, {pruned} old job results deleted, "
        f"{len(requeued)} overdue webhook deliveries queued again"
    )


def scheduler_start(*, delay: float = 0) -> None:
    run_after = timezone.now() + dt.timedelta(seconds=delay)
    transaction.on_commit(lambda: scheduler_tick.using(run_after=run_after).enqueue())
