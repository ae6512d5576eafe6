"""calendar_api.compat: one tasks framework for the app, Django's own on 6, the backport on 5.2;
the checks refuse a TASKS backend of the other one (django-tasks-rq on Django 6)."""

from __future__ import annotations

from typing import Any

import django
import pytest

from calendar_api import checks as app_checks
from calendar_api import compat, tasks


def test_the_apps_jobs_are_tasks_of_the_framework_this_django_has() -> None:
    builtin = django.VERSION >= (6, 0)
    assert compat.BUILTIN is builtin
    assert ("django.tasks" if builtin else "django_tasks") == compat.PACKAGE
    assert type(tasks.sync_calendar).__module__ == f"{compat.PACKAGE}.base"
    assert f"{compat.PACKAGE}.backends.immediate.ImmediateBackend" == compat.IMMEDIATE_BACKEND


def test_the_demo_projects_tasks_pass_the_check() -> None:
    assert app_checks.check_tasks() == []


@pytest.fixture
def on_django_6(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "BUILTIN", True)


def test_rq_on_django_6_is_refused_by_name(on_django_6: None, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_tasks"]
    [error] = app_checks.check_tasks()
    assert error.id == "calendar_api.E020"
    assert "TASKS['default'] is django-tasks-rq" in error.msg
    assert "Django 5.2" in (error.hint or "")


def test_a_backport_backend_on_django_6_names_djangos_own(on_django_6: None, settings: Any) -> None:
    settings.TASKS = {"slow": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_tasks"]
    [error] = app_checks.check_tasks()
    assert error.id == "calendar_api.E021"
    assert error.hint == "Name Django's own: django.tasks.backends.immediate.ImmediateBackend"


def test_the_backport_in_installed_apps_on_django_6_is_a_warning(
    on_django_6: None, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INSTALLED_APPS = [
        *(a for a in settings.INSTALLED_APPS if a != "django_tasks"),
        "django_tasks",
    ]
    [warning] = app_checks.check_tasks()
    assert warning.id == "calendar_api.W020"


def test_on_django_5_2_the_backport_serves_every_backend(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setattr(compat, "BUILTIN", False)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    assert app_checks.check_tasks() == []
