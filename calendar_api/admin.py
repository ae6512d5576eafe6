from __future__ import annotations

from django.contrib import admin

from calendar_api.models import GoogleAccount


@admin.register(GoogleAccount)
class GoogleAccountAdmin(admin.ModelAdmin[GoogleAccount]):
    """Tokens are never shown: they are not editable fields, and not listed."""

    list_display = ["email", "user", "status", "connected_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["email", "user__username"]
    fields = ["user", "email", "sub", "status", "scopes", "access_token_expires_at", "connected_at"]
    readonly_fields = ["sub", "scopes", "access_token_expires_at", "connected_at"]
