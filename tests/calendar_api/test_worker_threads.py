"""One worker process holds many jobs in flight (GOOGLE_CALENDAR["WORKER_THREADS"]), on any
engine, and still runs one sync per calendar at a time: two calendars' syncs wait for Google
together, each calendar's one after the other, and never more at once than the setting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from calendar_api import tasks
from calendar_api.models import GoogleAccount
from google_emulator import EmulatorServer
from tests.calendar_api import test_worker as workers
from tests.calendar_api.conftest import assert_no_duplicates, change_at_google, fault, stored, truth
from tests.calendar_api.test_concurrency import Traffic
from tests.calendar_api.test_worker import LIST, Worker, all_finished, primary_without_polls
from tests.emulator.clients import service

start_worker = workers.start_worker
traffic = workers.traffic
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


class InFlight:
    """The most events.list calls the emulator was answering at once, whatever the calendar."""

    def __init__(self, traffic: Traffic, monkeypatch: pytest.MonkeyPatch, google: Any) -> None:
        self.now = self.peak = 0
        self.lock = threading.Lock()
        self._dispatch = google.emulator.dispatch
        monkeypatch.setattr(google.emulator, "dispatch", self.dispatch)

    def dispatch(self, request: Any) -> Any:
        listing = request.method == "GET" and request.path.endswith("/events")
        with self.lock:
            self.now += listing
            self.peak = max(self.peak, self.now)
        try:
            return self._dispatch(request)
        finally:
            with self.lock:
                self.now -= listing


@pytest.mark.parametrize("threads", [1, 4])
def test_one_worker_runs_syncs_of_two_calendars_at_once_and_each_calendar_one_at_a_time(
    alice: GoogleAccount,
    connect: Callable[..., Any],
    gcal: Any,
    google: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    traffic: Traffic,
    start_worker: Callable[..., Worker],
    threads: int,
) -> None:
    assert connect(login_hint="bob@example.com").status_code == 200
    bob = GoogleAccount.objects.get(email="bob@example.com")
    calendars = [primary_without_polls(alice), primary_without_polls(bob)]
    for people in (gcal, service(google.base_url, "bob@example.com")):
        change_at_google(people)
    expected = [truth(gcal), truth(service(google.base_url, "bob@example.com"))]
    in_flight = InFlight(traffic, monkeypatch, google)
    fault(google, LIST, delay_ms=300, times=100)  # each sync waits for Google a while
    worker = start_worker(WORKER_THREADS=str(threads))
    worker.wait_ready()

    started = time.monotonic()
    for _ in range(10):
        for calendar in calendars:
            tasks.sync_calendar.enqueue(calendar.pk)
    workers.wait_for(lambda: all(all_finished(c) for c in calendars), "20 jobs", [worker])
    print(f"{threads} threads ran 20 jobs in {time.monotonic() - started:.2f} s")

    assert in_flight.peak == min(threads, 2)  # two calendars at once, never above the setting
    for calendar, truth_of in zip(calendars, expected, strict=True):
        assert traffic.peak(LIST, calendar.google_id) == 1  # each calendar: one sync at a time
        assert stored(calendar) == truth_of
        assert_no_duplicates(calendar)
        calendar.refresh_from_db()
        assert calendar.sync_lease_until is None
    assert worker.stop() == 0
