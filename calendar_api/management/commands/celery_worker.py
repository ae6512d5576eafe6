"""Celery's worker for TASKS_BACKEND=celery (django-tasks-fennel), with
GOOGLE_CALENDAR['WORKER_THREADS'] jobs in flight on Celery's thread pool. `manage.py worker` runs
it; options after it go to `celery worker` unchanged (e.g. `--hostname=name@host`).

Celery's Django fix-up drops stale database connections before and after each job, as
Django does around a request; with the thread pool each thread keeps its own.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand

from calendar_api.operations.pool import worker_threads


def celery_argv(extra: list[str]) -> list[str]:
    return [
        "worker",
        "--pool=threads",
        f"--concurrency={worker_threads()}",
        "--loglevel=WARNING",
        "--without-gossip",  # no broadcast chatter between workers: nothing here uses it
        "--without-mingle",
        *extra,
    ]


class Command(BaseCommand):
    help = "Run a Celery worker (thread pool) for the Celery task backend"

    def run_from_argv(self, argv: list[str]) -> None:
        current_app.worker_main(celery_argv(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:  # through call_command()
        current_app.worker_main(celery_argv(list(args)))
