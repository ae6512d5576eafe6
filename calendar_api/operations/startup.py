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
where Django refuses database queries (and Django 6's system checks ask the database for its
features): the checks then run in a thread of their own.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from calendar_api.operations.redaction import install_redaction
from calendar_api.services.scheduler import pushed_calendars_check

logger = logging.getLogger(__name__)


def server_start() -> None:
    _outside_the_event_loop(_start_checks)
    install_redaction()
    heap_freeze()


def _start_checks() -> None:
    deploy_checks()
    _pushed_calendars_check()


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


def _outside_the_event_loop(work: Callable[[], None]) -> None:
    """Run `work` here, or inside a running event loop in a thread of its own, which closes the
    connections it opened; its error is raised here either way."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no event loop: the usual case
        work()
        return
    failed: list[BaseException] = []

    def apart() -> None:
        try:
            work()
        except BaseException as error:  # raised again in the caller's thread
            failed.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=apart, name="server-start")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def _pushed_calendars_check() -> None:
    try:
        pushed_calendars_check()
    except DatabaseError:  # not migrated yet: nothing is pushed either
        logger.info("No push channels checked at start: the database is not ready")
