"""Serializers: output shapes of the API's accounts and calendars (input validation lives
beside each endpoint; an event's shape, for every output, in kits/event_shape.py)."""

from __future__ import annotations

from typing import TypedDict

from rest_framework import serializers

from calendar_api.google import scopes
from calendar_api.models import Calendar, GoogleAccount


class AccessShape(TypedDict):
    events: str
    calendar_list: bool
    free_busy: bool


class MissingShape(TypedDict):
    access: str
    scope: str


class ConnectionSerializer(serializers.ModelSerializer[GoogleAccount]):
    """A connected Google account. Tokens are never part of it."""

    last_synced_at = serializers.DateTimeField(read_only=True, allow_null=True)
    push = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()

    class Meta:
        model = GoogleAccount
        fields = [
            "id",
            "email",
            "status",
            "reconnect_reason",
            "scopes",
            "access",
            "missing",
            "connected_at",
            "last_synced_at",
            "push",
        ]
        read_only_fields = fields

    def get_push(self, account: GoogleAccount) -> str:
        return "live" if getattr(account, "live_channels", 0) else "polling"

    def get_access(self, account: GoogleAccount) -> AccessShape:
        """What the grant allows: events "read_write", "read_only" or "none" (free/busy
        only); the calendar list (false: the primary calendar only); Google's free/busy."""
        parts = scopes.parts_granted(account.scopes)
        events = "read_only" if scopes.EVENTS_READ in parts else "none"
        return {
            "events": "read_write" if scopes.EVENTS_WRITE in parts else events,
            "calendar_list": scopes.CALENDAR_LIST in parts,
            "free_busy": scopes.FREE_BUSY in parts,
        }

    def get_missing(self, account: GoogleAccount) -> list[MissingShape]:
        """Each part the app asks for (GOOGLE_CALENDAR['SCOPES']) that was not granted, with the
        scope to grant; `/rest/v1/calendar/init/?grant=<part>` asks for it."""
        return [
            {"access": part, "scope": scopes.ASK_FOR[part]}
            for part in scopes.parts_missing(account.scopes)
        ]


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
