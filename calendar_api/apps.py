from __future__ import annotations

from django.apps import AppConfig


class CalendarApiConfig(AppConfig):
    name = "calendar_api"
    verbose_name = "Google Calendar"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from calendar_api import checks  # noqa: F401  (registers the system checks)
        from calendar_api.compat import task_finished, task_started
        from calendar_api.operations import heartbeat, logs, queues

        # Every job, any task, either backend: a log line and a worker heartbeat.
        task_started.connect(logs.on_task_started, dispatch_uid="calendar-job-log-start")
        task_finished.connect(logs.on_task_finished, dispatch_uid="calendar-job-log")
        task_finished.connect(heartbeat.on_task_finished, dispatch_uid="calendar-heartbeat")
        if queues.celery_configured():
            heartbeat.celery_connect()
