"""Django's tasks framework, wherever it comes from: every import of it in the app is from here.

Django 6 has it built in (`django.tasks`); on Django 5.2 the `django-tasks` backport (import
name `django_tasks`, the same API) stands in for it. django-tasks-db makes the same choice
(`django_tasks_db.compat`), so the database queue and the app always share one framework: the
same `TASKS` setting, task classes and signals.

django-tasks-rq (the `rq` extra) is built on the backport only: on Django 6 its backend is not
a `django.tasks` backend, so the app's checks refuse it there (calendar_api.E020).
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING

# True on Django 6 and later: the framework is Django's own, and "django_tasks" (the backport)
# need not be installed nor in INSTALLED_APPS.
BUILTIN = find_spec("django.tasks") is not None

if BUILTIN and not TYPE_CHECKING:  # mypy reads the backport's annotations (the same API)
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task, task_backends
    from django.tasks.exceptions import TaskResultDoesNotExist
    from django.tasks.signals import task_enqueued, task_finished, task_started

    PACKAGE = "django.tasks"
else:  # Django 5.2: the backport
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task, task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist
    from django_tasks.signals import task_enqueued, task_finished, task_started

    PACKAGE = "django_tasks"

# The backend that runs a job in the process that queues it (tests, quick starts).
IMMEDIATE_BACKEND = f"{PACKAGE}.backends.immediate.ImmediateBackend"

__all__ = [
    "BUILTIN",
    "DEFAULT_TASK_BACKEND_ALIAS",
    "IMMEDIATE_BACKEND",
    "PACKAGE",
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "task",
    "task_backends",
    "task_enqueued",
    "task_finished",
    "task_started",
]
