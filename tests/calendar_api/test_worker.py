"""Background jobs on a real engine: `manage.py worker` processes run against the test
database and the test emulator, as `make run` and production run them: on the database queue
(django-tasks-db), and on RQ or Celery when the tests run with TASKS_BACKEND=rq or celery
(`.ci/run` does all three).

Each test starts its own worker processes and stops them (SIGTERM, then kill if needed).
The emulator counts what reaches it, so "one sync at a time" is measured across processes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import timezone

from calendar_api import tasks
from calendar_api.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from calendar_api.conf import app_settings
from calendar_api.google.config import load_config
from calendar_api.models import Calendar, GoogleAccount, WatchChannel
from calendar_api.operations.queues import oldest_waiting_seconds
from calendar_api.services import scheduler
from calendar_api.services.sync import sync_request
from google_emulator import EmulatorServer
from tests.calendar_api.conftest import assert_no_duplicates, change_at_google, fault, stored, truth
from tests.calendar_api.test_concurrency import Traffic
from tests.emulator.clients import control
from tests.support.jobs import job_results, uses_celery, uses_rq

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]  # worker processes
BASE_DIR = Path(settings.BASE_DIR)
LIST = "calendar.events.list"
WORKER_HTTP_TIMEOUT = 2  # seconds; the timeout faults below wait longer than this
CONVERGE_WITHIN = 60.0  # a bound for waits, generous for busy shared machines


def database_url() -> str:
    """The test database (its NAME is the test database's while a test runs), as a URL."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(str(db.get("USER") or ""), safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(str(db["PASSWORD"]), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process running on the machine (Linux's /proc); exited
    ones that nobody has reaped yet (zombies) are not running and left out."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if fields[0] not in ("Z", "X"):
            found.append((int(stat.parent.name), int(fields[1])))
    return found


def engine_options(name: str) -> list[str]:
    """The options of the engine's own worker command: its name, and on the database queue a
    short poll interval."""
    if uses_rq():
        return [f"--name={name}"]
    if uses_celery():
        return [f"--hostname={name}"]
    return ["--no-startup-delay", "--interval=0.05", f"--worker-id={name}"]


class Worker:
    """One `manage.py worker` process; its output goes to a log file."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = f"{name}@tests" if uses_celery() else name  # Celery's node names
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
                [
                    sys.executable,
                    "manage.py",
                    "worker",
                    *engine_options(self.name),
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def forked(self) -> list[int]:
        """The processes this worker started and still has (RQ's scheduler, under RQ)."""
        return [pid for pid, parent in processes() if parent == self.process.pid]

    def wait_ready(self, timeout: float = 15.0) -> None:
        """Until the worker takes jobs: its first line, and on Celery (whose consumer starts
        after that line) an answer to a ping."""
        until = time.monotonic() + timeout
        while "Starting worker" not in self.output() or not self._answers():
            assert self.process.poll() is None, f"worker {self.name} died:\n{self.output()}"
            assert time.monotonic() < until, f"worker {self.name} did not start:\n{self.output()}"
            time.sleep(0.05)

    def _answers(self) -> bool:
        if not uses_celery():
            return True
        from celery import current_app

        return bool(current_app.control.ping(destination=[self.name], timeout=0.5))

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM (a graceful stop after the current job), then SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)
            raise AssertionError(f"worker {self.name} ignored SIGTERM:\n{self.output()}") from None


def worker_env(google: EmulatorServer) -> dict[str, str]:
    """The environment of a `manage.py worker` process on the test database, the test
    emulator and the configured queue (the database's, or RQ in .ci/run)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "GOOGLE_EMULATOR_URL": google.base_url,
        "GOOGLE_CLIENT_SECRETS_FILE": "",
        "GOOGLE_HTTP_TIMEOUT": str(WORKER_HTTP_TIMEOUT),
        "GOOGLE_RETRY_BACKOFF": str(app_settings.RETRY_BACKOFF),
        "TOKEN_ENCRYPTION_KEYS": ",".join(app_settings.TOKEN_ENCRYPTION_KEYS),
        "TASKS_BACKEND": settings.TASKS_BACKEND,
        "REDIS_URL": settings.REDIS_URL,
        "PUSH_NOTIFICATIONS": "false",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def start_worker(
    google: EmulatorServer, transactional_db: Any, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    """Start worker processes on the test database and the test emulator; all are stopped
    when the test ends, before the database is flushed."""
    env = worker_env(google)
    started: list[Worker] = []

    def start(**extra: str) -> Worker:
        """A worker; `extra` overrides settings in its environment (e.g. SCHEDULER_TICK)."""
        name = f"test-worker-{len(started) + 1}"
        started.append(Worker(name, {**env, **extra}, tmp_path / f"{name}.log"))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def traffic(google: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Traffic:
    counter = Traffic(google)
    monkeypatch.setattr(google.emulator, "dispatch", counter.dispatch)
    return counter


@pytest.fixture(autouse=True)
def _no_push(calendar_settings: Any) -> None:
    """No channels are opened (the workers run with push off too): only syncs move data."""
    calendar_settings.PUSH_NOTIFICATIONS = False


def primary_without_polls(account: GoogleAccount) -> Calendar:
    """The primary calendar, its next poll pushed an hour out: the scheduler's first tick
    (queued at connect, run by the workers) would otherwise add a sync job of its own."""
    account.calendars.filter(primary=True).update(
        next_poll_at=timezone.now() + dt.timedelta(hours=1)
    )
    return account.calendars.get(primary=True)


def sync_results(calendar: Calendar) -> list[Any]:
    return job_results(tasks.sync_calendar, calendar.pk)


def wait_for(condition: Callable[[], bool], what: str, workers: list[Worker]) -> float:
    """Poll until `condition()` holds (bounded); returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        logs = "\n".join(w.output() for w in workers)
        assert time.monotonic() - started < CONVERGE_WITHIN, f"no {what} in time:\n{logs}"
        for worker in workers:
            assert worker.process.poll() is None, f"worker died:\n{worker.output()}"
        time.sleep(0.05)
    return time.monotonic() - started


def all_finished(calendar: Calendar) -> bool:
    results = sync_results(calendar)
    return bool(results) and all(r.status in ("SUCCESSFUL", "FAILED") for r in results)


def statuses(calendar: Calendar) -> list[tuple[str, Any]]:
    return [(r.status, r.return_value if r.is_finished else None) for r in sync_results(calendar)]


def test_a_worker_process_brings_a_change_made_at_google_into_the_store(
    alice: GoogleAccount, gcal: Any, start_worker: Callable[[], Worker]
) -> None:
    calendar = primary_without_polls(alice)
    worker = start_worker()
    change_at_google(gcal)
    expected = truth(gcal)
    assert stored(calendar) != expected

    sync_request(calendar_id=calendar.pk)  # autocommit: enqueued at once
    seconds = wait_for(lambda: stored(calendar) == expected, "convergence", [worker])
    wait_for(lambda: all_finished(calendar), "finished job", [worker])

    print(f"worker converged {seconds:.2f} s after the job was queued")
    assert statuses(calendar) == [("SUCCESSFUL", "incremental")]
    assert_no_duplicates(calendar)
    assert worker.stop() == 0  # SIGTERM: a clean exit


def test_the_age_of_the_oldest_waiting_job_is_measured_on_each_engine(
    google: EmulatorServer, start_worker: Callable[[], Worker]
) -> None:
    """/readyz and /metrics report how long the oldest due job has waited: on the database
    queue, on RQ, and on Celery (its messages stamped when queued)."""
    assert oldest_waiting_seconds() == 0
    tasks.scheduler_tick.enqueue()  # no worker yet: it waits
    time.sleep(1.5)
    assert 1.0 <= oldest_waiting_seconds() < CONVERGE_WITHIN
    worker = start_worker()
    wait_for(lambda: oldest_waiting_seconds() == 0, "an empty queue", [worker])


def test_two_worker_processes_run_a_burst_of_20_sync_jobs_each_once_and_one_at_a_time(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    traffic: Traffic,
    start_worker: Callable[..., Worker],
) -> None:
    calendar = primary_without_polls(alice)
    # Two threads each: one process could otherwise hold all twenty jobs at once.
    workers = [start_worker(WORKER_THREADS="2"), start_worker(WORKER_THREADS="2")]
    for worker in workers:
        worker.wait_ready()
    change_at_google(gcal)
    expected = truth(gcal)
    fault(google, LIST, delay_ms=100, times=100)  # each sync takes a while: they would overlap

    for _ in range(20):
        tasks.sync_calendar.enqueue(calendar.pk)
    seconds = wait_for(lambda: all_finished(calendar), "20 finished jobs", workers)

    results = list(sync_results(calendar))
    print(f"two workers ran 20 jobs in {seconds:.2f} s")
    assert len(results) == 20
    assert {r.status for r in results} == {"SUCCESSFUL"}
    assert all(len(r.worker_ids) == 1 for r in results)  # no job ran twice
    assert {r.worker_ids[0] for r in results} == {w.name for w in workers}  # both worked
    modes = [r.return_value for r in results]
    assert set(modes) <= {"incremental", "busy"} and "incremental" in modes
    assert traffic.peak(LIST, calendar.google_id) == 1  # never two syncs at Google at once
    assert stored(calendar) == expected
    assert_no_duplicates(calendar)
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None


def test_a_burst_of_triggers_during_a_running_sync_job_queues_one_follow_up_job(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    traffic: Traffic,
    start_worker: Callable[[], Worker],
) -> None:
    calendar = primary_without_polls(alice)
    worker = start_worker()
    fault(google, LIST, delay_ms=1500, times=1)  # the first sync is slow
    sync_request(calendar_id=calendar.pk)
    assert traffic.arrival(LIST, calendar.google_id).wait(CONVERGE_WITHIN), (
        f"no sync reached Google:\n{worker.output()}"
    )
    change_at_google(gcal)  # the changes the burst of notifications is about
    expected = truth(gcal)

    for _ in range(20):  # e.g. webhooks, one per change, from several web processes
        sync_request(calendar_id=calendar.pk)
    wait_for(lambda: len(statuses(calendar)) == 2 and all_finished(calendar), "2 jobs", [worker])

    # The follow-up job runs after the first sync, or (on another of the worker's threads)
    # while it still runs: then it finds the calendar busy and the running sync goes once more.
    assert statuses(calendar) in (
        [("SUCCESSFUL", "incremental")] * 2,
        [("SUCCESSFUL", "incremental"), ("SUCCESSFUL", "busy")],
    )
    assert traffic.count(LIST, calendar.google_id) == 2
    assert stored(calendar) == expected
    assert_no_duplicates(calendar)


def test_a_worker_stopped_during_a_sync_finishes_it_first(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    traffic: Traffic,
    start_worker: Callable[[], Worker],
) -> None:
    calendar = primary_without_polls(alice)
    worker = start_worker()
    change_at_google(gcal)
    expected = truth(gcal)
    fault(google, LIST, delay_ms=1000, times=1)
    sync_request(calendar_id=calendar.pk)
    assert traffic.arrival(LIST, calendar.google_id).wait(CONVERGE_WITHIN), (
        f"no sync reached Google:\n{worker.output()}"
    )

    assert worker.stop() == 0  # SIGTERM while Google is answering

    assert statuses(calendar) == [("SUCCESSFUL", "incremental")]
    assert stored(calendar) == expected
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None


def test_a_trigger_whose_enqueue_failed_does_not_silence_the_calendar(
    alice: GoogleAccount,
    gcal: Any,
    monkeypatch: pytest.MonkeyPatch,
    start_worker: Callable[[], Worker],
) -> None:
    from django.db import OperationalError

    calendar = primary_without_polls(alice)
    change_at_google(gcal)
    expected = truth(gcal)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    with monkeypatch.context() as patched:
        patched.setattr(type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]), "enqueue", refuse)
        with pytest.raises(OperationalError):
            sync_request(calendar_id=calendar.pk)
    assert not sync_results(calendar)

    # The next trigger (a notification, a poll) queues a job again, and it runs.
    sync_request(calendar_id=calendar.pk)
    assert len(sync_results(calendar)) == 1
    worker = start_worker()
    wait_for(lambda: all_finished(calendar), "finished job", [worker])
    assert statuses(calendar) == [("SUCCESSFUL", "incremental")]
    assert stored(calendar) == expected


def test_a_disconnect_during_a_running_sync_job_leaves_nothing_behind(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    traffic: Traffic,
    start_worker: Callable[[], Worker],
) -> None:
    from calendar_api.models import Event
    from calendar_api.services.accounts import account_disconnect

    calendar = primary_without_polls(alice)
    worker = start_worker()
    change_at_google(gcal)
    fault(google, LIST, delay_ms=1000, times=1)
    sync_request(calendar_id=calendar.pk)
    assert traffic.arrival(LIST, calendar.google_id).wait(CONVERGE_WITHIN), worker.output()

    account_disconnect(account=GoogleAccount.objects.get(pk=alice.pk))
    wait_for(lambda: all_finished(calendar), "finished job", [worker])

    assert not GoogleAccount.objects.filter(pk=alice.pk).exists()
    assert not Event.objects.filter(calendar_id=calendar.pk).exists()
    # The job ends quietly: the grant is gone (the refresh finds no account) or the rows are.
    assert statuses(calendar) in (
        [("SUCCESSFUL", "reconnect_required")],
        [("SUCCESSFUL", "skipped")],
    ), [[e.traceback[-2000:] for e in r.errors] for r in sync_results(calendar)]


TRANSIENT = {
    "429": {"status": 429, "times": 2},
    "403 rateLimitExceeded": {"status": 403, "reason": "rateLimitExceeded", "times": 2},
    "403 userRateLimitExceeded": {"status": 403, "reason": "userRateLimitExceeded", "times": 2},
    "500": {"status": 500, "times": 2},
    "503": {"status": 503, "times": 2},
    "timeout": {"delay_ms": WORKER_HTTP_TIMEOUT * 1000 + 500, "times": 1},
    # More failures than the client retries: the job gives up and queues itself again later.
    "503 beyond retries": {"status": 503, "times": 4},
}


@pytest.mark.parametrize("mode", ["incremental", "full after 410"])
@pytest.mark.parametrize("injected", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_faults_during_a_sync_run_by_the_worker_end_with_the_store_equal_to_google(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    start_worker: Callable[[], Worker],
    injected: dict[str, Any],
    mode: str,
) -> None:
    calendar = primary_without_polls(alice)
    worker = start_worker()
    change_at_google(gcal)
    expected = truth(gcal)
    if mode != "incremental":  # the sync token is refused, then the full sync meets the fault
        fault(google, LIST, status=410, reason="fullSyncRequired", times=1)
    fault(google, LIST, **injected)

    sync_request(calendar_id=calendar.pk)
    wait_for(lambda: stored(calendar) == expected, "convergence", [worker])
    wait_for(lambda: all_finished(calendar), "finished jobs", [worker])

    assert google.emulator.fault_list() == []  # every injected fault was met
    assert_no_duplicates(calendar)
    outcome = "incremental" if mode == "incremental" else "full"
    if injected["times"] > 3:
        assert statuses(calendar) == [("SUCCESSFUL", "retrying"), ("SUCCESSFUL", "incremental")]
    else:
        assert statuses(calendar) == [("SUCCESSFUL", outcome)]
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None and calendar.last_sync_error == ""


def test_an_expired_sync_token_at_google_makes_the_worker_resync_in_full(
    alice: GoogleAccount, gcal: Any, google: EmulatorServer, start_worker: Callable[[], Worker]
) -> None:
    calendar = primary_without_polls(alice)
    worker = start_worker()
    change_at_google(gcal)
    expected = truth(gcal)
    control(google.base_url, "expire-sync-tokens")

    sync_request(calendar_id=calendar.pk)
    wait_for(lambda: all_finished(calendar), "finished job", [worker])

    assert statuses(calendar) == [("SUCCESSFUL", "full")]
    assert stored(calendar) == expected
    assert_no_duplicates(calendar)


@pytest.mark.parametrize("token_fault", [0, 500], ids=["token endpoint up", "token endpoint 500"])
def test_a_token_google_stopped_accepting_is_refreshed_once_by_the_worker(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    traffic: Traffic,
    start_worker: Callable[[], Worker],
    token_fault: int,
) -> None:
    calendar = primary_without_polls(alice)
    worker = start_worker()
    change_at_google(gcal)
    expected = truth(gcal)
    control(google.base_url, "expire-access-tokens")  # our stored token now answers 401
    if token_fault:
        fault(google, "oauth.token", status=token_fault, times=1)
    old = alice.access_token

    sync_request(calendar_id=calendar.pk)
    wait_for(lambda: all_finished(calendar), "finished job", [worker])

    assert statuses(calendar) == [("SUCCESSFUL", "incremental")]
    assert stored(calendar) == expected
    assert traffic.count("oauth.token") == (2 if token_fault else 1)  # google-auth retried once
    alice.refresh_from_db()
    assert alice.status == GoogleAccount.Status.ACTIVE and alice.access_token != old


def test_invalid_grant_in_the_worker_marks_the_account_stops_its_channels_and_its_jobs(
    alice: GoogleAccount,
    gcal: Any,
    google: EmulatorServer,
    traffic: Traffic,
    start_worker: Callable[[], Worker],
) -> None:
    calendar = primary_without_polls(alice)
    channel = WatchChannel.objects.create(
        calendar=calendar,
        channel_id="live-channel",
        token_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    worker = start_worker()
    change_at_google(gcal)
    before = stored(calendar)
    control(google.base_url, "expire-access-tokens")
    with google.emulator.state.lock:
        google.emulator.state.revoke_grant(alice.email, load_config().client_id)

    sync_request(calendar_id=calendar.pk)
    wait_for(lambda: all_finished(calendar), "finished job", [worker])

    assert statuses(calendar) == [("SUCCESSFUL", "reconnect_required")]
    assert traffic.count("oauth.token") == 1  # one refresh attempt, answered invalid_grant
    alice.refresh_from_db()
    assert alice.status == GoogleAccount.Status.RECONNECT_REQUIRED
    assert alice.access_token_encrypted == ""
    channel.refresh_from_db()
    assert channel.stopped_at is not None
    assert stored(calendar) == before  # the last good state is kept

    # Its jobs stop: a queued sync is skipped without calling Google, and polling leaves it out.
    lists = traffic.count(LIST, calendar.google_id)
    tasks.sync_calendar.enqueue(calendar.pk)
    wait_for(lambda: all_finished(calendar), "finished job", [worker])
    assert statuses(calendar)[-1] == ("SUCCESSFUL", "skipped")
    assert traffic.count(LIST, calendar.google_id) == lists
    Calendar.objects.filter(pk=calendar.pk).update(next_poll_at=None)
    assert calendar.pk not in scheduler.polls_due()
