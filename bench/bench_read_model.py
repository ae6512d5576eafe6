"""The read model against Google, side by side, on the emulator with 100 ms per Google call.

A calendar of 20,000 generated events plus 60 endless series (daily, weekly, Mon/Wed/Fri):
- P1: incremental sync of 10 changes: Google calls made, time against one round trip.
- P2: full sync against fetching the same pages alone; peak Python memory at 2k/20k/100k.
- P3: a week and a month of instances (single_events=true, 250 a page) through the API, over
  HTTP from the product's server (uvicorn, its own process), against a pass-through (a fresh
  official client per request, events.list singleEvents=true); in-process p50 against
  json.dumps of the same page (the floor).
- P4: a week of free/busy from the store (same server) against Google's freeBusy.
- P6: Google Calendar calls per idle calendar per simulated day, push live.
Run: `make bench` (or `python bench/bench_read_model.py`; BENCH_BIG=0 skips the 100k run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _setup import BytesProcess, WebProcess, django_with_emulator, scratch

from calendar_api.conf import app_settings

LATENCY_MS = 100
COUNT = int(os.environ.get("BENCH_EVENTS", "20000"))
SERIES = 60
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
os.environ["API_THROTTLE_USER"] = "1000000/min"

rows: list[tuple[str, str, str, str]] = []


def row(name: str, ours: str, google: str, ratio: str) -> None:
    rows.append((name, ours, google, ratio))
    print(f"  {name}: {ours} | {google} | {ratio}", file=sys.stderr, flush=True)


def timings(runs: int, work: Callable[[], Any]) -> list[float]:
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        found.append(time.perf_counter() - started)
    return found


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


class Counting:
    """Counts calls that reach Google through calendar_api.google.client.execute."""

    def __init__(self) -> None:
        from calendar_api.google import client

        self.client = client
        self.original = client.execute
        self.calls = 0

    @contextmanager
    def counting(self) -> Iterator[Counting]:
        def counted(request: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return self.original(request, **kwargs)

        self.client.execute = counted
        try:
            yield self
        finally:
            self.client.execute = self.original


def endless_series(gcal: Any) -> None:
    rules = ["RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR"]
    zones = ["Europe/London", "America/New_York", "Asia/Tokyo"]
    today = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    for index in range(SERIES):
        start = today - dt.timedelta(days=30 + index) + dt.timedelta(hours=index % 9)
        body = {
            "summary": f"Endless {index}",
            "start": {"dateTime": start.isoformat(), "timeZone": zones[index % 3]},
            "end": {
                "dateTime": (start + dt.timedelta(minutes=30)).isoformat(),
                "timeZone": zones[index % 3],
            },
            "recurrence": [rules[index % 3]],
        }
        gcal.events().insert(calendarId="primary", body=body).execute()


def connect(email: str, username: str) -> Any:
    from django.contrib.auth import get_user_model

    from calendar_api.models import Calendar, GoogleAccount
    from google_emulator.testing import tokens

    issued = tokens(BASE, email)
    user = get_user_model().objects.create(username=username)
    account = GoogleAccount(user=user, sub=username, email=email, scopes=issued["scope"].split())
    account.access_token = issued["access_token"]
    account.refresh_token = issued.get("refresh_token", "")
    account.access_token_expires_at = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)  # no refresh
    account.save()
    return Calendar.objects.create(
        account=account,
        google_id=email,
        time_zone="Europe/London",
        primary=True,
        sync_enabled=True,
    )


def full_sync(calendar: Any) -> None:
    from calendar_api.models import Calendar
    from calendar_api.services.sync import calendar_sync

    Calendar.objects.filter(pk=calendar.pk).update(sync_token="")
    calendar_sync(calendar=calendar)


def fetch_only(calendar: Any) -> None:
    from calendar_api.google import client

    google = client.GoogleClient(client.FixedToken(calendar.account.access_token))
    for _page in google.event_pages(calendar.google_id, showDeleted=True):
        pass


def p2(calendar: Any) -> None:
    fetch = min(timings(2, lambda: fetch_only(calendar)))
    sync, cpu, own = min(timed_full_sync(calendar) for _ in range(2))
    row(
        f"P2 full sync of {COUNT:,} events + {SERIES} series",
        f"{sync:.2f} s",
        f"fetch only {fetch:.2f} s",
        f"{sync / fetch:.2f}x (goal <= 1.25x)",
    )
    row(
        "P2 CPU of that sync: all its threads / its own thread",
        f"{cpu:.2f} s / {own:.2f} s",
        f"{os.cpu_count()} cores",
        f"1.25x the fetch is {1.25 * fetch:.2f} s",
    )
    floor = sqlite_write_floor(calendar)
    if floor is not None:
        row(
            "P2 SQLite alone, writing the rows that sync wrote (one transaction)",
            f"{floor:.2f} s",
            f"fetch only {fetch:.2f} s",
            f"{floor / fetch:.2f}x",
        )


def timed_full_sync(calendar: Any) -> tuple[float, float, float]:
    """A full sync's wall time, the CPU time of the whole process (the sync's fetching and
    writing threads too) and of the sync's own thread."""
    wall, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
    full_sync(calendar)
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        time.thread_time() - own,
    )


def sqlite_write_floor(calendar: Any, runs: int = 2) -> float | None:
    """The least a full sync's writes can take on SQLite: the event and instance rows it
    stored, as the database holds them, inserted again into an empty copy of the database
    (same schema, indexes and settings) in one transaction, in the statements the sync writes
    them with (events upserted bulk.BATCH a statement, instance rows as bulk's writer thread
    inserts them), with no Python building them. The best of `runs`. None on another
    database."""
    import shutil
    import sqlite3

    from django.db import connection
    from django.db.models.constants import OnConflict

    from calendar_api.db import bulk
    from calendar_api.models import Event, IcsFragment, Instance
    from calendar_api.services import event_rows, instances

    if connection.vendor != "sqlite":
        return None
    folder = scratch("bench-floor-")
    empty = folder / "empty.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(empty)])
    with sqlite3.connect(empty) as db:
        for model in (Instance, IcsFragment, Event):
            db.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our own tables
    with sqlite3.connect(empty) as db:
        db.execute("VACUUM")

    def stored(model: Any, columns: list[str]) -> list[tuple[Any, ...]]:
        rows = model.objects.filter(calendar=calendar).order_by("id").values_list(*columns)
        return bulk.values_read(rows)

    # Events keep their ids, which the instance rows name (the sync lets the database pick).
    columns = ["id", *event_rows.INSERT_COLUMNS]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    head = f"INSERT INTO {connection.ops.quote_name(Event._meta.db_table)} ({names}) VALUES "  # noqa: S608
    one = "(" + ", ".join("?" * len(columns)) + ")"
    unique = ["calendar_id", "google_id"]
    tail = " " + connection.ops.on_conflict_suffix_sql(
        [], OnConflict.UPDATE, event_rows.UPSERT_FIELDS, unique
    )
    events = stored(Event, columns)
    size = bulk._rows_per_statement(connection, columns, bulk.BATCH)
    statements = [
        (head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row])
        for batch in (events[begin : begin + size] for begin in range(0, len(events), size))
    ]
    rows = stored(Instance, list(instances.INSERT_COLUMNS))
    statements += bulk._statements_behind(connection, Instance, instances.INSERT_COLUMNS, rows)
    found = []
    for run in range(runs):
        target = folder / f"run{run}.sqlite3"
        shutil.copy(empty, target)
        db = sqlite3.connect(target, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for sql, params in statements:
            db.execute(sql, params)
        db.execute("COMMIT")
        found.append(time.perf_counter() - started)
        db.close()
    return min(found)


def peak_memory(calendar: Any) -> float:
    tracemalloc.start()
    full_sync(calendar)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def p1(calendar: Any, gcal: Any, counter: Counting, rounds: int = 3) -> None:
    """Best of `rounds`, each of 10 fresh changes: the sync against the fastest of three
    fetches of the same page (the best of both, as P2 compares them)."""
    from calendar_api.google import client
    from calendar_api.models import Calendar, Event
    from calendar_api.services.sync import calendar_sync

    singles = Event.objects.filter(calendar=calendar, is_recurring=False, recurring_event_id="")
    ids = list(singles.values_list("google_id", flat=True)[:10])
    syncs, trips, calls = [], [], []
    for round_ in range(rounds):
        latency(0)
        for index, event_id in enumerate(ids):
            body = {"summary": f"changed {round_} {index}"}
            gcal.events().patch(calendarId="primary", eventId=event_id, body=body).execute()
        latency(LATENCY_MS)
        calendar.refresh_from_db()
        token = calendar.sync_token

        def fetch(token: str = token) -> Any:
            google = client.GoogleClient(client.FixedToken(calendar.account.access_token))
            return list(google.event_pages(calendar.google_id, syncToken=token))

        trips.append(min(timings(3, fetch)))
        before = counter.calls
        with counter.counting():
            started = time.perf_counter()
            outcome = calendar_sync(calendar=Calendar.objects.get(pk=calendar.pk))
            syncs.append(time.perf_counter() - started)
        calls.append(counter.calls - before)
        assert outcome.mode == "incremental" and outcome.changed == 10, outcome
    took, one_trip = min(syncs), min(trips)
    row(
        f"P1 incremental sync of 10 changes (best of {rounds})",
        f"{ms(took)}, {max(calls)} Google call(s)",
        f"one round trip {ms(one_trip)}",
        f"{took / one_trip:.2f}x (goal 1 call, <= 1.3x)",
    )


def latency(value: int) -> None:
    from google_emulator.testing import control

    control(BASE, "latency", {"ms": value})


def pass_through(low: dt.datetime, high: dt.datetime, email: str = "alice@example.com") -> Any:
    from google_emulator.testing import service

    gcal = service(BASE, email, creds=CREDS)
    return (
        gcal.events()
        .list(
            calendarId="primary",
            singleEvents=True,
            orderBy="startTime",
            maxResults=250,
            timeMin=low.isoformat(),
            timeMax=high.isoformat(),
        )
        .execute()
    )


class ApiClient:
    """A client of our API over HTTP: urllib3 (what requests is built on) on a kept connection,
    the answer decoded from JSON. requests reads a body in 10 kB pieces, which cost 2 to 3 ms
    more than urllib3 for a week's 277 kB here (measured against a server that only sends
    bytes): the client's time, not the service's."""

    def __init__(self, base: str, token: str) -> None:
        import urllib3

        self.base = base
        self.pool = urllib3.PoolManager(headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str, params: dict[str, str]) -> Any:
        answer = self.pool.request("GET", self.base + path, fields=params)
        assert answer.status == 200, answer.data[:300]
        return json.loads(answer.data)


def p3(windows: dict[str, tuple[dt.datetime, dt.datetime]], api: str, token: str) -> None:
    for name, (low, high) in windows.items():
        p3_window(name, low, high, api, token)


def p3_window(name: str, low: dt.datetime, high: dt.datetime, api: str, token: str) -> None:
    from django.test import Client

    from tests.calendar_api.api.conftest import events_url

    local = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client = ApiClient(api, token)
    params = {
        "single_events": "true",
        "page_size": "250",
        "time_min": low.isoformat(),
        "time_max": high.isoformat(),
    }
    from calendar_api.reads import window_text

    page = local.get(events_url(), params).json()
    assert len(page["results"]) == 250 or not page["next"], name
    floor = p50(timings(RUNS, lambda: json.dumps(page)))

    def uncached() -> Any:  # as after any change to the calendar: the page is built again
        window_text.PAGES.clear()
        return local.get(events_url(), params)

    cold = timings(RUNS, uncached)
    row(
        f"P3 {name}: in-process p50, page built",
        ms(p50(cold)),
        f"json.dumps floor {ms(floor)}",
        f"{p50(cold) / floor:.1f}x the floor",
    )
    inproc = timings(RUNS, lambda: local.get(events_url(), params))
    row(
        f"P3 {name}: in-process p50, page kept",
        ms(p50(inproc)),
        f"json.dumps floor {ms(floor)}",
        f"{p50(inproc) / floor:.1f}x the floor (goal week <= 8 ms)",
    )
    http = timings(RUNS, lambda: client.get(events_url(), params))
    google = timings(10, lambda: pass_through(low, high))
    row(
        f"P3 {name}: HTTP p50 / p95",
        f"{ms(p50(http))} / {ms(p95(http))}",
        f"pass-through {ms(p50(google))} / {ms(p95(google))}",
        f"{p50(google) / p50(http):.1f}x faster (goal week >= 12x)",
    )
    if name == "week":
        sent = client.pool.request("GET", client.base + events_url(), fields=params).data
        http_floors(sent, params, client, p50(google) / 12)


def http_floors(body: bytes, params: dict[str, str], client: ApiClient, budget: float) -> None:
    """Under the HTTP figure: the same page from a bare ASGI app (the HTTP server and the
    client's reading and decoding, nothing else), and the product's health check (Django's
    own cost of a request that does nothing)."""
    bare = BytesProcess(body)
    try:
        plain = ApiClient(bare.base_url, "")
        sent = timings(RUNS, lambda: plain.get("/", params))
    finally:
        bare.stop()
    health = timings(RUNS, lambda: client.get("/healthz", {}))
    row(
        "P3 week: HTTP floors: the same page from a bare ASGI app / the product's /healthz",
        f"{ms(p50(sent))} / {ms(p50(health))}",
        f"12x the pass-through allows {ms(budget)}",
        "",
    )


def p4(low: dt.datetime, high: dt.datetime, api: Any, token: str) -> None:
    from google_emulator.testing import service

    client = ApiClient(api, token)
    params = {"time_min": low.isoformat(), "time_max": high.isoformat(), "calendar": "primary"}
    ours = timings(RUNS, lambda: client.get("/rest/v1/freebusy/", params))

    def google() -> Any:
        gcal = service(BASE, "alice@example.com", creds=CREDS)
        body = {
            "timeMin": low.isoformat(),
            "timeMax": high.isoformat(),
            "items": [{"id": "alice@example.com"}],
        }
        return gcal.freebusy().query(body=body).execute()

    theirs = timings(10, google)
    row(
        "P4 free/busy of a week, p50",
        ms(p50(ours)),
        f"Google's freeBusy {ms(p50(theirs))}",
        f"{p50(theirs) / p50(ours):.1f}x faster (goal >= 20x)",
    )


def p6(calendar: Any, counter: Counting) -> None:
    """A week of scheduler ticks on a simulated clock; every poll runs a real sync."""
    from django.utils import timezone

    from calendar_api.models import Calendar, WatchChannel
    from calendar_api.services import scheduler, sync

    real_now = timezone.now
    clock = [real_now()]
    timezone.now = lambda: clock[0]
    queued: list[int] = []
    real_request = scheduler.sync_request  # type: ignore[attr-defined]

    def queue(*, calendar_id: int, **_: Any) -> None:
        queued.append(calendar_id)

    scheduler.sync_request = queue  # type: ignore[attr-defined]
    renewals = 0
    try:
        start = clock[0]
        Calendar.objects.filter(pk=calendar.pk).update(
            last_activity_at=start - dt.timedelta(days=1), next_poll_at=None
        )
        WatchChannel.objects.filter(calendar=calendar).delete()
        channel = WatchChannel.objects.create(
            calendar=calendar,
            channel_id="bench",
            token_hash="0" * 64,
            resource_id="r",
            expires_at=start + dt.timedelta(seconds=app_settings.WATCH_TTL),
        )
        days = 7
        before = counter.calls
        with counter.counting():
            for tick in range(0, days * 86400, app_settings.SCHEDULER_TICK):
                clock[0] = start + dt.timedelta(seconds=tick)
                scheduler.polls_due(now=clock[0])
                for pk in queued:
                    sync.calendar_sync(calendar=Calendar.objects.get(pk=pk))
                queued.clear()
                margin = clock[0] + dt.timedelta(seconds=app_settings.WATCH_RENEW_MARGIN)
                if channel.expires_at <= margin:  # a renewal: events.watch + channels.stop
                    renewals += 1
                    channel.expires_at = clock[0] + dt.timedelta(seconds=app_settings.WATCH_TTL)
                    channel.save(update_fields=["expires_at"])
        polls = counter.calls - before
    finally:
        timezone.now = real_now
        scheduler.sync_request = real_request  # type: ignore[attr-defined]
    per_day = (polls + 2 * renewals) / days
    row(
        "P6 Google Calendar calls per idle day (push live)",
        f"{per_day:.2f}",
        "before: 48 safety polls (1800 s)",
        f"{polls} polls + {renewals} renewals in {days} days (goal <= 5)",
    )


def main() -> None:
    global BASE, CREDS
    server = django_with_emulator("empty")
    BASE = server.base_url
    from calendar_api.models import Instance
    from calendar_api.services.api_tokens import api_token_create
    from google_emulator.testing import control, credentials, service

    CREDS = credentials(BASE, "alice@example.com")
    control(BASE, "generate", {"email": "alice@example.com", "count": COUNT})
    gcal = service(BASE, "alice@example.com")
    endless_series(gcal)
    counter = Counting()
    calendar = connect("alice@example.com", "alice")
    latency(LATENCY_MS)
    p2(calendar)
    print(f"  instance rows: {Instance.objects.count()}", file=sys.stderr)
    p1(calendar, gcal, counter)

    web = WebProcess()  # the product's server, in its own process
    api = web.base_url
    user = calendar.account.user
    token = api_token_create(user=user, name="bench", scope="read").secret  # as a client has
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    p3(
        {"week": (now, now + dt.timedelta(days=7)), "month": (now, now + dt.timedelta(days=30))},
        api,
        token,
    )
    p4(now, now + dt.timedelta(days=7), api, token)
    p6(calendar, counter)
    web.stop()

    latency(0)
    sizes = [(2_000, "bob@example.com")]
    if os.environ.get("BENCH_BIG", "1") != "0":
        control(BASE, "accounts", {"email": "carol@example.com"})
        sizes.append((100_000, "carol@example.com"))
    memory = {COUNT: peak_memory(calendar)}
    for size, email in sizes:
        control(BASE, "generate", {"email": email, "count": size})
        memory[size] = peak_memory(connect(email, email.split("@")[0]))
    figures = ", ".join(f"{size:,}: {mib:.0f} MiB" for size, mib in sorted(memory.items()))
    row("P2 peak Python memory of a full sync", figures, "", "flat: one page at a time")
    server.stop()
    print_table()


def print_table() -> None:
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"
    print(f"Read model benchmarks ({LATENCY_MS} ms per Google call; {machine})\n")
    print("| figure | ours | Google / baseline | ratio |")
    print("| --- | --- | --- | --- |")
    for name, ours, google, ratio in rows:
        print(f"| {name} | {ours} | {google} | {ratio} |")


BASE = ""
CREDS: Any = None

if __name__ == "__main__":
    main()
