"""Thousands of connected calendars at once, for the capacity benchmark (not a product feature).

Connecting 100,000 accounts through the OAuth flow and a first full sync each would take
hours. Instead the emulator creates the accounts with their grants and tokens in bulk
(`/__emulator__/accounts/bulk`), and this writes the rows that connecting and the first full
sync of an empty calendar leave behind, through the product's models (tokens encrypted by
`GoogleAccount`'s own setters) in bulk: the user, the account, its primary calendar with the
sync token Google gave, and a live push channel (so the scheduler polls it as the safety
net under push does). One calendar is synced in full for real first, and the others copy the
read model's fields it ended with.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import requests

CHUNK = 10_000  # accounts per call to the emulator (its limit is 20,000)
ROWS = 2_000  # rows per INSERT


def emulator_accounts(base: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    for first in range(start, start + count, CHUNK):
        body = {"count": min(CHUNK, start + count - first), "start": first, "prefix": "user"}
        answer = requests.post(f"{base}/__emulator__/accounts/bulk", json=body, timeout=600)
        answer.raise_for_status()
        made += answer.json()["accounts"]
    return made


def store_accounts(made: list[dict[str, Any]], *, synced: bool = True) -> list[int]:
    """The users, accounts, primary calendars and push channels of `made` (the emulator's
    answer); returns the calendars' ids. `synced`: as after the first full sync (with its
    sync token); otherwise as just connected, before it."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from calendar_api.conf import app_settings
    from calendar_api.models import Calendar, GoogleAccount, WatchChannel

    now = timezone.now()
    users = User.objects.bulk_create(
        [User(username=m["email"], email=m["email"]) for m in made], batch_size=ROWS
    )
    accounts = []
    for user, m in zip(users, made, strict=True):
        account = GoogleAccount(
            user=user, sub=m["sub"], email=m["email"], scopes=m["scope"].split()
        )
        account.access_token = m["access_token"]
        account.refresh_token = m["refresh_token"]
        account.access_token_expires_at = now + dt.timedelta(seconds=m["expires_in"])
        accounts.append(account)
    GoogleAccount.objects.bulk_create(accounts, batch_size=ROWS)
    gap = app_settings.SAFETY_POLL_MAX_GAP  # an idle calendar's safety poll (push live)
    calendars = [
        Calendar(
            account=account,
            google_id=m["calendarId"],
            summary=m["email"],
            access_role="owner",
            primary=True,
            sync_enabled=True,
            sync_token=m["nextSyncToken"] if synced else "",
            last_synced_at=now if synced else None,
            last_activity_at=now - dt.timedelta(days=1) if synced else None,
            # Spread over one gap, as a steady state is: N / gap polls a second.
            next_poll_at=now + dt.timedelta(seconds=random.uniform(0, gap)) if synced else now,
        )
        for account, m in zip(accounts, made, strict=True)
    ]
    Calendar.objects.bulk_create(calendars, batch_size=ROWS)
    if synced:
        ttl, margin = app_settings.WATCH_TTL, app_settings.WATCH_RENEW_MARGIN
        WatchChannel.objects.bulk_create(
            [
                WatchChannel(
                    calendar=calendar,
                    channel_id=f"bench-{calendar.pk}",
                    token_hash="0" * 64,
                    resource_id=f"bench-{calendar.pk}",
                    # none is renewed during a run; renewals are counted by the TTL instead
                    expires_at=now + dt.timedelta(seconds=random.uniform(margin + 3600, ttl)),
                )
                for calendar in calendars
            ],
            batch_size=ROWS,
        )
        read_model_as_synced([c.pk for c in calendars])
    return [c.pk for c in calendars]


def read_model_as_synced(ids: list[int]) -> None:
    """Sync the first calendar in full for real; the others take the read model's fields it
    ended with (each is as empty as it was)."""
    from calendar_api.models import Calendar
    from calendar_api.services.sync import calendar_sync

    first = Calendar.objects.get(pk=ids[0])
    first.sync_token = ""
    first.save(update_fields=["sync_token"])
    calendar_sync(calendar=first)  # ends with the emulator's sync token again
    first.refresh_from_db()
    Calendar.objects.filter(pk__in=ids[1:]).update(
        instances_from=first.instances_from,
        instances_until=first.instances_until,
        longest_instance=first.longest_instance,
    )


def connected_calendars() -> dict[int, str]:
    """Calendar id -> its owner's email, of every synced calendar."""
    from calendar_api.models import Calendar

    rows = Calendar.objects.filter(sync_enabled=True).exclude(sync_token="").order_by("pk")
    return dict(rows.values_list("pk", "account__email"))
