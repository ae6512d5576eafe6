"""Shared fixtures: the emulator's pytest plugin (google_emulator.pytest_plugin: one emulator
per test session on a free loopback port, reset per test), started under the session's clock,
pinned by TEST_NOW (tests/support/clock.py)."""

from __future__ import annotations

import contextlib
import glob
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from google_emulator import EmulatorServer
from google_emulator.calendar.recurrence import set_instance_ids
from tests.support import clock
from tests.support.app_settings import CalendarSettings

# The tests run from the source tree, where the emulator's wheel (and its pytest11 entry point)
# is not installed: the plugin is named here instead.
pytest_plugins = ["google_emulator.pytest_plugin"]

_travel: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Under TEST_NOW, travel before collection (modules that read the clock at import see the
    pinned date too) and tick from there for the whole session, in every xdist worker."""
    global _travel
    try:
        pin = clock.pinned()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from error
    if pin is not None and _travel is None:
        _travel = time_machine.travel(pin.instant, tick=True)
        _travel.start()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's, and at the end the call budget's own database connection closed before
    the test databases are dropped (PostgreSQL refuses to drop a database in use)."""
    yield
    from calendar_api.google import budget

    budget.stores_close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Each process's SQLite test database goes (pytest-django drops it) with what lives beside
    it: its WAL files and the call budget's store (`<name>-budget`, calendar_api/db/buckets.py),
    which were left in the project's folder, a few per run."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME")
    if "sqlite3" in database["ENGINE"] and name and not name.startswith(("file:", ":memory:")):
        for leftover in glob.glob(glob.escape(name) + "*"):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config: pytest.Config) -> str:
    pin = clock.pinned()
    when = f"pinned at {pin.instant:%Y-%m-%dT%H:%M:%SZ, a %A}" if pin else "real"
    return f"clock: {when}; the browser in {clock.browser_zone()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A pinned run leaves out the tests whose processes live on the real clock."""
    if clock.pinned() is None:
        return
    left_out = [item for item in items if item.get_closest_marker("real_clock")]
    left_out += _other_ways(items, clock.pin_number())
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, items)) - set(map(id, left_out))
        items[:] = [item for item in items if id(item) in kept]


def _other_ways(items: list[pytest.Item], number: int) -> list[pytest.Item]:
    """A test marked `one_way_per_date("param")` runs in every way (the values of that
    parameter: locale and width) under the real clock, and in one of them under a pinned date,
    a different one for each date of tests/dates.txt in turn: every way meets two or more of
    the dates, and a date's run is shorter by three browser runs in four."""
    ways: dict[tuple[str, str], set[int]] = {}
    marked = []
    for item in items:
        marker = item.get_closest_marker("one_way_per_date")
        callspec = getattr(item, "callspec", None)
        if marker is None or callspec is None or marker.args[0] not in callspec.indices:
            continue
        key = (f"{item.path}::{item.originalname}", marker.args[0])  # type: ignore[attr-defined]
        ways.setdefault(key, set()).add(callspec.indices[marker.args[0]])
        marked.append((item, key, callspec.indices[marker.args[0]]))
    return [item for item, key, way in marked if way != number % len(ways[key])]


@pytest.fixture(scope="session")
def pinned_clock() -> clock.Pin | None:
    """The pin this session runs under (None: the real clock). The clock itself was moved in
    pytest_configure, before anything read it; fixtures that start servers depend on this one
    to say that they need it."""
    assert (clock.pinned() is None) == (_travel is None)
    return clock.pinned()


@pytest.fixture(scope="session")
def google_emulator_server(
    pinned_clock: clock.Pin | None, google_emulator_server: EmulatorServer
) -> EmulatorServer:
    """The plugin's session emulator, overridden to start after `pinned_clock` (and so under
    the pinned clock): every fixture of the plugin that needs the server gets this one."""
    return google_emulator_server


@pytest.fixture(scope="session")
def emulator_server(google_emulator_server: EmulatorServer) -> EmulatorServer:
    """The session's emulator (the plugin's `google_emulator_server`; seed demo)."""
    return google_emulator_server


@pytest.fixture
def emulator(google_emulator: EmulatorServer) -> EmulatorServer:
    """The running emulator, freshly seeded (demo), auto-consent on, no faults (the plugin's
    `google_emulator`)."""
    return google_emulator


@pytest.fixture(params=["google", "opaque"])
def instance_id_mode(request: pytest.FixtureRequest, emulator: EmulatorServer) -> Iterator[str]:
    """Run a test against both forms of Google's recurring-instance ids: `<seriesId>_<start>`
    and opaque ones (`--instance-ids opaque`), the demo seed rebuilt in that form."""
    set_instance_ids(request.param)
    emulator.emulator.reset("demo")
    yield request.param
    set_instance_ids("google")


@pytest.fixture
def calendar_settings(settings: Any) -> CalendarSettings:
    """The app's GOOGLE_CALENDAR keys, set for one test (`calendar_settings.SCHEDULER_TICK = 0`)."""
    return CalendarSettings(settings)


@pytest.fixture(autouse=True)
def _fast_google_retries(calendar_settings: Any) -> None:
    """Keep Google's retry backoff in the tests, but 100 times shorter."""
    calendar_settings.RETRY_BACKOFF = 0.01
    # The Google call budget's buckets outlive a test's transaction (they are shared by every
    # process, on a connection of their own): it is on in tests/calendar_api/test_budget*.py,
    # which start each test with empty buckets.
    calendar_settings.BUDGET_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters live in the cache, and windows' prepared events in window_text's:
    each test starts with none."""
    from django.core.cache import cache

    from calendar_api.reads import window_text

    cache.clear()
    # Rolled-back test databases reuse row ids with other contents: no prepared event carries
    # over (in a real database an event's id, etag and updated time name one version).
    window_text.CACHE.clear()
    window_text.PAGES.clear()


@pytest.fixture(autouse=True)
def _webhooks_to_loopback(calendar_settings: Any) -> None:
    """Tests receive webhooks on loopback http servers (off by default: the SSRF guard)."""
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True


@pytest.fixture(autouse=True)
def _empty_rq_queue() -> None:
    """On RQ (TASKS_BACKEND=rq), each test starts with an empty Redis database."""
    from tests.support.jobs import queue_flush

    queue_flush()
