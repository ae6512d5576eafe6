"""Serializers: output shapes of the API (input validation lives beside each endpoint)."""

from __future__ import annotations

from rest_framework import serializers

from calendar_api.models import GoogleAccount


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
