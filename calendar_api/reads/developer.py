"""What the Developer page shows: the user's live API tokens, ICS feeds, webhook endpoints
with their latest deliveries, and the synced calendars a new feed may hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from calendar_api.models import Calendar, CalendarFeed, WebhookDelivery, WebhookEndpoint
from calendar_api.reads.owned import calendars_of, feeds_of, webhook_endpoints_of

RECENT_DELIVERIES = 5


def live_tokens(*, user: Any) -> QuerySet[AuthToken]:
    """The user's API tokens that have not expired, with their details."""
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    tokens: QuerySet[AuthToken] = AuthToken.objects.filter(live, user=user)
    return tokens.select_related("details")


@dataclass(frozen=True)
class Endpoint:
    endpoint: WebhookEndpoint
    deliveries: list[WebhookDelivery]


@dataclass(frozen=True)
class Overview:
    tokens: list[AuthToken]
    feeds: list[CalendarFeed]
    endpoints: list[Endpoint]
    calendars: list[Calendar]


def _recent(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(endpoint.deliveries.order_by("-created_at", "-pk")[:RECENT_DELIVERIES])


def developer_overview(*, user: Any) -> Overview:
    synced = calendars_of(user=user).filter(sync_enabled=True).order_by("account_id", "-primary")
    return Overview(
        tokens=list(live_tokens(user=user).order_by("-created")),
        feeds=list(feeds_of(user=user)),
        endpoints=[Endpoint(e, _recent(e)) for e in webhook_endpoints_of(user=user)],
        calendars=list(synced),
    )
