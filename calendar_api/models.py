"""The product's data: Google accounts with their (encrypted) tokens, calendars, the event
store, its change log, and each user's preferences."""

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
    paused_until = models.DateTimeField(null=True, blank=True)  # after 403 quotaExceeded
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


class Calendar(models.Model):
    """A calendar of a connected account (from calendarList), and its sync state."""

    account = models.ForeignKey(GoogleAccount, on_delete=models.CASCADE, related_name="calendars")
    google_id = models.CharField(max_length=1024)
    summary = models.CharField(max_length=1024, blank=True, default="")
    time_zone = models.CharField(max_length=64, default="UTC")
    access_role = models.CharField(max_length=32, default="reader")
    color = models.CharField(max_length=16, blank=True, default="")
    primary = models.BooleanField(default=False)
    sync_enabled = models.BooleanField(default=False)
    sync_token = models.TextField(blank=True, default="")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_error = models.CharField(max_length=255, blank=True, default="")
    # Coordination of syncs across processes and hosts: a lease taken by compare-and-set, and
    # a flag that collapses a burst of triggers into one follow-up sync.
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    sync_requested = models.BooleanField(default=False)
    sync_queued = models.BooleanField(default=False)  # a sync job is waiting in the queue
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-primary", "summary"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "google_id"], name="calendar_unique_per_account"
            )
        ]

    def __str__(self) -> str:
        return self.summary or self.google_id


class Event(models.Model):
    """An event as Google last sent it (`data`), plus indexed columns for queries."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    google_id = models.CharField(max_length=1024)
    status = models.CharField(max_length=16, default="confirmed")
    summary = models.TextField(blank=True, default="")
    start = models.DateTimeField(null=True, blank=True)  # UTC; all-day: midnight UTC of the date
    end = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, default="")
    all_day = models.BooleanField(default=False)
    recurring_event_id = models.CharField(max_length=1024, blank=True, default="")
    is_recurring = models.BooleanField(default=False)
    updated = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=128, blank=True, default="")
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["start", "google_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "google_id"], name="event_unique_per_calendar"
            )
        ]
        indexes = [
            models.Index(fields=["calendar", "start"], name="event_calendar_start"),
            models.Index(fields=["calendar", "end"], name="event_calendar_end"),
            models.Index(fields=["calendar", "updated"], name="event_calendar_updated"),
            models.Index(fields=["calendar", "recurring_event_id"], name="event_calendar_series"),
        ]

    def __str__(self) -> str:
        return self.summary or self.google_id


class WatchChannel(models.Model):
    """A push-notification channel opened with events.watch. The token is kept hashed."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="channels")
    channel_id = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=255, blank=True, default="")
    expires_at = models.DateTimeField()
    last_message_number = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.channel_id

    def is_live(self) -> bool:
        return self.stopped_at is None and self.expires_at > timezone.now()


class ScheduleSlot(models.Model):
    """When a periodic job last ran: claimed by compare-and-set, so with many workers each
    slot runs once."""

    name = models.CharField(max_length=64, unique=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


def _weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class UserPreferences(models.Model):
    """A user's settings: the zone times are shown in, and working hours (analytics)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    time_zone = models.CharField(max_length=64, blank=True, default="")  # "" = the browser's
    work_start = models.TimeField(default=dt.time(9))
    work_end = models.TimeField(default=dt.time(17))
    work_days = models.JSONField(default=_weekdays)  # ISO weekdays from Monday=0

    class Meta:
        verbose_name_plural = "user preferences"

    def __str__(self) -> str:
        return f"preferences of {self.user}"


class StoreChange(models.Model):
    """The store's change log: one row per event created, changed or deleted in the store (by
    sync or by a write through the API), and one per finished sync. Written in the same
    transaction as the change, so whatever reads it (live updates, outgoing webhooks) misses
    nothing and sees nothing that was rolled back. The id is the readers' cursor."""

    class Kind(models.TextChoices):
        EVENT_CREATED = "event.created"
        EVENT_UPDATED = "event.updated"
        EVENT_DELETED = "event.deleted"
        CALENDAR_SYNCED = "calendar.synced"

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    event_id = models.CharField(max_length=1024, blank=True, default="")  # Google's event id
    data = models.JSONField(default=dict)  # the event as stored; for a sync, mode and count
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "id"], name="change_user_cursor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}".strip()


class CalendarFeed(models.Model):
    """An ICS feed of some of a user's calendars, read without other authentication through a
    secret URL. Only the secret's SHA-256 is stored; deleting the row revokes the URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    name = models.CharField(max_length=255, blank=True, default="")
    calendars = models.ManyToManyField(Calendar, related_name="feeds")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or f"feed {self.pk}"


class IcsFragment(models.Model):
    """One stored event rendered as an iCalendar VEVENT, kept for the ICS feeds: rebuilt only
    when `digest` (what it was made from) changes. Deleted with its event."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="ics_fragment"
    )
    digest = models.CharField(max_length=64)
    text = models.TextField()
    tzids = models.CharField(max_length=1024, blank=True, default="")  # comma-separated
    key = models.CharField(max_length=2048)  # UID|RECURRENCE-ID

    def __str__(self) -> str:
        return self.key
