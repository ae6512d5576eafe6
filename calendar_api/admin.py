from __future__ import annotations

from django.contrib import admin

from calendar_api.models import Calendar, GoogleAccount


@admin.register(GoogleAccount)
class GoogleAccountAdmin(admin.ModelAdmin[GoogleAccount]):
    """Tokens are never shown: they are not editable fields, and not listed."""

    list_display = ["email", "user", "status", "connected_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["email", "user__username"]
    fields = ["user", "email", "sub", "status", "scopes", "access_token_expires_at", "connected_at"]
    readonly_fields = ["sub", "scopes", "access_token_expires_at", "connected_at"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    """Sync state per calendar: the last error stays visible until a sync succeeds."""

    list_display = [
        "__str__",
        "account",
        "sync_enabled",
        "last_synced_at",
        "last_sync_error",
        "last_sync_error_at",
        "sync_failures",
    ]
    list_filter = ["sync_enabled"]
    search_fields = ["google_id", "summary", "account__email"]
    readonly_fields = [
        "account",
        "google_id",
        "sync_token",
        "last_synced_at",
        "last_sync_error",
        "last_sync_error_at",
        "sync_failures",
        "sync_lease_until",
        "sync_queued_at",
        "next_poll_at",
    ]
    exclude = ["sync_requested", "sync_queued"]
