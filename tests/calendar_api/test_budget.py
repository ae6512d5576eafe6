"""The Google call budget (google/budget.py): buckets shared by every process, on the database
and on Redis; priorities; Google's rate-limit answers applied to the bucket."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from calendar_api.conf import app_settings
from calendar_api.db.buckets import sqlite_budget_name
from calendar_api.google import budget
from calendar_api.google.budget import BudgetDeferred, Priority, Work
from calendar_api.google.config import load_config
from calendar_api.google.errors import RateLimited
from calendar_api.operations.scrape import metrics_text
from google_emulator import EmulatorServer
from tests.calendar_api.conftest import fault
from tests.calendar_api.test_worker import database_url
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
PROBE_TIMEOUT = 60  # seconds: a bound on each process the tests start


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server of the tests' own on a free loopback port (.ci/run installs it)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing (Debian: apt-get install redis-server)"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["database", "redis"])
def shared(request: pytest.FixtureRequest, calendar_settings: Any, db: Any) -> Iterator[str]:
    """The budget on, its buckets in the database or in Redis, empty; yields the Redis URL
    ("" for the database)."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    calendar_settings.BUDGET_ENABLED = True
    calendar_settings.BUDGET_REDIS_URL = url
    budget.store().clear()
    yield url
    budget.store().clear()


def small(calendar_settings: Any, **values: Any) -> None:
    for name, value in values.items():
        setattr(calendar_settings, name.upper(), value)


def probe(spec: dict[str, Any], redis: str, google: EmulatorServer | None = None) -> Any:
    """Run tests/support/budget_probe.py in a process of its own and return what it printed."""
    return probe_result(probe_start(spec, redis, google))


def probe_start(
    spec: dict[str, Any], redis: str, google: EmulatorServer | None = None
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "GOOGLE_BUDGET_REDIS_URL": redis,
        "GOOGLE_EMULATOR_URL": google.base_url if google else app_settings.emulator_url,
        "GOOGLE_CLIENT_SECRETS_FILE": "",
        "TOKEN_ENCRYPTION_KEYS": ",".join(app_settings.TOKEN_ENCRYPTION_KEYS),
        "TEST_NOW": "",
    }
    args = [sys.executable, "-m", "tests.support.budget_probe", json.dumps(spec)]
    return subprocess.Popen(  # noqa: S603
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def probe_result(process: subprocess.Popen[str]) -> Any:
    try:
        out, err = process.communicate(timeout=PROBE_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


# -- buckets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "budget_name"),
    [
        ("/srv/calendar/db.sqlite3", "/srv/calendar/db.sqlite3-budget"),
        (":memory:", ":memory:"),
        ("file:memorydb_default?mode=memory&cache=shared", ":memory:"),  # Django's test DB
    ],
)
def test_on_sqlite_the_buckets_live_beside_the_database_or_in_memory(
    name: str, budget_name: str
) -> None:
    assert sqlite_budget_name(name) == budget_name


def test_a_bucket_holds_a_tenth_of_the_minute_and_refills_with_the_rest() -> None:
    capacity, rate = budget.config().bucket(10_000)
    assert capacity == 1_000
    assert capacity + rate * 60 == pytest.approx(10_000)  # never more in a sliding minute


def test_a_token_is_taken_once_and_the_empty_bucket_says_how_long_to_wait(shared: str) -> None:
    store = budget.store()
    bucket = {"capacity": 2.0, "rate": 1.0, "floor": 0.0}
    now = time.time()
    assert store.take("project:t", n=1, now=now, **bucket) == 0
    assert store.take("project:t", n=1, now=now, **bucket) == 0
    assert store.take("project:t", n=1, now=now, **bucket) == pytest.approx(1.0, abs=0.01)
    assert store.take("project:t", n=1, now=now + 1.01, **bucket) == 0


def test_the_background_leaves_the_reserve_to_a_person_waiting(shared: str) -> None:
    store = budget.store()
    cfg = budget.config()
    capacity = 10.0
    now = time.time()
    taken = 0
    while not store.take("project:r", n=1, capacity=capacity, rate=0.001, now=now,
                         floor=cfg.floor(Priority.POLL, capacity)):  # fmt: skip
        taken += 1
    assert taken == 8  # two tokens (2/3 of the 30% reserve) stay for pushes and people
    assert store.take("project:r", n=1, capacity=capacity, rate=0.001, now=now, floor=0) == 0


# -- the three promises of issue 23 ----------------------------------------------------------


@pytest.mark.real_clock
def test_a_429_with_retry_after_slows_every_process(
    shared: str, alice: Any, google: EmulatorServer, tmp_path: Path
) -> None:
    """Process A meets a 429 with Retry-After: 6 and gives up (its wait is longer than a
    background call may wait). Process B, set up beforehand and told to go once A is done,
    never told anything by Google, does not call Google before those 6 seconds have passed."""
    fault(google, "calendar.calendarList.list", status=429, reason="rateLimitExceeded",
          retry_after=6)  # fmt: skip
    spec = {"do": "call", "token": alice.access_token, "user": alice.sub}
    go = tmp_path / "go"
    patient = {**spec, "settings": {"BUDGET_BACKGROUND_WAIT": 30}, "go_file": str(go)}
    waiting = probe_start(patient, shared, google)  # Django's start-up outside the measure
    told = probe({**spec, "settings": {"BUDGET_BACKGROUND_WAIT": 1}}, shared, google)
    assert told["error"] == "google_budget_deferred" and len(told["rate_limited"]) == 1
    blocked_until = told["rate_limited"][0] + 6
    go.touch()
    other = probe_result(waiting)
    assert other["error"] is None, other
    assert other["started"] < blocked_until - 1  # B was ready to call well inside the block
    assert other["done"] >= blocked_until  # and waited for it: every process slowed down


@pytest.mark.real_clock
def test_a_burst_from_two_processes_never_exceeds_the_budget(shared: str) -> None:
    """Two processes of eight threads each call as fast as they can for 4 s; the budget is 40
    calls per 2-second window (scaled down from Google's minute): no window holds more."""
    window, per_window = 2.0, 40
    spec = {
        "do": "burst",
        "seconds": 4,
        "threads": 8,
        "project": "burst",
        "settings": {
            "BUDGET_WINDOW": window,
            "PROJECT_REQUESTS_PER_MINUTE": per_window,
        },
    }
    results: list[Any] = [None, None]

    def run(index: int) -> None:
        results[index] = probe(spec, shared)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PROBE_TIMEOUT)
    first, second = (result["granted"] for result in results)
    assert first and second  # both processes were served
    granted = sorted(first + second)
    busiest = max(sum(1 for t in granted if start <= t < start + window) for start in granted)
    assert busiest <= per_window
    assert len(granted) >= per_window  # the budget was used, not merely refused


def test_a_person_kept_waiting_too_long_is_told_to_retry(
    shared: str, calendar_settings: Any
) -> None:
    small(calendar_settings, project_requests_per_minute=10, budget_interactive_wait=0.2)
    with pytest.raises(RateLimited) as refused:
        for _ in range(3):
            budget.spend(project="p", work=Work(Priority.INTERACTIVE))
    assert refused.value.retry_after and refused.value.retry_after >= 1


# -- rate-limit answers ----------------------------------------------------------------------


def test_user_rate_limit_blocks_the_user_and_not_the_project(shared: str) -> None:
    blocked = budget.rate_limited(
        project="p", user="u", reason="userRateLimitExceeded", retry_after=5
    )
    assert 5 <= blocked <= 5.6
    now = time.time()
    store = budget.store()
    assert store.peek("user:p:u", capacity=60, rate=1, now=now)[1] > 4
    assert store.peek("project:p", capacity=60, rate=1, now=now) == (60, 0.0)


def test_without_retry_after_the_backoff_doubles_with_each_strike(
    shared: str, calendar_settings: Any
) -> None:
    calendar_settings.RETRY_BACKOFF = 1
    first = budget.rate_limited(project="p", user="", reason="rateLimitExceeded", retry_after=None)
    second = budget.rate_limited(project="p", user="", reason="rateLimitExceeded", retry_after=None)
    assert 1 <= first <= 1.1
    assert 2 <= second <= 2.2


def test_a_403_rate_limit_from_google_blocks_the_users_bucket_for_the_next_call(
    shared: str, settings: Any, alice: Any, google: EmulatorServer
) -> None:
    from calendar_api.services.tokens import google_for

    fault(google, "calendar.calendarList.list", status=403, reason="userRateLimitExceeded",
          retry_after=1)  # fmt: skip
    started = time.monotonic()
    with google_for(alice) as client:
        assert list(client.calendar_list())
    assert time.monotonic() - started >= 1  # the retry waited for the bucket's block


# -- the daily budget and /metrics -----------------------------------------------------------


def test_background_work_stops_at_the_calendars_daily_budget(
    shared: str, calendar_settings: Any
) -> None:
    small(calendar_settings, calendar_daily_budget=3)
    work = Work(Priority.POLL, calendar=7)
    for _ in range(3):
        budget.spend(project="p", work=work)
    with pytest.raises(BudgetDeferred) as deferred:
        budget.spend(project="p", work=work)
    assert deferred.value.retry_after and deferred.value.retry_after > 0
    budget.spend(project="p", work=Work(Priority.POLL, calendar=8))  # another calendar's day
    budget.spend(project="p", work=Work(Priority.INTERACTIVE, calendar=7))  # a person's call
    assert budget.snapshot("p")["spent"] == 4


def test_metrics_show_calls_by_priority_tokens_left_and_the_days_spend(shared: str) -> None:
    project = load_config().client_id
    budget.spend(project=project, work=Work(Priority.PUSH, calendar=1))
    text = metrics_text().decode()
    assert 'gcal_google_budget_calls_total{priority="push"}' in text
    assert "gcal_google_budget_tokens " in text
    assert "gcal_google_budget_spent_today 1.0" in text
    assert "gcal_google_budget_wait_seconds_bucket" in text
