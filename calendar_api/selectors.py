"""Read queries used by views: every one filtered by owner."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from calendar_api.models import (
    Calendar,
    CalendarFeed,
    Event,
    GoogleAccount,
    StoreChange,
    WebhookDelivery,
    WebhookEndpoint,
)
from calendar_api.services.event_fields import storable_text


def accounts_of(*, user: Any) -> QuerySet[GoogleAccount]:
    """The user's connected accounts (not those whose connect has not finished)."""
    connected = GoogleAccount.objects.filter(user=user)
    return connected.exclude(status=GoogleAccount.Status.CONNECTING).annotate(
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


def feeds_of(*, user: Any) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user=user).prefetch_related("calendars")


def stored_events(*, calendar: Calendar) -> list[dict[str, Any]]:
    """The events of a calendar as Google sent them, without cancelled ones, by start."""
    rows = (
        Event.objects.filter(calendar=calendar)
        .exclude(status="cancelled")
        .order_by("start", "google_id")
    )
    return [row["data"] for row in rows.values("data")]


def calendar_of(*, user: Any, calendar_id: str, account: str | None = None) -> Calendar:
    """One of the user's calendars by Google id, or 404. `primary` names the primary calendar
    of the user's first connected account (the earliest connection), or, with `account` (an
    e-mail address), that account's primary calendar."""
    # Without the account's columns: most requests that name a calendar only read the store,
    # and building the join cost a tenth of a kept page's request; a write loads it once.
    calendars = (
        calendars_of(user=user).select_related(None).order_by("account__connected_at", "account_id")
    )
    if account:
        calendars = calendars.filter(account__email__iexact=storable_text(account)[:320])
    calendar_id = storable_text(calendar_id)  # a NUL in the URL must not reach PostgreSQL
    if calendar_id == "primary":
        found = calendars.filter(primary=True).first()
    else:
        found = calendars.filter(google_id=calendar_id).first()
    if found is None:
        raise Http404("No such calendar.")
    return found


def event_row(*, calendar: Calendar, event_id: str) -> Event | None:
    return Event.objects.filter(calendar=calendar, google_id=storable_text(event_id)).first()


def series_rows(*, calendar: Calendar, series_ids: Any) -> list[Event]:
    """The exceptions (changed or cancelled instances) of the given series."""
    return list(Event.objects.filter(calendar=calendar, recurring_event_id__in=series_ids))


def changes_after(*, user: Any, after_id: int, limit: int = 500) -> list[StoreChange]:
    """The user's store changes after the cursor `after_id`, oldest first."""
    rows = StoreChange.objects.filter(user=user, id__gt=after_id).select_related("calendar")
    return list(rows.order_by("id")[:limit])


def change_cursor(*, user: Any) -> int:
    """The id of the user's latest store change (0 for none): where a live stream starts."""
    latest = StoreChange.objects.filter(user=user).order_by("-id").values_list("id", flat=True)
    return int(latest.first() or 0)


def webhook_endpoints_of(*, user: Any) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(user=user).order_by("created_at", "pk")


def webhook_endpoint_of(*, user: Any, endpoint_id: int) -> WebhookEndpoint:
    found = webhook_endpoints_of(user=user).filter(pk=endpoint_id).first()
    if found is None:
        raise Http404("No such webhook endpoint.")
    return found


def webhook_delivery_of(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    found = endpoint.deliveries.filter(pk=delivery_id).first()
    if found is None:
        raise Http404("No such delivery.")
    return found
