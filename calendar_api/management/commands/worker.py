"""Run a background worker for whichever task backend is configured (TASKS_BACKEND).

Each holds GOOGLE_CALENDAR['WORKER_THREADS'] jobs in flight (operations/pool.py) and runs a lease
keeper (operations/keeper.py). The database queue runs `db_worker` (django-tasks-db) with its
jobs on threads (`db_worker_threads`); RQ on Redis runs django-rq's `rqworker` with its
scheduler, which moves delayed jobs (`run_after`) onto the queue when they are due; Celery
(django-tasks-fennel) runs `celery worker --pool=threads` (`celery_worker`). Options after
`worker` are passed to that command unchanged.
"""

from __future__ import annotations

import sys
from typing import Any

import structlog
from django.core.management import load_command_class
from django.core.management.base import BaseCommand, CommandError

from calendar_api.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from calendar_api.operations.heartbeat import worker_name as heartbeat_name
from calendar_api.operations.keeper import keeper_start
from calendar_api.operations.startup import heap_freeze

logger = structlog.get_logger("calendar.worker")

# Backend class path (its module) -> (the app that has the command, its name, default options).
WORKERS: dict[str, tuple[str, str, list[str]]] = {
    "django_tasks_db": ("calendar_api", "db_worker_threads", ["--interval=0.5", "--no-reload"]),
    "django_tasks_rq": (
        "django_rq",
        "rqworker",
        [
            "--with-scheduler",
            "--job-class=django_tasks_rq.Job",
            "--worker-class=calendar_api.operations.rq_worker.Worker",
            "--verbosity=0",  # RQ's lines per job: the job line of calendar_api replaces them
        ],
    ),
    "django_tasks_fennel": ("calendar_api", "celery_worker", []),
}


def worker_command() -> tuple[str, str, list[str]]:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    package = type(backend).__module__.split(".")[0]
    if package not in WORKERS:
        raise CommandError(f"No worker for the task backend {type(backend).__name__}.")
    return WORKERS[package]


class Command(BaseCommand):
    help = "Run a background worker for the configured task backend (db_worker or rqworker)."

    def run_from_argv(self, argv: list[str]) -> None:
        app, name, defaults = worker_command()
        self.check()  # a worker that cannot start records no heartbeat
        logger.info("Starting worker", command=name)  # a log line: JSON with LOG_FORMAT=json
        options = [*defaults, *argv[2:]]
        given = worker_id(options)
        if given is None and name.startswith("db_worker"):  # its jobs name their worker
            options.append(f"--worker-id={heartbeat_name()}")
        keeper_start(name=given)  # the first heartbeat too: ready before its first job
        heap_freeze()
        delegate(app, name).run_from_argv([argv[0], name, *options])

    def handle(self, *args: Any, **options: Any) -> None:  # through call_command()
        app, name, defaults = worker_command()
        delegate(app, name).run_from_argv([sys.argv[0], name, *defaults, *args])


def worker_id(options: list[str]) -> str | None:
    """The worker's name given on the command line (db_worker's --worker-id, rqworker's
    --name, celery's --hostname), which its heartbeat and leases then carry."""
    for option in options:
        for flag in ("--worker-id=", "--name=", "--hostname="):
            if option.startswith(flag):
                return option[len(flag) :]
    return None


def delegate(app: str, name: str) -> BaseCommand:
    """The backend's own worker command, with logging left to settings.LOGGING: db_worker
    would otherwise set its loggers' levels itself (two lines per job at INFO, or nothing at
    all, errors included, below it)."""
    command = load_command_class(app, name)
    if hasattr(command, "configure_logging"):
        command.configure_logging = lambda verbosity: None
    return command
