"""The long soak: minutes of changes at Google while 20% of the sync's calls fail, with two
real worker processes polling; then the faults stop and the store must converge exactly.

Prints what was changed, what faults were injected, how long after the faults stopped the
store equalled Google, and the lost, stale and duplicated events (all three must be 0), and
whether the account stayed active. Run: `python bench/bench_soak.py [SECONDS]` (default 480);
BENCH_DATABASE_URL=postgres://... runs it on PostgreSQL. The short version is in the test
suite (tests/calendar_api/test_soak.py).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, django_with_emulator
from cryptography.fernet import Fernet

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 480
FAULTS = {
    "rate": 0.2,
    "method": "calendar.events.list",
    "kinds": ["429", "403", "500", "503", "slow", "drop"],
    "slow_ms": 1000,
    "seed": 7,
}
WORKER_SETTINGS = {
    "SCHEDULER_TICK": "1",
    "CALENDAR_POLL_INTERVAL": "2",
    "SYNC_LEASE_SECONDS": "20",
    "GOOGLE_HTTP_TIMEOUT": "5",
    "PUSH_NOTIFICATIONS": "false",
}


def start_workers(count: int, log_dir: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, **WORKER_SETTINGS, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval=0.1"]
    workers = []
    for n in range(count):
        with (log_dir / f"worker-{n}.log").open("wb") as out:
            workers.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
            )
    return workers


def change(gcal: object, rng: random.Random, made: list[str], n: int) -> None:
    events = gcal.events()  # type: ignore[attr-defined]
    day = 1 + n % 27
    if not made or rng.random() < 0.5:
        body = {
            "summary": f"Soak {n}",
            "start": {"dateTime": f"2027-03-{day:02d}T09:00:00Z"},
            "end": {"dateTime": f"2027-03-{day:02d}T10:00:00Z"},
        }
        made.append(events.insert(calendarId="primary", body=body).execute()["id"])
    elif rng.random() < 0.6:
        body = {"summary": f"Soak {n} moved"}
        events.patch(calendarId="primary", eventId=rng.choice(made), body=body).execute()
    else:
        events.delete(calendarId="primary", eventId=made.pop(rng.randrange(len(made)))).execute()


def main() -> None:
    os.environ["TOKEN_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    server = django_with_emulator()
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from calendar_api import tasks
    from calendar_api.models import Calendar, GoogleAccount
    from calendar_api.services.sync import calendar_sync
    from google_emulator.testing import control, service, tokens

    issued = tokens(server.base_url, "alice@example.com")
    user = get_user_model().objects.create(username="soak")
    account = GoogleAccount(
        user=user, sub="soak", email="alice@example.com", scopes=issued["scope"].split()
    )
    account.access_token, account.refresh_token = issued["access_token"], issued["refresh_token"]
    account.access_token_expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    account.save()
    calendar = Calendar.objects.create(
        account=account, google_id="alice@example.com", primary=True, sync_enabled=True
    )
    calendar_sync(calendar=calendar)
    gcal = service(server.base_url, "alice@example.com")

    def truth() -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        request = gcal.events().list(calendarId="primary", showDeleted=True, maxResults=2500)
        while request is not None:
            page = request.execute()
            found.update({e["id"]: (e["etag"], e["status"]) for e in page["items"]})
            request = gcal.events().list_next(request, page)
        return found

    def stored() -> dict[str, tuple[str, str]]:
        rows = calendar.events.values_list("google_id", "etag", "status")
        return {gid: (etag, status) for gid, etag, status in rows}

    log_dir = Path(os.environ.get("BENCH_LOG_DIR") or tempfile.mkdtemp(prefix="soak-"))
    workers = start_workers(2, log_dir)
    try:
        control(server.base_url, "faults", FAULTS)
        tasks.scheduler_tick.enqueue()
        rng, made, changes = random.Random(1), list[str](), 0
        until = time.monotonic() + SECONDS
        while time.monotonic() < until:
            change(gcal, rng, made, changes)
            changes += 1
            time.sleep(0.1)
        injected = control(server.base_url, "faults", method="GET")["rate"]["injected"]
        control(server.base_url, "faults", {"rate": 0})
        stopped = time.monotonic()
        expected = truth()
        while stored() != expected and time.monotonic() - stopped < 300:
            time.sleep(0.1)
        converged = time.monotonic() - stopped
        have = stored()
        lost = len(set(expected) - set(have))
        stale = sum(1 for k, v in have.items() if k in expected and expected[k] != v)
        dupes = calendar.events.values("google_id").annotate(n=Count("pk")).filter(n__gt=1)
        status = GoogleAccount.objects.get(pk=account.pk).status
        print(f"soak: {SECONDS} s, {changes} changes at Google, 2 workers, faults {injected}")
        print(f"converged {converged:.1f} s after the faults stopped")
        print(f"lost {lost}, stale {stale}, duplicated {dupes.count()}, account {status}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    main()
