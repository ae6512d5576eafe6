"""Serializers: output shapes of the API (input validation lives beside each endpoint)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from rest_framework import serializers

from calendar_api.models import Calendar, GoogleAccount


class ConnectionSerializer(serializers.ModelSerializer[GoogleAccount]):
    """A connected Google account. Tokens are never part of it."""

    last_synced_at = serializers.DateTimeField(read_only=True, allow_null=True)
    push = serializers.SerializerMethodField()

    class Meta:
        model = GoogleAccount
        fields = ["id", "email", "status", "scopes", "connected_at", "last_synced_at", "push"]
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
            "sync_enabled",
            "last_synced_at",
            "last_sync_error",
            "last_sync_error_at",
            "sync_failures",
            "account",
            "account_id",
        ]
        read_only_fields = fields


def _shifted(value: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    moment = value.get("dateTime")
    if not isinstance(moment, str):
        return value
    try:
        parsed = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        return value
    return {**value, "dateTime": parsed.astimezone(tz).isoformat()}


def event_in_zone(data: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Google's Event as stored, with every `dateTime` shown in `tz` (the same instant, as
    Google's own `timeZone` parameter does); each edge keeps its own `timeZone` field."""
    shown = dict(data)
    for key in ("start", "end", "originalStartTime"):
        value = data.get(key)
        if isinstance(value, dict):
            shown[key] = _shifted(value, tz)
    return shown


def events_in_zone(items: list[dict[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    return [event_in_zone(item, tz) for item in items]
