"""Sync speed: a full sync of a 20,000-event calendar and an incremental sync after a change.

Baseline, measured in the same run: paging the same events out of the emulator with the same
client and no store at all. The ratio says what storing costs on top of fetching.
Run: `make bench` (or `python bench/bench_sync.py [COUNT]`).
"""

from __future__ import annotations

import datetime as dt
import sys
import tracemalloc

from _setup import best_of, django_with_emulator

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def main() -> None:
    server = django_with_emulator()
    from django.contrib.auth import get_user_model

    from calendar_api.google import client
    from calendar_api.models import Calendar, Event, GoogleAccount
    from calendar_api.services.sync import calendar_sync
    from google_emulator.testing import control, service, tokens

    control(server.base_url, "generate", {"email": "alice@example.com", "count": COUNT})
    issued = tokens(server.base_url, "alice@example.com")
    user = get_user_model().objects.create(username="bench")
    account = GoogleAccount(
        user=user, sub="bench", email="alice@example.com", scopes=issued["scope"].split()
    )
    account.access_token, account.refresh_token = issued["access_token"], issued["refresh_token"]
    account.access_token_expires_at = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)  # no refresh
    account.save()
    calendar = Calendar.objects.create(
        account=account,
        google_id="alice@example.com",
        time_zone="Europe/London",
        primary=True,
        sync_enabled=True,
    )

    def fetch_only() -> None:
        google = client.GoogleClient(client.FixedToken(account.access_token))
        for _page in google.event_pages("alice@example.com", showDeleted=True):
            pass

    def full_sync() -> None:
        Calendar.objects.filter(pk=calendar.pk).update(sync_token="")
        calendar_sync(calendar=calendar)

    baseline = best_of(3, fetch_only)
    full = best_of(3, full_sync)
    tracemalloc.start()  # measured apart: tracing slows everything down
    full_sync()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stored = Event.objects.filter(calendar=calendar).count()

    gcal = service(server.base_url, "alice@example.com")
    event_id = Event.objects.filter(calendar=calendar, is_recurring=False).values_list(
        "google_id", flat=True
    )[0]

    def one_change() -> None:
        gcal.events().patch(
            calendarId="primary", eventId=event_id, body={"summary": "changed"}
        ).execute()
        calendar_sync(calendar=calendar)

    incremental = best_of(5, one_change)
    server.stop()
    print(f"events stored:                  {stored}")
    print(f"fetch only (baseline):          {baseline:.2f} s  ({stored / baseline:,.0f} events/s)")
    print(f"full sync (fetch + store):      {full:.2f} s  ({stored / full:,.0f} events/s)")
    print(f"full sync / baseline:           {full / baseline:.2f}x")
    print(f"peak Python memory, full sync:  {peak / 2**20:.1f} MiB (one page of 2,500 at a time)")
    print(
        f"incremental sync of 1 change:   {incremental * 1000:.0f} ms (incl. the change at Google)"
    )


if __name__ == "__main__":
    main()
