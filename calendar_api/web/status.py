"""What the page says about each connected account's sync, in data its script puts in words.

The accounts panel shows "Synced just now", "Syncing… 1,200 events so far" or "Not synced
yet"; the script reads this from `GET /web/status/` whenever the live stream reports a change
(a finished sync writes one) and while a first sync runs, so the words follow without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from calendar_api.models import Calendar
from calendar_api.reads.owned import accounts_of, calendars_of
from calendar_api.web.window import Shown, shown_calendars


@dataclass(frozen=True)
class Row:
    """One calendar in the page's one list: shown (synced, with its colour) or not."""

    calendar: Calendar
    shown: Shown | None


def account_rows(*, user: Any) -> dict[int, list[Row]]:
    """Each account's calendars (primary first), with the colour of those that are synced."""
    shown = {s.calendar.pk: s for s in shown_calendars(user=user)}
    rows: dict[int, list[Row]] = {}
    for calendar in calendars_of(user=user).order_by("account_id", "-primary", "summary", "pk"):
        rows.setdefault(calendar.account_id, []).append(Row(calendar, shown.get(calendar.pk)))
    return rows


def sync_status(*, user: Any) -> dict[str, Any]:
    """Per account: when its calendars last finished a sync, whether a first sync is still
    running (and how many events it has stored so far), whether Google pushes changes."""
    first = Q(calendars__sync_enabled=True, calendars__last_synced_at=None)
    accounts: Any = accounts_of(user=user).annotate(
        first_syncs=Count("calendars", filter=first, distinct=True),
    )
    stored = dict(
        calendars_of(user=user)
        .filter(sync_enabled=True)
        .values_list("account_id")
        .annotate(n=Count("events"))
    )
    return {
        "accounts": [
            {
                "id": a.pk,
                "email": a.email,
                "active": a.status == a.Status.ACTIVE,
                "last_synced_at": a.last_synced_at.isoformat() if a.last_synced_at else None,
                "syncing": a.first_syncs > 0,
                "events": stored.get(a.pk, 0),
                "live": bool(a.live_channels),
            }
            for a in accounts
        ]
    }
