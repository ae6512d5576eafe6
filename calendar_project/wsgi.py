"""WSGI entry point."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
application = get_wsgi_application()

# The system checks (they refuse the development keys with DEBUG off), access-log redaction and
# a check of pushed calendars, under any server: see calendar_api/operations/startup.py.
from calendar_api.operations.startup import server_start  # noqa: E402  (needs the app registry)

server_start()
