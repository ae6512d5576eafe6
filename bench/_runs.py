"""One run of the capacity benchmark: workers started, changes offered at a rate, the store
drained, the figures read (bench_capacity.py prints them); and the bursts."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from _probe import APP_NAME, cpu_seconds, db_connections, rss_mib, usage, usage_clear
from _setup import ROOT

EVENT = {
    "summary": "change",
    "start": {"dateTime": "2030-01-01T10:00:00Z"},
    "end": {"dateTime": "2030-01-01T11:00:00Z"},
}
DRAIN = 180  # seconds a run may take to store what was offered


def flush_queues() -> None:
    from django.conf import settings

    if settings.USES_RQ or settings.USES_CELERY:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).flushdb()


def waiting_jobs() -> int:
    from django.conf import settings

    if settings.USES_RQ:
        import django_rq

        return int(django_rq.get_queue("default").count)
    if settings.USES_CELERY:
        import redis

        return int(redis.Redis.from_url(settings.REDIS_URL).llen("default"))
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    from django.utils import timezone

    from calendar_api import jobs
    from calendar_api.models import ScheduleSlot, WorkerHeartbeat
    from calendar_api.services.scheduler import TICK

    WorkerHeartbeat.objects.all().delete()
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env={**env, "PGAPPNAME": APP_NAME},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    while WorkerHeartbeat.objects.count() < count:  # each beats once it is up
        time.sleep(0.2)
    # A tick chain on this engine (not a stale one: that would poll every pushed calendar).
    ScheduleSlot.objects.filter(name=TICK).update(next_run_at=timezone.now())
    jobs.scheduler_tick()
    return procs


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


class Run:
    def __init__(
        self,
        base: str,
        env: dict[str, str],
        calendars: dict[int, str],
        *,
        workers: int,
        rate: float,
        seconds: float,
    ) -> None:
        self.base, self.env, self.calendars = base, env, calendars
        self.workers, self.rate, self.seconds = workers, rate, seconds
        self.inserted: dict[str, float] = {}
        self.changed: set[str] = set()
        self.samples: list[tuple[int, int, list[float]]] = []
        self.session = requests.Session()
        self.session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))

    def change(self, pk: int) -> None:
        from django.db import close_old_connections

        from calendar_api.services.sync import sync_request

        email = self.calendars[pk]
        made = self.session.post(
            f"{self.base}/__emulator__/events", json={"email": email, "event": EVENT}, timeout=30
        ).json()
        self.inserted[made["id"]] = time.time()
        self.changed.add(email)
        sync_request(calendar_id=pk, spaced=True, priority="push")  # what a push does
        close_old_connections()

    def sample(self, procs: list[Any], stopping: threading.Event) -> None:
        from django.db import close_old_connections

        while not stopping.is_set():
            rss = [rss_mib(p.pid) for p in procs]
            self.samples.append((waiting_jobs(), db_connections(), rss))
            close_old_connections()
            time.sleep(1)

    def offer(self) -> float:
        offering = ThreadPoolExecutor(32)
        ids = list(self.calendars)
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < self.seconds:
            time.sleep(max(0.0, started + n / self.rate - time.monotonic()))
            offering.submit(self.change, random.choice(ids))
            n += 1
        offering.shutdown(wait=True)
        return time.monotonic() - started

    def drain(self, first_change: int) -> None:
        from calendar_api.models import StoreChange

        created = StoreChange.objects.filter(id__gt=first_change, kind="event.created")
        deadline = time.monotonic() + DRAIN
        while time.monotonic() < deadline:
            if created.count() >= len(self.inserted) and waiting_jobs() == 0:
                return
            time.sleep(0.5)

    def go(self) -> dict[str, float]:
        from django.utils import timezone

        from calendar_api.models import Calendar, StoreChange

        now = timezone.now()
        # Idle: no activity for 12 hours, and no poll overdue (polls fall due between runs,
        # while no scheduler runs, and the first tick would catch them all up in this run).
        quiet = set(
            Calendar.objects.filter(pk__in=list(self.calendars))
            .filter(last_activity_at__lt=now - dt.timedelta(hours=12), next_poll_at__gt=now)
            .values_list("account__email", flat=True)
        )
        procs = start_workers(self.workers, self.env)
        first_change = StoreChange.objects.order_by("-id").values_list("id", flat=True).first()
        usage_clear(self.base)
        cpu_before = sum(cpu_seconds(p.pid) for p in procs)
        stopping = threading.Event()
        sampler = threading.Thread(target=self.sample, args=(procs, stopping))
        sampler.start()
        started = time.monotonic()
        offered = self.offer()
        self.drain(first_change or 0)
        elapsed = time.monotonic() - started
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
        used = usage(self.base, accounts=True)
        stopping.set()
        sampler.join()
        stop(procs)
        return self.figures(first_change or 0, used, quiet, offered, elapsed, cpu)

    def figures(
        self,
        first_change: int,
        used: dict[str, Any],
        quiet: set[str],
        offered: float,
        elapsed: float,
        cpu: float,
    ) -> dict[str, float]:
        from calendar_api.conf import app_settings
        from calendar_api.models import StoreChange

        stored = StoreChange.objects.filter(id__gt=first_change, kind="event.created")
        lags = sorted(
            at.timestamp() - self.inserted[event_id]
            for event_id, at in stored.values_list("event_id", "created_at")
            if event_id in self.inserted
        )
        syncs = used["byMethod"].get("calendar.events.list", 0)
        idle = quiet - self.changed
        idle_calls = sum(used["byAccount"].get(email, 0) for email in idle)
        renewals = 2 * 86400 / app_settings.WATCH_TTL  # events.watch + channels.stop
        return {
            "workers": self.workers,
            "calendars": len(self.calendars),
            "offered": len(self.inserted) / offered,
            "syncs_per_s": syncs / elapsed,
            "p50": statistics.median(lags) if lags else float("nan"),
            "p95": lags[int(0.95 * (len(lags) - 1))] if lags else float("nan"),
            "lost": len(self.inserted) - len(lags),
            "idle_per_day": idle_calls / max(1, len(idle)) / elapsed * 86400 + renewals,
            "peak": used["peakPerMinute"],
            "budget": app_settings.PROJECT_REQUESTS_PER_MINUTE,
            "cpu_ms": 1000 * cpu / max(1, syncs),
            "rss": max((max(rss) for _, _, rss in self.samples if rss), default=0),
            "connections": max((c for _, c, _ in self.samples), default=0),
            "depth": max((d for d, _, _ in self.samples), default=0),
        }


def burst(
    base: str, env: dict[str, str], calendars: dict[int, str], start: int
) -> dict[str, float]:
    """1,000 connects (a first full sync each, a person waiting) and a 410 for every calendar
    (of the first 10,000) at once, 2 workers: the peak minute against the project budget."""
    from _bulk import emulator_accounts, store_accounts

    from calendar_api.services.sync import sync_request

    fresh = store_accounts(emulator_accounts(base, 1000, start=start), synced=False)
    storm = list(calendars)[:10_000]
    run = Run(base, env, {}, workers=2, rate=1, seconds=0)
    procs = start_workers(2, env)
    usage_clear(base)
    cpu_before = sum(cpu_seconds(p.pid) for p in procs)
    stopping = threading.Event()
    sampler = threading.Thread(target=run.sample, args=(procs, stopping))
    sampler.start()
    from django.utils import timezone

    from calendar_api.models import Calendar

    started, since = time.monotonic(), timezone.now()
    requests.post(f"{base}/__emulator__/expire-sync-tokens", timeout=30)

    def ask(pair: tuple[int, str]) -> None:
        from django.db import close_old_connections

        sync_request(calendar_id=pair[0], priority=pair[1])
        close_old_connections()

    with ThreadPoolExecutor(8) as pool:
        asked = [(pk, "interactive") for pk in fresh] + [(pk, "push") for pk in storm]
        list(pool.map(ask, asked))
    done = Calendar.objects.filter(pk__in=fresh + storm, last_synced_at__gte=since)
    while done.count() < len(fresh) + len(storm) and time.monotonic() - started < 900:
        time.sleep(1)
    elapsed = time.monotonic() - started
    cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
    used = usage(base)
    stopping.set()
    sampler.join()
    stop(procs)
    figures = run.figures(0, used, set(), elapsed, elapsed, cpu)
    figures.update(calendars=len(storm) + len(fresh), offered=0, lost=float("nan"))
    figures.update(p50=float("nan"), p95=float("nan"), idle_per_day=float("nan"))
    print(f"(bursts: {used['total']} calls in {elapsed:.0f} s, {used['byMethod']})", flush=True)
    return figures
