"""Read queries used by views: every one filtered by owner."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from calendar_api.models import Calendar, Event, GoogleAccount


def accounts_of(*, user: Any) -> QuerySet[GoogleAccount]:
    return GoogleAccount.objects.filter(user=user).annotate(
        last_synced_at=Max("calendars__last_synced_at"),
        live_channels=Count(
            "calendars__channels",
            filter=Q(
                calendars__channels__stopped_at=None,
                calendars__channels__expires_at__gt=timezone.now(),
            ),
        ),
    )


def calendars_of(*, user: Any) -> QuerySet[Calendar]:
    return Calendar.objects.filter(account__user=user).select_related("account")


def stored_events(*, calendar: Calendar) -> list[dict[str, Any]]:
    """The events of a calendar as Google sent them, without cancelled ones, by start."""
    rows = (
        Event.objects.filter(calendar=calendar)
        .exclude(status="cancelled")
        .order_by("start", "google_id")
    )
    return [row["data"] for row in rows.values("data")]
