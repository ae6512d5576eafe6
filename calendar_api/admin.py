"""Admin pages for operators: accounts, calendars, push channels and worker heartbeats.

Tokens are never shown. What sync owns (sync tokens, leases, channel ids and tokens, Google's
ids) is read-only: editing it by hand would break sync, not fix it. Fixes go through actions
that call the same services the product uses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from calendar_api.google import scopes
from calendar_api.models import Calendar, GoogleAccount, WatchChannel, WorkerHeartbeat
from calendar_api.services.sync import account_sync_request, sync_request


class CalendarInline(admin.TabularInline[Calendar, GoogleAccount]):
    model = Calendar
    fields = ("summary", "primary", "sync_enabled", "last_synced_at", "last_sync_error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


MISSING_WORDS = {
    scopes.EVENTS_WRITE: "writing events (read-only)",
    scopes.EVENTS_READ: "events (free/busy only)",
    scopes.CALENDAR_LIST: "calendar list (primary only)",
    scopes.FREE_BUSY: "Google free/busy",
}


@admin.register(GoogleAccount)
class GoogleAccountAdmin(admin.ModelAdmin[GoogleAccount]):
    """Tokens are never shown: they are not editable fields, and not listed."""

    list_display = [
        "email",
        "user",
        "status",
        "access",
        "last_error",
        "last_synced",
        "connected_at",
    ]
    list_filter = ["status"]
    search_fields = ["email", "user__username"]
    fields = [
        "user",
        "email",
        "sub",
        "status",
        "reconnect_reason",
        "access",
        "scopes",
        "access_token_expires_at",
        "connected_at",
    ]
    readonly_fields = [
        "user",
        "sub",
        "reconnect_reason",
        "access",
        "scopes",
        "access_token_expires_at",
        "connected_at",
    ]
    inlines = [CalendarInline]
    actions = ["sync_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[GoogleAccount]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(
                synced_at=Max("calendars__last_synced_at"),
                errors=Count("calendars", filter=~Q(calendars__last_sync_error="")),
            )
        )

    @admin.display(description="access")
    def access(self, account: GoogleAccount) -> str:
        """What the grant allows, and what it lacks of what was asked (granular consent)."""
        missing = scopes.parts_missing(account.scopes)
        if not missing:
            return "everything asked for"
        return "missing: " + ", ".join(MISSING_WORDS[part] for part in missing)

    @admin.display(description="last sync")
    def last_synced(self, account: Any) -> Any:
        return account.synced_at

    @admin.display(description="last error")
    def last_error(self, account: GoogleAccount) -> str:
        failing = account.calendars.exclude(last_sync_error="").values_list(
            "last_sync_error", flat=True
        )
        return ", ".join(sorted(set(failing))) or "-"

    @admin.action(description="Sync now")
    def sync_now(self, request: HttpRequest, queryset: QuerySet[GoogleAccount]) -> None:
        queued = 0
        for account in queryset.filter(status=GoogleAccount.Status.ACTIVE):
            queued += len(account_sync_request(account=account))
        self.message_user(request, f"{queued} calendar sync(s) queued.", messages.SUCCESS)


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    list_display = [
        "__str__",
        "account",
        "primary",
        "sync_enabled",
        "last_synced_at",
        "last_sync_error",
        "sync_failures",
        "channel_expires",
        "event_count",
    ]
    list_filter = ["sync_enabled", "primary", "account__status"]
    search_fields = ["summary", "google_id", "account__email"]
    list_select_related = ["account"]
    fields = (
        "account",
        "google_id",
        "summary",
        "time_zone",
        "access_role",
        "primary",
        "sync_enabled",
        "last_synced_at",
        "last_sync_error",
        "last_sync_error_at",
        "sync_failures",
        "next_poll_at",
        "sync_lease_until",
        "sync_queued_at",
    )
    readonly_fields = tuple(f for f in fields if f != "sync_enabled")
    actions = ["sync_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Calendar]:
        now = timezone.now()
        live = Q(channels__stopped_at__isnull=True, channels__expires_at__gt=now)
        return (
            super()
            .get_queryset(request)
            .annotate(
                events_stored=Count("events", distinct=True),
                channel_until=Max("channels__expires_at", filter=live),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # calendars come from Google's calendarList

    @admin.display(description="events", ordering="events_stored")
    def event_count(self, calendar: Any) -> int:
        return int(calendar.events_stored)

    @admin.display(description="push channel until", ordering="channel_until")
    def channel_expires(self, calendar: Any) -> Any:
        return calendar.channel_until or "-"

    @admin.action(description="Sync now")
    def sync_now(self, request: HttpRequest, queryset: QuerySet[Calendar]) -> None:
        for calendar_id in queryset.values_list("pk", flat=True):
            sync_request(calendar_id=calendar_id, priority="interactive")
        self.message_user(request, f"{queryset.count()} sync(s) queued.", messages.SUCCESS)


@admin.register(WatchChannel)
class WatchChannelAdmin(admin.ModelAdmin[WatchChannel]):
    """Channels are opened, renewed and stopped by the product; here they are only read."""

    list_display = ["channel_id", "calendar", "expires_at", "stopped_at", "last_message_number"]
    list_filter = [("stopped_at", admin.EmptyFieldListFilter)]
    search_fields = ["channel_id", "calendar__google_id", "calendar__account__email"]
    list_select_related = ["calendar"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = ["worker", "beat_at", "jobs"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
