"""ASGI entry point."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
django.setup(set_prefix=False)

# Django's handler with the middleware entered once per request, not once per hook.
from calendar_api.operations.asgi import OneHopASGIHandler  # noqa: E402

application = OneHopASGIHandler()

# The system checks (they refuse the development keys with DEBUG off), access-log redaction and
# a check of pushed calendars, under any server: see calendar_api/operations/startup.py.
from calendar_api.operations.startup import server_start  # noqa: E402  (needs the app registry)

server_start()
