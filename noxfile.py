"""The supported Django and Python versions, each checked from the wheels (`make nox`).

Each session makes a virtualenv (outside the repository), installs the two wheels of `make dist`
(the app with its `emulator` extra, and the emulator), that Django, and pytest-django, then runs
packaging/quickstart_check.py in it: docs/quickstart.md from `startproject` to a week read
through the Python API and the REST API, and a host's own pytest file, with Django's user model
and with an e-mail one. The repository's own suite runs on the main environment (.venv: Django
5.2, Python 3.11), in `make test`; the `suite_django6` session runs it, but for the browser
tests and the emulator's own, on Django 6 and Python 3.13 from the source tree.

    nox                      # every session
    nox -s django52-3.11     # one
"""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

import nox

HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
# Django 6 needs Python 3.12 or later.
DJANGO = {"django52": ("Django>=5.2,<5.3", ["3.11", "3.13"]), "django6": ("Django>=6,<7", ["3.13"])}

nox.options.envdir = str(Path(tempfile.gettempdir()) / "django-gcal-sync-nox")
nox.options.error_on_missing_interpreters = True
# Interpreters that pyenv installed but did not put on PATH (as on CI's machine).
os.environ["PATH"] = os.pathsep.join(
    [*sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin"))), os.environ["PATH"]]
)


def wheels() -> list[str]:
    app = sorted(DIST.glob("django_gcal_sync-*.whl"))
    emulator = sorted(DIST.glob("google_calendar_emulator-*.whl"))
    if len(app) != 1 or len(emulator) != 1:
        raise SystemExit(f"noxfile: expected one wheel of each in {DIST}: run `make dist` first")
    return [f"{app[0]}[emulator]", str(emulator[0])]


def quickstart(session: nox.Session, django: str) -> None:
    session.install(*wheels(), django, "pytest-django>=4.14,<5")
    python = str(Path(session.bin) / "python")
    session.run("python", str(HERE / "packaging" / "quickstart_check.py"), "--python", python)


@nox.session(python=DJANGO["django52"][1])
def django52(session: nox.Session) -> None:
    """Django 5.2 LTS (the django-tasks backport)."""
    quickstart(session, DJANGO["django52"][0])


@nox.session(python=DJANGO["django6"][1])
def django6(session: nox.Session) -> None:
    """The current Django 6.x (its built-in django.tasks)."""
    quickstart(session, DJANGO["django6"][0])


@nox.session(python="3.13")
def suite_django6(session: nox.Session) -> None:
    """The repository's suite on Django 6 and Python 3.13: the app's tests (tests/calendar_api,
    on SQLite and the database queue) and the recurrence corpus. The browser tests and the
    emulator's conformance suite do not touch Django's version; they run in `make test`."""
    session.install("-r", str(HERE / "requirements-dev.txt"))
    session.install(DJANGO["django6"][0])  # over the pinned 5.2 (pip says what it displaced)
    session.chdir(HERE)
    session.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2",
        "--dist", "worksteal", "tests/calendar_api", "tests/recurrence",
        *session.posargs,
    )  # fmt: skip
