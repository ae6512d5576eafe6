"""Shared fixtures: one emulator per test session on a free loopback port, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import google_emulator
from google_emulator import EmulatorServer
from google_emulator.calendar.recurrence import set_instance_ids


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = google_emulator.start(seed="demo", auto_consent=True)
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    """The running emulator, freshly seeded (demo), auto-consent on, no faults."""
    emulator_server.emulator.reset("demo")
    emulator_server.emulator.auto_consent = True
    return emulator_server


@pytest.fixture(params=["google", "opaque"])
def instance_id_mode(request: pytest.FixtureRequest, emulator: EmulatorServer) -> Iterator[str]:
    """Run a test against both forms of Google's recurring-instance ids: `<seriesId>_<start>`
    and opaque ones (`--instance-ids opaque`), the demo seed rebuilt in that form."""
    set_instance_ids(request.param)
    emulator.emulator.reset("demo")
    yield request.param
    set_instance_ids("google")


@pytest.fixture(autouse=True)
def _fast_google_retries(settings: object) -> None:
    """Keep Google's retry backoff in the tests, but 100 times shorter."""
    settings.GOOGLE_RETRY_BACKOFF = 0.01  # type: ignore[attr-defined]


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
def _webhooks_to_loopback(settings: object) -> None:
    """Tests receive webhooks on loopback http servers (off by default: the SSRF guard)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_rq_queue() -> None:
    """On RQ (TASKS_BACKEND=rq), each test starts with an empty Redis database."""
    from tests.support.jobs import queue_flush

    queue_flush()
