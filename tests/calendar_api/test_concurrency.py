"""Concurrency with real threads, each on its own database connection: two syncs of one
calendar, two refreshes of one token, and the scheduler raced by several workers.

The emulator counts what reaches it (`Traffic`), so "one refresh call" and "one sync at a
time" are measured where Google would see them, not inferred from our own bookkeeping.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import connection
from django.utils import timezone
from werkzeug.wrappers import Request, Response

from calendar_api import tasks
from calendar_api.models import Calendar, Event, GoogleAccount, ScheduleSlot
from calendar_api.services import scheduler
from calendar_api.services.sync import calendar_sync
from calendar_api.services.tokens import account_access_token
from google_emulator import EmulatorServer
from tests.calendar_api.conftest import (
    assert_no_duplicates,
    change_at_google,
    fault,
    primary,
    stored,
    truth,
)

pytestmark = pytest.mark.django_db(transaction=True)
T = TypeVar("T")
JOIN_TIMEOUT = 30.0
LIST = "calendar.events.list"


class Traffic:
    """Counts the requests that reach the emulator per (method id, path), and how many of each
    were in flight at once (the peak)."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.in_flight: Counter[tuple[str, str]] = Counter()
        self.peaks: Counter[tuple[str, str]] = Counter()
        self.arrived: dict[tuple[str, str], threading.Event] = {}
        self._dispatch = server.emulator.dispatch

    def method_of(self, request: Request) -> str:
        try:
            index, _ = self.server.emulator.url_map.bind_to_environ(request.environ).match()
        except Exception:  # an unknown path: the emulator answers it with its own error
            return "unknown"
        return self.server.emulator.routes[int(index)].method_id

    def arrival(self, method: str, resource: str = "") -> threading.Event:
        """Set once a request of `method` whose path names `resource` has arrived."""
        with self.lock:
            event = self.arrived.setdefault((method, resource), threading.Event())
            if any(m == method and resource in path for m, path in self.calls):
                event.set()
            return event

    def count(self, method: str, resource: str = "") -> int:
        """Requests of `method` whose path names `resource` (e.g. a calendar id)."""
        with self.lock:
            return sum(n for (m, path), n in self.calls.items() if m == method and resource in path)

    def peak(self, method: str, resource: str = "") -> int:
        with self.lock:
            return max(
                (n for (m, path), n in self.peaks.items() if m == method and resource in path),
                default=0,
            )

    def dispatch(self, request: Request) -> Response:
        key = (self.method_of(request), request.path)
        with self.lock:
            self.calls[key] += 1
            self.in_flight[key] += 1
            self.peaks[key] = max(self.peaks[key], self.in_flight[key])
            for (method, resource), event in self.arrived.items():
                if method == key[0] and resource in key[1]:
                    event.set()
        try:
            return self._dispatch(request)
        finally:
            with self.lock:
                self.in_flight[key] -= 1


@pytest.fixture
def traffic(google: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Traffic:
    counter = Traffic(google)
    monkeypatch.setattr(google.emulator, "dispatch", counter.dispatch)
    return counter


def in_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(i)` in `count` threads released together; each closes its own database
    connection at the end. Re-raises the first failure; fails if a thread hangs."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[i] = work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread did not return in time"
    if errors:
        raise errors[0]
    return results


# -- two syncs of one calendar -----------------------------------------------------------------


def test_two_syncs_of_one_calendar_at_once_never_call_google_together(
    alice: GoogleAccount, gcal: Any, google: EmulatorServer, traffic: Traffic
) -> None:
    calendar = primary(alice)
    change_at_google(gcal)
    expected = truth(gcal)
    # Slow Google down so that, without the lease, the two syncs would overlap there.
    fault(google, "calendar.events.list", delay_ms=300, times=10)

    outcomes = in_threads(2, lambda _: calendar_sync(calendar=Calendar.objects.get(pk=calendar.pk)))

    modes = sorted(o.mode for o in outcomes)
    assert "incremental" in modes and set(modes) <= {"incremental", "busy"}
    assert traffic.peak(LIST, calendar.google_id) == 1
    assert 1 <= traffic.count(LIST, calendar.google_id) <= 2
    assert stored(calendar) == expected
    assert_no_duplicates(calendar)
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None
    assert not calendar.sync_requested


def test_a_burst_of_triggers_during_a_running_sync_collapses_into_one_follow_up(
    alice: GoogleAccount, gcal: Any, google: EmulatorServer, traffic: Traffic
) -> None:
    calendar = primary(alice)
    fault(google, "calendar.events.list", delay_ms=1000, times=1)  # the first sync is slow
    first: list[Any] = []

    def first_sync() -> None:
        try:
            first.append(calendar_sync(calendar=Calendar.objects.get(pk=calendar.pk)))
        finally:
            connection.close()

    running = threading.Thread(target=first_sync, daemon=True)
    running.start()
    assert traffic.arrival(LIST, calendar.google_id).wait(10), "the first sync never got there"
    change_at_google(gcal)  # what the burst of notifications is about

    burst = in_threads(10, lambda _: calendar_sync(calendar=Calendar.objects.get(pk=calendar.pk)))
    burst_waited = not running.is_alive()
    running.join(JOIN_TIMEOUT)

    assert not running.is_alive()
    assert [o.mode for o in burst] == ["busy"] * 10
    assert not burst_waited  # the triggers returned at once, not after the running sync
    assert first and first[0].mode == "incremental"
    assert traffic.count(LIST, calendar.google_id) == 2  # the sync and one follow-up
    assert traffic.peak(LIST, calendar.google_id) == 1
    assert stored(calendar) == truth(gcal)
    assert_no_duplicates(calendar)
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None and not calendar.sync_requested


# -- two refreshes of one token ----------------------------------------------------------------


def access_tokens_issued(google: EmulatorServer) -> int:
    with google.emulator.state.lock:
        return len(google.emulator.state.access_tokens)


@pytest.mark.parametrize("why", ["expired", "rejected"])
def test_two_refreshes_of_one_token_at_once_make_one_refresh_call(
    alice: GoogleAccount, google: EmulatorServer, traffic: Traffic, why: str
) -> None:
    old = alice.access_token
    if why == "expired":
        GoogleAccount.objects.filter(pk=alice.pk).update(
            access_token_expires_at=timezone.now() - dt.timedelta(minutes=5)
        )
    fault(google, "oauth.token", delay_ms=300, times=1)  # the refresh is slow: others wait
    issued = access_tokens_issued(google)

    def refresh(_: int) -> str:
        account = GoogleAccount.objects.get(pk=alice.pk)
        return account_access_token(account=account, rejected=old if why == "rejected" else "")

    tokens = in_threads(4, refresh)

    assert traffic.count("oauth.token") == 1
    assert access_tokens_issued(google) - issued == 1
    assert len(set(tokens)) == 1 and tokens[0] != old
    alice.refresh_from_db()
    assert alice.access_token == tokens[0]
    assert not alice.is_expired()


# -- the scheduler with several workers ------------------------------------------------------


def test_the_tick_slot_raced_by_several_workers_is_claimed_once(calendar_settings: Any) -> None:
    now = timezone.now()
    first = in_threads(8, lambda _: scheduler.tick_claim(now=now))
    again = in_threads(8, lambda _: scheduler.tick_claim(now=now))
    later = now + dt.timedelta(seconds=calendar_settings.SCHEDULER_TICK)
    next_tick = in_threads(8, lambda _: scheduler.tick_claim(now=later))

    assert first.count(True) == 1
    assert again.count(True) == 0
    assert next_tick.count(True) == 1
    assert ScheduleSlot.objects.filter(name=scheduler.TICK).count() == 1


def sync_jobs() -> Counter[int]:
    """How many sync jobs sit in the queue, per calendar id."""
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path=tasks.sync_calendar.module_path)
    return Counter(int(job.args_kwargs["args"][0]) for job in queued)


def test_due_polls_raced_by_several_workers_are_claimed_and_queued_once(
    alice: GoogleAccount,
) -> None:
    alice.calendars.update(sync_enabled=True, next_poll_at=None)
    due = set(alice.calendars.values_list("pk", flat=True))
    assert len(due) >= 2
    now = timezone.now()

    claims = in_threads(6, lambda _: scheduler.polls_due(now=now))

    claimed = [pk for claim in claims for pk in claim]
    assert sorted(claimed) == sorted(due)  # each due calendar once, by one worker
    assert sync_jobs() == Counter(dict.fromkeys(due, 1))
    assert in_threads(3, lambda _: scheduler.polls_due(now=now)) == [[], [], []]


def test_two_scheduler_ticks_at_the_same_moment_enqueue_one_next_tick(
    alice: GoogleAccount, calendar_settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    alice.calendars.update(sync_enabled=True, next_poll_at=None)
    ticks = DBTaskResult.objects.filter(task_path=tasks.scheduler_tick.module_path)
    earlier = set(ticks.values_list("pk", flat=True))  # e.g. the first tick queued at connect
    before = timezone.now()

    answers = in_threads(4, lambda _: tasks.scheduler_tick.call())

    assert sum(a != "already claimed" for a in answers) == 1
    next_tick = ticks.exclude(pk__in=earlier).get()  # exactly one
    assert next_tick.run_after >= before + dt.timedelta(seconds=calendar_settings.SCHEDULER_TICK)
    assert set(sync_jobs().values()) == {1}  # and each due poll queued once


# -- a disconnect racing a sync ----------------------------------------------------------------


def test_a_disconnect_racing_a_sync_that_is_writing_deletes_everything_and_neither_fails(
    alice: GoogleAccount, gcal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calendar_api.services import event_rows
    from calendar_api.services.accounts import account_disconnect

    calendar = primary(alice)
    change_at_google(gcal)
    written, proceed = threading.Event(), threading.Event()
    upsert = event_rows.upsert

    def upsert_then_pause(*args: Any, **kwargs: Any) -> Any:
        changed = upsert(*args, **kwargs)
        written.set()  # the sync's rows are written, its transaction still open
        proceed.wait(JOIN_TIMEOUT)
        return changed

    monkeypatch.setattr(event_rows, "upsert", upsert_then_pause)

    def race(i: int) -> str:
        if i == 0:
            return calendar_sync(calendar=Calendar.objects.get(pk=calendar.pk)).mode
        assert written.wait(JOIN_TIMEOUT)
        releaser = threading.Timer(0.5, proceed.set)  # the disconnect is waiting by then
        releaser.start()
        account_disconnect(account=GoogleAccount.objects.get(pk=alice.pk))
        releaser.join()
        return "disconnected"

    outcomes = in_threads(2, race)

    assert outcomes[1] == "disconnected" and outcomes[0] in {"incremental", "skipped"}
    assert not GoogleAccount.objects.filter(pk=alice.pk).exists()
    assert not Calendar.objects.filter(pk=calendar.pk).exists()
    assert not Event.objects.filter(calendar_id=calendar.pk).exists()
