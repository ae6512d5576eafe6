"""Serializers: output shapes of the API's accounts and calendars (input validation lives
beside each endpoint; an event's shape, for every output, in kits/event_shape.py)."""

from __future__ import annotations

from rest_framework import serializers

from calendar_api.models import Calendar, GoogleAccount


class ConnectionSerializer(serializers.ModelSerializer[GoogleAccount]):
    """A connected Google account. Tokens are never part of it."""

    last_synced_at = serializers.DateTimeField(read_only=True, allow_null=True)
    push = serializers.SerializerMethodField()

    class Meta:
        model = GoogleAccount
        fields = [
            "id",
            "email",
            "status",
            "reconnect_reason",
            "scopes",
            "connected_at",
            "last_synced_at",
            "push",
        ]
        read_only_fields = fields

    def get_push(self, account: GoogleAccount) -> str:
        return "live" if getattr(account, "live_channels", 0) else "polling"


# -- calendars, events and free/busy -------------------------------------------------------


class CalendarSerializer(serializers.ModelSerializer[Calendar]):
    """A calendar of one of the user's connected accounts (from Google's calendarList)."""

    id = serializers.CharField(source="google_id", read_only=True)
    account = serializers.EmailField(source="account.email", read_only=True)
    account_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Calendar
        fields = [
            "id",
            "summary",
            "time_zone",
            "access_role",
            "color",
            "primary",
            "data_owner",
            "working_hours",
            "sync_enabled",
            "last_synced_at",
            "last_sync_error",
            "last_sync_error_at",
            "sync_failures",
            "account",
            "account_id",
        ]
        read_only_fields = fields
