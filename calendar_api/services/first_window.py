"""The first window: the weeks a person is about to see, fetched and stored before the full sync.

After the OAuth callback of a person going back to the web page, the primary calendar's
window [today - 7 days, today + FIRST_WINDOW_DAYS + 1 day) (whole UTC days: any week that holds
today, in any zone) is asked of Google while the account's calendars are recorded: one
`events.list` per week of the window, all at once on threads of their own (so the window costs
one round trip, whatever its size, up to 2,500 events a week), with `timeMin`/`timeMax`,
`showDeleted` and without `singleEvents`, so that series come as their masters and exceptions,
the same resources the full sync stores. They are stored into the same Event rows (keyed by
Google's id), with the read model's rows for that window, whose bounds become the calendar's
horizon (`instances_from`/`instances_until`): the page and the API's window reads serve it
from the store at once, and a window outside it is answered as before the first sync.

Then the full sync is queued (services/accounts.py). It runs in one transaction that replaces
the calendar's rows and horizon as a whole when it commits, so readers see either the window
or the whole calendar, never a mix (no duplicate, no gap), and what it fetched, never older
than the window (fetched before the sync was queued), takes precedence. The window is stored
only while no full sync has finished (checked in its transaction, on the held calendar row);
the sync token comes from the full sync only. A failed window fetch or store is logged and
left: the full sync brings everything. Calls are the budget's INTERACTIVE: a person is waiting.

Google returns an exception for the times it has now, not for its series' original slot: an
instance moved out of the window would not come with it, and its unchanged occurrence would
show at the original time. So Google is asked for the window and MARGIN_DAYS around it (still
at once, one call per part), while the horizon stays the window: an exception moved up to
that far out is stored and takes its slot out of the window. Known limit, until the full sync
commits: an instance moved further than that still shows at its original time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from calendar_api.conf import app_settings
from calendar_api.google import budget, scopes
from calendar_api.google.client import FixedToken, GoogleClient
from calendar_api.google.errors import GoogleError
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, GoogleAccount
from calendar_api.services import instances
from calendar_api.services.event_rows import events_upsert

logger = logging.getLogger(__name__)
DAYS_BACK = 7  # a week that holds today began at most 6 days ago, in any zone
SPAN_DAYS = 8  # one events.list per (about a) week of the window, sent at once
MARGIN_DAYS = 7  # asked around the window too: exceptions moved out of it, up to this far


@dataclass(frozen=True)
class WindowFetch:
    """A first window being fetched: its span and one future per week."""

    span: Window
    parts: list[Future[list[dict[str, Any]]]]

    def pages(self) -> list[dict[str, Any]]:
        """Google's pages, once every part is in (a part's GoogleError is raised here)."""
        return [page for part in self.parts for page in part.result()]


def first_window(*, now: dt.datetime | None = None) -> Window:
    """The span fetched first, in whole UTC days."""
    today = (now or timezone.now()).astimezone(dt.UTC)
    today = today.replace(hour=0, minute=0, second=0, microsecond=0)
    days = app_settings.FIRST_WINDOW_DAYS
    return Window(today - dt.timedelta(days=DAYS_BACK), today + dt.timedelta(days=days + 1))


def _weeks(span: Window) -> list[Window]:
    """The span in equal parts of at most SPAN_DAYS days."""
    assert span.low is not None and span.high is not None
    count = -(-(span.high - span.low).days // SPAN_DAYS)
    step = (span.high - span.low) / count
    edges = [span.low + step * n for n in range(count)] + [span.high]
    return [Window(low, high) for low, high in itertools.pairwise(edges)]


def window_fetch_start(*, account: GoogleAccount, access_token: str) -> WindowFetch | None:
    """Start fetching the primary calendar's first window with the access token Google has
    just issued (None when there is nothing to fetch: the setting is 0, events cannot be
    read, or the primary calendar has synced). The token is used as it is, never renewed: the
    account is still `connecting`, and a token the window cannot use only means no window."""
    if app_settings.FIRST_WINDOW_DAYS <= 0 or not account.can(scopes.EVENTS_READ):
        return None
    synced = Calendar.objects.filter(account=account, primary=True, last_synced_at__isnull=False)
    if synced.exists():
        return None
    span = first_window()
    assert span.low is not None and span.high is not None
    margin = dt.timedelta(days=MARGIN_DAYS)
    weeks = _weeks(Window(span.low - margin, span.high + margin))
    pool = ThreadPoolExecutor(max_workers=len(weeks), thread_name_prefix="first-window")
    google = [GoogleClient(FixedToken(access_token), user=account.sub) for _ in weeks]
    parts = [pool.submit(_fetch, client, week) for client, week in zip(google, weeks, strict=True)]
    pool.shutdown(wait=False)  # the threads end with their calls
    return WindowFetch(span, parts)


def _fetch(google: GoogleClient, week: Window) -> list[dict[str, Any]]:
    """One week's pages, on a thread of its own (with its own Google client: one per
    thread) and, should the call budget use it, its own database connection."""
    assert week.low is not None and week.high is not None
    params = {"timeMin": week.low.isoformat(), "timeMax": week.high.isoformat()}
    try:
        with budget.working(budget.Priority.INTERACTIVE):
            return list(google.event_pages("primary", showDeleted=True, **params))
    finally:
        connections.close_all()  # this thread's connections only


def window_store(*, fetch: WindowFetch, account_id: int) -> int:
    """Store the fetched window into the account's synced primary calendar, unless a full
    sync has finished; returns how many events were stored. Never raises for Google's or the
    database's failures: the full sync, queued next, brings everything."""
    calendar = Calendar.objects.filter(account_id=account_id, primary=True, sync_enabled=True)
    found = calendar.first()
    if found is None:
        return 0
    try:
        pages = fetch.pages()
        stored = _store(found, fetch.span, pages)
    except (GoogleError, DatabaseError):
        logger.warning("First window of calendar %s not stored", found.pk, exc_info=True)
        return 0
    logger.info("First window of calendar %s: %s events stored", found.pk, stored)
    return stored


def _store(calendar: Calendar, span: Window, pages: list[dict[str, Any]]) -> int:
    items = _unique(pages)
    zone = next((str(p["timeZone"]) for p in pages if p.get("timeZone")), "")
    with transaction.atomic():
        held = Calendar.objects.select_for_update(no_key=True).filter(
            pk=calendar.pk, last_synced_at__isnull=True, sync_token=""
        )
        if not list(held.values_list("pk", flat=True)):
            return 0  # a full sync came first: it holds all of this
        if zone and zone != calendar.time_zone:
            Calendar.objects.filter(pk=calendar.pk).update(time_zone=zone)
            calendar.time_zone = zone
        instances.instances_reset(calendar=calendar, span=span)
        build = instances.FullBuild(calendar)
        stored = events_upsert(calendar=calendar, items=items)
        build.page(stored)
        build.finish()
    return len(stored)


def _unique(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pages' items once each (an event or series in two weeks comes in both), the most
    recently updated when they differ."""
    found: dict[str, dict[str, Any]] = {}
    for page in pages:
        for item in page.get("items", []):
            key = str(item.get("id") or "") if isinstance(item, dict) else ""
            kept = found.get(key)
            if kept is None or str(item.get("updated", "")) > str(kept.get("updated", "")):
                found[key] = item
    return list(found.values())
