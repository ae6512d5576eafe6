"""Another process on the Google call budget, for the tests that need two real processes.

`python -m tests.support.budget_probe '<json>'` sets Django up from the environment (the test
database's DATABASE_URL, the budget's Redis in GOOGLE_BUDGET_REDIS_URL, the test emulator),
applies `settings` from the JSON, waits for `go_file` to exist when one is named, does one thing
and prints one JSON line:

- `{"do": "call", "token": ...}`: lists the account's calendars as a safety poll would (a
  real Calendar API call through GoogleClient); prints when it started and ended, when a
  rate-limit answer came, and the error code if it failed.
- `{"do": "burst", "seconds": s, "threads": n, "project": p}`: `n` threads spend tokens of
  project `p` as fast as the budget lets them, for `s` seconds; prints when the bucket
  granted each.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any


def main(spec: dict[str, Any]) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendar_project.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.GOOGLE_CALENDAR = {**settings.GOOGLE_CALENDAR, **spec.get("settings", {})}
    _wait_for_go(spec.get("go_file"))
    return call(spec) if spec["do"] == "call" else burst(spec)


def _wait_for_go(path: str | None) -> None:
    """Set up, then wait for the test to create `path` (bounded): the test starts this process
    ahead, so Django's start-up time does not count in what it measures."""
    if not path:
        return
    until = time.monotonic() + 60
    while not os.path.exists(path):
        if time.monotonic() > until:
            raise SystemExit(f"no go file {path}")
        time.sleep(0.01)


def call(spec: dict[str, Any]) -> dict[str, Any]:
    from calendar_api.google import budget, client
    from calendar_api.google.errors import GoogleError

    told: list[float] = []
    real = budget.rate_limited

    def rate_limited(**kwargs: Any) -> float:
        told.append(time.time())
        return real(**kwargs)

    budget.rate_limited = rate_limited
    google = client.GoogleClient(client.FixedToken(spec["token"]), user=spec.get("user", ""))
    started, error = time.time(), None
    try:
        with budget.working(budget.Priority.POLL):
            list(google.calendar_list())
    except GoogleError as exc:
        error = exc.code
    return {"started": started, "done": time.time(), "rate_limited": told, "error": error}


def burst(spec: dict[str, Any]) -> dict[str, Any]:
    from calendar_api.google import budget

    granted: list[float] = []
    lock = threading.Lock()
    end = time.time() + float(spec["seconds"])
    shared = budget.store()
    take = shared.take

    def taken(key: str, **kwargs: Any) -> float:
        """The bucket's own clock: when it granted the token (the thread may print later)."""
        wait = take(key, **kwargs)
        if not wait:
            with lock:
                granted.append(kwargs["now"])
        return wait

    shared.take = taken  # type: ignore[method-assign]

    def spend() -> None:
        while time.time() < end:
            budget.spend(project=spec["project"])

    threads = [threading.Thread(target=spend) for _ in range(int(spec["threads"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"granted": granted}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))), flush=True)
