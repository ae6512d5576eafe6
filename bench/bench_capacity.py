"""Capacity at scale (issue 23, P7): many connected calendars, the emulator answering at 150 ms
per call, on each queue engine (the database queue on PostgreSQL, RQ and Celery on Redis) with
1 and 2 worker processes.

Set-up: BENCH_CALENDARS accounts (10,000; 100,000 with BENCH_CALENDARS=100000, opt-in, about
ten minutes more) are made connected in bulk (bench/_bulk.py): the emulator creates them with
their grants and tokens, and the rows connecting and a first full sync leave are written in
bulk, each calendar with a live push channel and its safety poll due somewhere in the next
idle gap, as in a steady state. A change is an event put at the emulator (as another Google
client would; it is not one of the product's calls) followed by what its push notification
does (`sync_request(priority="push", spaced=True)`). The scheduler runs in the workers, so
idle calendars are polled as in production.

Runs, per engine:
- throughput: the first 1,000 calendars, BENCH_RATE changes/s (150) for 20 s, one worker
  process: incremental syncs/s (the Calendar `events.list` calls answered, one per sync);
- steady: every calendar, one change per calendar per hour (2.8/s at 10,000, 28/s at
  100,000) for BENCH_SECONDS (60), with each of BENCH_WORKERS (1,2) worker processes;
then once, on the database queue with 2 workers, bursts: 1,000 connects (a first full sync
each, as a person waits) at the same time as a 410 for every calendar (of the first 10,000).

Printed per run: syncs/s, lag p50/p95 from the change at Google to its row (the store's change
log), changes lost, Google calls per idle calendar-day (the polls of calendars idle for 12 h
before the run and unchanged in it, extrapolated to a day, plus a channel renewal's two calls
per WATCH_TTL), peak Calendar calls in any sliding minute (counted at the emulator) against
the project budget, CPU per sync (the workers' CPU time / syncs), memory per worker process
(peak RSS sampled), the workers' database connections (peak, pg_stat_activity) and the
queue's depth.

Needs BENCH_DATABASE_URL=postgres://... (a database it may fill) and BENCH_REDIS_URL for RQ and
Celery (a Redis database it may empty); without them it says so and stops. BENCH_LATENCY_MS
(150), BENCH_THREADS (the product's default, 32) and BENCH_ENGINES (db,rq,celery) scale it;
BENCH_EMULATOR_PORT pins the emulator's port (a free one otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from _setup import ROOT, EmulatorProcess
from cryptography.fernet import Fernet

CALENDARS = int(os.environ.get("BENCH_CALENDARS", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
RATE = float(os.environ.get("BENCH_RATE", "150"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2").split(",")]
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "150"))
ENGINES = os.environ.get("BENCH_ENGINES", "db,rq,celery").split(",")
LABELS = {"db": "database (PostgreSQL)", "rq": "RQ (Redis)", "celery": "Celery (Redis)"}
HEADER = (
    "| engine | run | workers | calendars | changes/s offered | syncs/s | lag p50 / p95 "
    "| lost | calls per idle calendar-day | peak calls/min (budget) | CPU per sync "
    "| RSS per worker | DB connections | queue depth max |"
)


def setup(backend: str) -> dict[str, str]:
    """Environment of this process and its workers for one queue backend."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "DATABASE_CONN_MAX_AGE": "60",
        "GOOGLE_EMULATOR_URL": os.environ["BENCH_EMULATOR_URL"],
        "TASKS_BACKEND": backend,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
        "PUSH_NOTIFICATIONS": "false",  # the channels are the benchmark's rows, not Google's
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "TOKEN_ENCRYPTION_KEYS": os.environ["BENCH_TOKEN_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if os.environ.get("BENCH_THREADS"):
        env["WORKER_THREADS"] = os.environ["BENCH_THREADS"]
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def seed(base: str) -> None:
    from _bulk import emulator_accounts, store_accounts
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    started = time.monotonic()
    made = emulator_accounts(base, CALENDARS)
    at_emulator = time.monotonic() - started
    store_accounts(made)
    print(
        f"(set-up: {CALENDARS} accounts at the emulator in {at_emulator:.0f} s, "
        f"connected here in bulk in {time.monotonic() - started - at_emulator:.0f} s)",
        flush=True,
    )


def line(label: str, name: str, r: dict[str, float]) -> str:
    lost = f"{r['lost']:.0f}" if r["lost"] == r["lost"] else "-"
    return (
        f"| {label} | {name} | {r['workers']:.0f} | {r['calendars']:.0f} | {r['offered']:.1f} "
        f"| {r['syncs_per_s']:.1f} | {r['p50']:.2f} / {r['p95']:.2f} s | {lost} "
        f"| {r['idle_per_day']:.2f} | {r['peak']:.0f} ({r['budget']:.0f}) "
        f"| {r['cpu_ms']:.1f} ms | {r['rss']:.0f} MiB | {r['connections']:.0f} "
        f"| {r['depth']:.0f} |"
    )


def measure(backend: str) -> None:
    env = setup("db" if backend == "burst" else backend)
    os.environ.update(env)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    django.setup()
    import requests
    from _bulk import connected_calendars
    from _runs import Run, burst, flush_queues
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    flush_queues()
    base = env["GOOGLE_EMULATOR_URL"]
    if os.environ.get("BENCH_SETUP"):
        seed(base)
    requests.post(f"{base}/__emulator__/latency", json={"ms": LATENCY_MS}, timeout=30)
    calendars = connected_calendars()
    label = LABELS.get(backend, LABELS["db"])
    if backend == "burst":
        print(line(label, "bursts", burst(base, env, calendars, CALENDARS)), flush=True)
        return
    if backend == "fullsync":
        full_sync_cpu(base)
        return
    if os.environ.get("BENCH_THROUGHPUT", "1") != "0":
        first = dict(list(calendars.items())[:1000])
        result = Run(base, env, first, workers=1, rate=RATE, seconds=20).go()
        print(line(label, "throughput", result), flush=True)
    for count in WORKERS:
        steady = Run(
            base, env, calendars, workers=count, rate=len(calendars) / 3600, seconds=SECONDS
        )
        print(line(label, "steady", steady.go()), flush=True)


def full_sync_cpu(base: str, count: int = 20_000) -> None:
    """The CPU time of a full sync (this process, all its threads) per 1,000 events: the
    first account's calendar given `count` events and synced again from scratch."""
    import requests

    from calendar_api.models import Calendar
    from calendar_api.services.sync import calendar_sync

    calendar = Calendar.objects.select_related("account").order_by("pk").first()
    assert calendar is not None
    body = {"email": calendar.account.email, "count": count}
    requests.post(f"{base}/__emulator__/generate", json=body, timeout=600)
    Calendar.objects.filter(pk=calendar.pk).update(sync_token="")
    calendar.refresh_from_db()
    cpu, wall = time.process_time(), time.monotonic()
    calendar_sync(calendar=calendar)
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    print(
        f"(full sync of {count} events at {LATENCY_MS} ms per call: {wall:.2f} s, "
        f"CPU {cpu:.2f} s, {1000 * cpu / count * 1000:.0f} ms CPU per 1,000 events)",
        flush=True,
    )


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
        print("bench_capacity: skipped (set BENCH_DATABASE_URL=postgres://... and BENCH_REDIS_URL)")
        return
    engines = [e for e in ENGINES if e == "db" or os.environ.get("BENCH_REDIS_URL")]
    print(
        f"{CALENDARS} calendars, emulator {LATENCY_MS} ms per call, "
        f"{os.environ.get('BENCH_THREADS', '32')} jobs in flight per worker, "
        f"{os.cpu_count()} cores"
    )
    print(HEADER)
    print("|" + " --- |" * (HEADER.count("|") - 1), flush=True)
    server = EmulatorProcess("empty", port=int(os.environ.get("BENCH_EMULATOR_PORT", "0")))
    env = {
        **os.environ,
        "BENCH_EMULATOR_URL": server.base_url,
        "BENCH_TOKEN_KEY": Fernet.generate_key().decode(),
    }
    started = time.monotonic()
    try:
        steps = [*engines, *(["burst"] if os.environ.get("BENCH_BURST", "1") != "0" else [])]
        steps.append("fullsync")
        for n, name in enumerate(steps):
            child = {**env, "BENCH_SETUP": "1"} if n == 0 else env  # the first one seeds
            subprocess.run([sys.executable, __file__, name], check=True, cwd=ROOT, env=child)  # noqa: S603
    finally:
        server.stop()
    print(f"(bench_capacity: {time.monotonic() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
