"""The product's data: Google accounts with their (encrypted) tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from calendar_api import crypto


class GoogleAccount(models.Model):
    """A Google account connected by a user. Tokens are stored encrypted, never in clear."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RECONNECT_REQUIRED = "reconnect_required", "Reconnect required"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="google_accounts"
    )
    sub = models.CharField("Google subject id", max_length=255, unique=True)
    email = models.EmailField()
    scopes = models.JSONField(default=list)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE)
    access_token_encrypted = models.TextField(blank=True, default="", editable=False)
    refresh_token_encrypted = models.TextField(blank=True, default="", editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def __repr__(self) -> str:
        return f"<GoogleAccount {self.pk}: {self.email} ({self.status})>"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted) if self.access_token_encrypted else ""

    @access_token.setter
    def access_token(self, value: str) -> None:
        self.access_token_encrypted = crypto.encrypt(value) if value else ""

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = crypto.encrypt(value) if value else ""

    def is_expired(self, leeway: dt.timedelta = dt.timedelta(seconds=60)) -> bool:
        expires = self.access_token_expires_at
        return expires is None or expires - leeway <= timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
