from __future__ import annotations

from django.apps import AppConfig


class CalendarApiConfig(AppConfig):
    name = "calendar_api"
    verbose_name = "Google Calendar"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from calendar_api import checks  # noqa: F401  (registers the system checks)
