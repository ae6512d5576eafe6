"""The scheduler: old job results are pruned once a day; safety polls adapt to activity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from calendar_api.models import Calendar, WatchChannel
from calendar_api.services.scheduler import housekeeping_due, polls_due, safety_gap
from calendar_api.tasks import renew_watch
from tests.calendar_api.test_push import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)  # the in-process worker closes connections


def test_old_finished_job_results_are_pruned_once_a_day(calendar_settings: Any) -> None:
    renew_watch.enqueue(1)
    renew_watch.enqueue(2)
    run_jobs()
    assert DBTaskResult.objects.finished().count() == 2
    old, recent = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=calendar_settings.TASK_RESULTS_KEEP_DAYS + 1)
    )
    assert housekeeping_due() == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
    DBTaskResult.objects.filter(pk=recent.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=30)
    )
    assert housekeeping_due() == 0  # claimed for today already
    assert housekeeping_due(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1


def test_safety_polls_come_soon_after_activity_and_rarely_when_idle(calendar_settings: Any) -> None:
    now = timezone.now()
    assert safety_gap(now=now, last_activity=now) == calendar_settings.SAFETY_POLL_INTERVAL
    an_hour_idle = safety_gap(now=now, last_activity=now - dt.timedelta(hours=2))
    assert an_hour_idle == 3600
    a_day_idle = safety_gap(now=now, last_activity=now - dt.timedelta(days=1))
    assert a_day_idle == calendar_settings.SAFETY_POLL_MAX_GAP <= 6 * 3600


def test_an_idle_calendar_with_a_live_channel_is_polled_a_few_times_a_day(
    calendar_settings: Any, alice: Any
) -> None:
    calendar = Calendar.objects.get(account=alice, primary=True)
    start = timezone.now()
    Calendar.objects.filter(pk=calendar.pk).update(
        last_activity_at=start - dt.timedelta(days=2), next_poll_at=None
    )
    WatchChannel.objects.create(
        calendar=calendar,
        channel_id="idle",
        token_hash="x",
        expires_at=start + dt.timedelta(days=9),
    )
    ticks = range(0, 24 * 3600, calendar_settings.SCHEDULER_TICK)
    polls = sum(len(polls_due(now=start + dt.timedelta(seconds=s))) for s in ticks)
    assert 1 <= polls <= 5
