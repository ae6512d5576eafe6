"""The short soak: about a minute of changes at Google while 20% of the sync's calls to Google
fail (429, 403 rate limits, 500, 503, slow answers, dropped connections), run by two real worker
processes polling every 2 s. Afterwards, with the faults stopped, the store converges: nothing
lost, nothing stale, nothing duplicated, and no account wrongly marked reconnect_required.
The long version, with figures, is bench/bench_soak.py."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from calendar_api import tasks
from calendar_api.models import Calendar, GoogleAccount
from google_emulator import EmulatorServer
from tests.calendar_api import test_worker as workers
from tests.calendar_api.conftest import assert_no_duplicates, stored, truth
from tests.calendar_api.test_worker import Worker, wait_for
from tests.emulator.clients import control

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]  # worker processes
start_worker = workers.start_worker  # the fixture: real db_worker processes
SOAK_SECONDS = 40
FAULTS = {
    "rate": 0.2,
    "method": "calendar.events.list",  # the sync's reads; the test's own changes go through
    "kinds": ["429", "403", "500", "503", "slow", "drop"],
    "slow_ms": 500,
    "seed": 20261201,
}


@pytest.fixture(autouse=True)
def _no_push(calendar_settings: Any) -> None:
    calendar_settings.PUSH_NOTIFICATIONS = False


def one_change(gcal: Any, rng: random.Random, made: list[str], n: int) -> None:
    """Insert, move or delete one event at Google (through the official client)."""
    events = gcal.events()
    day = 1 + n % 27
    if not made or rng.random() < 0.5:
        body = {
            "summary": f"Soak {n}",
            "start": {"dateTime": f"2027-03-{day:02d}T09:00:00Z"},
            "end": {"dateTime": f"2027-03-{day:02d}T10:00:00Z"},
        }
        made.append(events.insert(calendarId="primary", body=body).execute()["id"])
    elif rng.random() < 0.6:
        body = {"summary": f"Soak {n} moved", "location": f"Room {n}"}
        events.patch(calendarId="primary", eventId=rng.choice(made), body=body).execute()
    else:
        events.delete(calendarId="primary", eventId=made.pop(rng.randrange(len(made)))).execute()


def test_a_minute_of_changes_under_20_percent_faults_converges_exactly(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    start_worker: Callable[..., Worker],
) -> None:
    calendar = alice.calendars.get(primary=True)
    fast = {
        "SCHEDULER_TICK": "1",
        "CALENDAR_POLL_INTERVAL": "2",
        "SYNC_LEASE_SECONDS": "10",
        "GOOGLE_HTTP_TIMEOUT": "5",
    }
    pool = [start_worker(**fast), start_worker(**fast)]
    control(google.base_url, "faults", FAULTS)
    tasks.scheduler_tick.enqueue()
    rng = random.Random(7)
    made: list[str] = []
    changes = 0
    until = time.monotonic() + SOAK_SECONDS
    while time.monotonic() < until:
        one_change(gcal, rng, made, changes)
        changes += 1
        time.sleep(0.2)
    injected = control(google.base_url, "faults", method="GET")["rate"]["injected"]
    control(google.base_url, "faults", {"rate": 0})

    expected = truth(gcal)
    seconds = wait_for(lambda: stored(calendar) == expected, "convergence", pool)
    print(f"{changes} changes, faults injected {injected}; converged {seconds:.1f} s after")
    assert sum(injected.values()) > 0
    assert_no_duplicates(calendar)
    assert GoogleAccount.objects.get(pk=alice.pk).status == GoogleAccount.Status.ACTIVE
    assert Calendar.objects.get(pk=calendar.pk).sync_token
    for worker in pool:  # a graceful stop may wait for a sync in flight: allow it time
        worker.stop(timeout=120)
