"""Start the periodic scheduler (polling syncs, channel renewals) if no tick chain is alive."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from calendar_api import jobs
from calendar_api.services.scheduler import tick_is_stale


class Command(BaseCommand):
    help = "Queue the scheduler's first tick unless one is already scheduled (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not tick_is_stale():
            self.stdout.write("The scheduler is already running.")
            return
        with transaction.atomic():
            jobs.scheduler_tick()
        self.stdout.write("Scheduler started: the workers run its ticks.")
