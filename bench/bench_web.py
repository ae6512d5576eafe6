"""The web calendar with a 20,000-event calendar: the server's answer for one week, the
page's week data (`/web/events/`) against the REST API's week under the same load, and how
long the browser takes to draw that week once the data has arrived.

Under load: the product served by uvicorn in a process of its own (DEBUG off, as deployed),
BENCH_CLIENTS (50) clients at once asking for this week again and again for BENCH_SECONDS (12)
after a warm-up: the API's week (`single_events=true`, one page of up to 2,500 items, an API
token) and the page's (a session cookie), BENCH_ROUNDS (2) times in turn, the order swapped
each round, so a noisy phase of the shared machine falls on both. Each line gives the answers
per second and their p50 and p99.

The browser part serves the app with uvicorn (as `make run` does), signs in with a session
cookie and reads the page's own `events-render` measure (from the moment the week's JSON
arrived to the next frame after FullCalendar placed the events). It is skipped without
Debian's Chromium. Run: `make bench` (or `python bench/bench_web.py [COUNT]`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from typing import Any
from urllib.parse import quote, urlencode

from _load import load
from _setup import WebProcess, best_of, django_with_emulator

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
WEEKS = 6
MEASURES = "performance.getEntriesByName('events-render')"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "12"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))


def signed_in_calendar(base_url: str) -> Any:
    from django.contrib.auth import get_user_model

    from calendar_api.models import Calendar, GoogleAccount
    from calendar_api.services.sync import calendar_sync
    from google_emulator.testing import control, tokens

    control(base_url, "generate", {"email": "alice@example.com", "count": COUNT})
    issued = tokens(base_url, "alice@example.com")
    user = get_user_model().objects.create(username="bench")
    account = GoogleAccount(
        user=user, sub="bench", email="alice@example.com", scopes=issued["scope"].split()
    )
    account.access_token, account.refresh_token = issued["access_token"], issued["refresh_token"]
    account.access_token_expires_at = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    account.save()
    calendar = Calendar.objects.create(
        account=account,
        google_id="alice@example.com",
        summary="Alice",
        time_zone="Europe/London",
        access_role="owner",
        primary=True,
        sync_enabled=True,
    )
    calendar_sync(calendar=calendar)
    return user


def this_week() -> tuple[dt.datetime, dt.datetime]:
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=7)


def session_for(user: Any) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def render_times(base_url: str, session: str, chromium: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    durations = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        url = base_url + "/"
        context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        for week in range(WEEKS):
            while page.evaluate(MEASURES + ".length") <= week:  # no eval under the page's CSP
                time.sleep(0.05)
            if week < WEEKS - 1:
                page.get_by_role("button", name="Next").click()
        durations = page.evaluate(MEASURES + ".map(m => m.duration)")
        browser.close()
    return [float(d) for d in durations]


def under_load(user: Any, low: dt.datetime, high: dt.datetime) -> None:
    """The API's week and the page's week data, each asked by CLIENTS clients at once."""
    import urllib.request

    from calendar_api.services.api_tokens import api_token_create

    token = api_token_create(user=user, name="bench", scope="read").secret
    window = {"time_min": low.isoformat(), "time_max": high.isoformat()}
    api_query = urlencode({"single_events": "true", "page_size": "2500", **window})
    calendar = quote("alice@example.com", safe="")
    page_query = urlencode({"start": low.isoformat(), "end": high.isoformat()})
    web = WebProcess(env={"API_THROTTLE_USER": "100000000/min"})
    targets = {
        "REST API week": (
            f"{web.base_url}/rest/v1/calendars/{calendar}/events/?{api_query}",
            {"Authorization": f"Bearer {token}"},
        ),
        "page's week (`/web/events/`)": (
            f"{web.base_url}/web/events/?{page_query}",
            {"Cookie": f"sessionid={session_for(user)}"},
        ),
    }
    try:
        for name, (url, headers) in targets.items():  # both answer the same week
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
                body = json.loads(answer.read())
            items = body["results"] if isinstance(body, dict) else body
            print(f"{name}: {len(items)} items")
        print(f"\n{CLIENTS} clients at once, {SECONDS:g} s each, {os.cpu_count()} cores")
        print("| week | answers | per second | p50 | p99 | body | failed |")
        print("| --- | --- | --- | --- | --- | --- | --- |", flush=True)
        for n in range(ROUNDS):  # the order swapped each round: neither always goes first
            for name, (url, headers) in list(targets.items())[:: 1 if n % 2 == 0 else -1]:
                print(load(url, headers, clients=CLIENTS, seconds=SECONDS).line(name), flush=True)
    finally:
        web.stop()
    print()


def main() -> None:
    os.environ["WEB_STREAM_SECONDS"] = "30"
    server = django_with_emulator()
    from calendar_api.web import window_text
    from calendar_api.web.window import window_events, window_json

    user = signed_in_calendar(server.base_url)
    low, high = this_week()
    events = window_events(user=user, low=low, high=high)

    def built() -> str:  # as after any change to the calendar: its window is built again
        window_text.PIECES.clear()
        return window_json(user=user, low=low, high=high)

    cold = best_of(5, built)
    kept = best_of(5, lambda: window_json(user=user, low=low, high=high))
    size = len(json.dumps(events))
    print(f"events in the store:             {COUNT:,} (+ series instances)")
    print(f"this week's events:              {len(events)} ({size / 1024:.0f} KiB of JSON)")
    print(f"server, one week from the store: built {cold * 1000:.1f} ms, kept {kept * 1000:.2f} ms")
    under_load(user, low, high)
    chromium = shutil.which("chromium")
    if chromium is None:
        print("browser render:                  skipped (install Debian's chromium)")
        server.stop()
        return
    web = WebProcess(env={"DEBUG": "true"})  # DEBUG on for its static files (no collectstatic)
    try:
        durations = render_times(web.base_url, session_for(user), chromium)
    finally:
        web.stop()
        server.stop()
    shown = ", ".join(f"{d:.0f}" for d in durations)
    print(
        f"browser, week drawn after data:  best {min(durations):.0f} ms, worst {max(durations):.0f} ms"
    )
    print(f"                                 ({WEEKS} weeks: {shown} ms)")


if __name__ == "__main__":
    main()
