"""The scheduler's housekeeping: old job results are pruned once a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from calendar_api.services.scheduler import housekeeping_due
from calendar_api.tasks import renew_watch
from tests.calendar_api.test_push import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)  # the in-process worker closes connections


def test_old_finished_job_results_are_pruned_once_a_day(settings: Any) -> None:
    renew_watch.enqueue(1)
    renew_watch.enqueue(2)
    run_jobs()
    assert DBTaskResult.objects.finished().count() == 2
    old, recent = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.TASK_RESULTS_KEEP_DAYS + 1)
    )
    assert housekeeping_due() == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
    DBTaskResult.objects.filter(pk=recent.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=30)
    )
    assert housekeeping_due() == 0  # claimed for today already
    assert housekeeping_due(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
