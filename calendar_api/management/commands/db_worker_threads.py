"""django-tasks-db's `db_worker`, with GOOGLE_CALENDAR['WORKER_THREADS'] jobs in flight
(operations/db_worker.py). `manage.py worker` runs it on the database queue; `--threads`
overrides the setting."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from calendar_api.operations.db_worker import ThreadedWorker
from calendar_api.operations.pool import worker_threads


class Command(db_worker.Command):
    help = "Run a database queue worker with many jobs in flight"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--threads", type=int, default=None, help="Jobs in flight.")

    def handle(self, *args: Any, **options: Any) -> None:
        threads = options.pop("threads", None)
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ThreadedWorker(
            threads=threads or worker_threads(),
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
