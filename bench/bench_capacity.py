"""Capacity: 1,000 connected calendars, a steady stream of changes at Google, and 1, 2 and 4
worker processes, on the database queue (PostgreSQL) and on RQ (Redis).

Each change is an event inserted at the emulator followed by what a push notification does
(`sync_request`: one queued incremental sync per calendar, however many notifications). It
prints, per set-up: syncs per second, changes per sync (the work one sync does), the lag from
the change at Google to its row in the store (p50/p95, from the store's change log), and the
queue's depth (max and mean of the jobs waiting, sampled). Bounded: a few minutes in all.

Needs BENCH_DATABASE_URL=postgres://... (a database it may fill) and, for RQ,
BENCH_REDIS_URL=redis://... (a database it may empty); without them it says so and stops.
BENCH_CALENDARS (1000), BENCH_SECONDS (15 per set-up) and BENCH_RATE (changes/s, 40) scale it.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from _setup import ROOT, EmulatorProcess
from cryptography.fernet import Fernet

CALENDARS = int(os.environ.get("BENCH_CALENDARS", "1000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
RATE = float(os.environ.get("BENCH_RATE", "40"))
WORKERS = [1, 2, 4]
CLIENT_ID = "emulator-client-id.apps.googleusercontent.com"
CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - the emulator's public demo client
REDIRECT = "http://127.0.0.1:1/cb"


def grant(base: str, email: str) -> dict[str, Any]:
    """Tokens for `email`: authorize (auto-consent) then the code exchange, as Google does."""
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid email https://www.googleapis.com/auth/calendar",
        "access_type": "offline",
        "login_hint": email,
    }
    answer = requests.get(f"{base}/o/oauth2/auth", params=query, allow_redirects=False, timeout=30)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    return dict(requests.post(f"{base}/token", data=form, timeout=30).json())


def connect_all(base: str) -> dict[int, tuple[str, str]]:
    """CALENDARS accounts at the emulator (control endpoint), each connected here with its
    primary calendar; returns calendar pk -> (email, access token)."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from calendar_api.models import Calendar, GoogleAccount
    from calendar_api.services.sync import calendar_sync

    emails = [f"user{n:04d}@example.com" for n in range(CALENDARS)]

    def one(email: str) -> tuple[str, dict[str, Any]]:
        requests.post(f"{base}/__emulator__/accounts", json={"email": email}, timeout=30)
        return email, grant(base, email)

    with ThreadPoolExecutor(8) as pool:
        grants = dict(pool.map(one, emails))
    far = timezone.now() + dt.timedelta(days=1)  # no polls during the run: only the stream
    result: dict[int, tuple[str, str]] = {}
    for email, tokens in grants.items():
        user = User.objects.create(username=email, email=email)
        account = GoogleAccount(user=user, sub=email, email=email, scopes=tokens["scope"].split())
        account.access_token = tokens["access_token"]
        account.refresh_token = tokens["refresh_token"]
        account.access_token_expires_at = timezone.now() + dt.timedelta(hours=1)
        account.save()
        calendar = Calendar.objects.create(
            account=account, google_id=email, primary=True, sync_enabled=True, next_poll_at=far
        )
        calendar_sync(calendar=calendar)  # what the connect step does: the first full sync
        result[calendar.pk] = (email, tokens["access_token"])
    return result


def waiting_jobs() -> int:
    from django.conf import settings

    if settings.USES_RQ:
        import django_rq

        return int(django_rq.get_queue("default").count)
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def run(
    base: str, calendars: dict[int, tuple[str, str]], workers: int, env: dict[str, str]
) -> dict[str, float]:
    from django.db.models import Count

    from calendar_api.models import StoreChange, WorkerHeartbeat
    from calendar_api.services.sync import sync_request

    WorkerHeartbeat.objects.all().delete()
    procs = start_workers(workers, env)
    while WorkerHeartbeat.objects.count() < workers:  # each beats once it is up
        time.sleep(0.2)
    first_change = StoreChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    inserted: dict[str, float] = {}
    depth: list[int] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            depth.append(waiting_jobs())
            time.sleep(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    session = requests.Session()
    started = time.monotonic()
    ids = list(calendars)
    n = 0
    while time.monotonic() - started < SECONDS:
        due = started + n / RATE
        time.sleep(max(0.0, due - time.monotonic()))
        pk = random.choice(ids)
        email, token = calendars[pk]
        body = {
            "summary": f"change {n}",
            "start": {"dateTime": "2030-01-01T10:00:00Z"},
            "end": {"dateTime": "2030-01-01T11:00:00Z"},
        }
        event = session.post(
            f"{base}/calendar/v3/calendars/{email}/events",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        inserted[event["id"]] = time.time()
        sync_request(calendar_id=pk)  # what a push notification does
        n += 1
    offered = time.monotonic() - started
    deadline = time.monotonic() + 120
    changes = StoreChange.objects.filter(id__gt=first_change)
    while time.monotonic() < deadline:
        stored = changes.filter(kind="event.created").count()
        if stored >= len(inserted) and waiting_jobs() == 0:
            break
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    sampling.set()
    sampler.join()
    stop(procs)
    lags = sorted(
        created.timestamp() - inserted[event_id]
        for event_id, created in changes.filter(kind="event.created").values_list(
            "event_id", "created_at"
        )
        if event_id in inserted
    )
    syncs = changes.filter(kind="calendar.synced").aggregate(n=Count("id"))["n"]
    return {
        "changes": len(inserted),
        "offered": len(inserted) / offered,
        "syncs": syncs,
        "syncs_per_s": syncs / elapsed,
        "per_sync": len(lags) / max(1, syncs),
        "p50": statistics.median(lags) if lags else float("nan"),
        "p95": lags[int(0.95 * (len(lags) - 1))] if lags else float("nan"),
        "missing": len(inserted) - len(lags),
        "depth_max": max(depth or [0]),
        "depth_mean": statistics.fmean(depth or [0]),
    }


def setup(backend: str) -> dict[str, str]:
    """Environment of this process and its workers for one queue backend."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "DATABASE_CONN_MAX_AGE": "60",
        "GOOGLE_EMULATOR_URL": os.environ["BENCH_EMULATOR_URL"],
        "TASKS_BACKEND": backend,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
        "PUSH_NOTIFICATIONS": "false",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "TOKEN_ENCRYPTION_KEYS": os.environ["BENCH_TOKEN_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def connected() -> dict[int, tuple[str, str]]:
    """The calendars a previous run (the other backend) connected, if they are all there."""
    from calendar_api.models import Calendar

    found = {
        c.pk: (c.google_id, c.account.access_token)
        for c in Calendar.objects.select_related("account")
    }
    return found if len(found) == CALENDARS else {}


def measure(backend: str) -> None:
    env = setup(backend)
    os.environ.update(env)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if backend == "rq":
        import django_rq

        django_rq.get_connection("default").flushdb()
    calendars = {} if os.environ.get("BENCH_SETUP") else connected()
    if not calendars:
        call_command("flush", "--noinput", verbosity=0)
        started = time.monotonic()
        calendars = connect_all(env["GOOGLE_EMULATOR_URL"])
        print(f"(set-up: {CALENDARS} accounts connected in {time.monotonic() - started:.0f} s)")
    label = "database (PostgreSQL)" if backend == "db" else "RQ (Redis)"
    for count in WORKERS:
        r = run(env["GOOGLE_EMULATOR_URL"], calendars, count, env)
        print(
            f"| {label} | {count} | {r['changes']} | {r['syncs_per_s']:.1f} "
            f"| {r['per_sync']:.2f} | {r['p50']:.2f} s | {r['p95']:.2f} s "
            f"| {r['depth_max']} / {r['depth_mean']:.1f} |"
            + (f" ({r['missing']} not stored)" if r["missing"] else ""),
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        print("bench_capacity: skipped (set BENCH_DATABASE_URL=postgres://... and BENCH_REDIS_URL)")
        return
    # One process per backend (settings are read once per process), one emulator and one set
    # of connected calendars for both.
    backends = ["db"] + (["rq"] if os.environ.get("BENCH_REDIS_URL") else [])
    print(
        f"{CALENDARS} calendars, {RATE:g} changes/s offered for {SECONDS:g} s per run, "
        f"{os.cpu_count()} cores"
    )
    print(
        "| queue | workers | changes | syncs/s | changes per sync | lag p50 | lag p95 "
        "| queue depth max / mean |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |", flush=True)
    server = EmulatorProcess("empty")
    env = {
        **os.environ,
        "BENCH_EMULATOR_URL": server.base_url,
        "BENCH_TOKEN_KEY": Fernet.generate_key().decode(),
    }
    try:
        for n, name in enumerate(backends):
            child = {**env, "BENCH_SETUP": "1"} if n == 0 else env  # the first one connects
            subprocess.run([sys.executable, __file__, name], check=True, cwd=ROOT, env=child)  # noqa: S603
    finally:
        server.stop()


if __name__ == "__main__":
    main()
