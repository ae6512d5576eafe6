"""What every server process does when it starts serving, whatever the server (runserver,
gunicorn, uvicorn, any WSGI or ASGI server): `calendar_project/wsgi.py` and `asgi.py` call
`server_start()` once the application is built.

- The system checks run, and an error stops the start: Django runs them only for `manage.py`
  commands, so gunicorn would otherwise serve with the public development keys and DEBUG off.
- Access logs of every known server go through the redaction of OAuth codes and state.
- Calendars with a live push channel are polled at the scheduler's next tick: notifications
  that arrived while no web process was up are lost.
- What is alive once the application is loaded is left out of later full garbage collections
  (`heap_freeze`, the worker does the same).

uvicorn with `--workers N` imports the application inside each worker's running event loop,
where Django refuses database queries; the check then runs in a thread of its own.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from calendar_api.operations.redaction import install_redaction
from calendar_api.services.scheduler import pushed_calendars_check

logger = logging.getLogger(__name__)


def server_start() -> None:
    deploy_checks()
    install_redaction()
    _check_pushed_calendars()
    heap_freeze()


def heap_freeze() -> None:
    """Move every object alive now (Django, the project's modules and their tables) out of the
    garbage collector's view. A request or a job that makes tens of thousands of objects (a
    year of analytics, a page of sync) otherwise pays for scanning all of those again at each
    full collection: measured on a year of analytics, about a quarter of its time."""
    gc.collect()
    gc.freeze()


def deploy_checks() -> None:
    """Raise ImproperlyConfigured when a system check reports an error."""
    errors = [m for m in checks.run_checks(include_deployment_checks=False) if m.is_serious()]
    if errors:
        lines = "\n".join(f"{m.id}: {m.msg}" for m in errors)
        raise ImproperlyConfigured(f"Refusing to serve:\n{lines}")


def _check_pushed_calendars() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no event loop: the usual case
        _pushed_calendars_check()
        return
    thread = threading.Thread(target=_pushed_calendars_check_apart, name="startup-check")
    thread.start()
    thread.join()


def _pushed_calendars_check_apart() -> None:
    """The check in a thread of its own, which closes the connection it opened."""
    from django.db import connection

    try:
        _pushed_calendars_check()
    finally:
        connection.close()


def _pushed_calendars_check() -> None:
    try:
        pushed_calendars_check()
    except DatabaseError:  # not migrated yet: nothing is pushed either
        logger.info("No push channels checked at start: the database is not ready")
