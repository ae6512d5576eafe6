"""The product's data: Google accounts with their (encrypted) tokens, calendars, the event
store, its change log, and each user's preferences."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from calendar_api import crypto
from calendar_api.google import scopes as google_scopes
from calendar_api.kits.event_fields import readable, storable


class StoredJSONField(models.JSONField):
    """JSON kept exactly as Google sent it, on every database: strings and keys are stored
    through `event_fields.storable` (U+0000 and lone surrogates escaped, which PostgreSQL or the
    drivers refuse) and read back through `readable`. The column is an ordinary JSON column, so
    migrations see a plain JSONField."""

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(storable(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return readable(super().from_db_value(value, expression, connection))

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


class GoogleAccount(models.Model):
    """A Google account connected by a user. Tokens are stored encrypted, never in clear."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RECONNECT_REQUIRED = "reconnect_required", "Reconnect required"
        # Tokens kept from a connect whose later steps failed (or whose server died): the next
        # connect reuses the refresh token, which Google sends only once. Not shown, not synced.
        CONNECTING = "connecting", "Connecting"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="google_accounts"
    )
    sub = models.CharField("Google subject id", max_length=255, unique=True)
    email = models.EmailField()
    scopes = models.JSONField(default=list)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE)
    # Why the account needs reconnecting, in words (Google's own for a refused refresh token:
    # "Token has been expired or revoked."); "" while it is active.
    reconnect_reason = models.CharField(max_length=255, blank=True, default="")
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

    def can(self, part: str) -> bool:
        """Whether the granted scopes give `part` of access (google/scopes.py: events_write,
        events_read, calendar_list, free_busy)."""
        return part in google_scopes.parts_granted(self.scopes)


def read_version_start() -> int:
    return secrets.randbits(62)


class Calendar(models.Model):
    """A calendar of a connected account (from calendarList), and its sync state."""

    account = models.ForeignKey(GoogleAccount, on_delete=models.CASCADE, related_name="calendars")
    google_id = models.CharField(max_length=1024)
    summary = models.CharField(max_length=1024, blank=True, default="")
    time_zone = models.CharField(max_length=64, default="UTC")
    access_role = models.CharField(max_length=32, default="reader")
    color = models.CharField(max_length=16, blank=True, default="")
    primary = models.BooleanField(default=False)
    # Google's dataOwner: the owner's email, given for secondary calendars only.
    data_owner = models.CharField(max_length=320, blank=True, default="")
    # Google's workingHours of a primary calendar (Workspace users; None when Google gives
    # none): analytics' working hours unless the user chose their own.
    working_hours = models.JSONField(null=True, blank=True, default=None)
    sync_enabled = models.BooleanField(default=False)
    sync_token = models.TextField(blank=True, default="")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_error = models.CharField(max_length=255, blank=True, default="")
    last_sync_error_at = models.DateTimeField(null=True, blank=True)
    sync_failures = models.PositiveIntegerField(default=0)  # in a row; reset by a good sync
    # Coordination of syncs across processes and hosts: a lease taken by compare-and-set, and
    # a flag that collapses a burst of triggers into one follow-up sync.
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    # The worker whose heartbeat keeps the lease held past sync_lease_until (services/leases).
    sync_lease_holder = models.CharField(max_length=255, blank=True, default="", db_index=True)
    sync_requested = models.BooleanField(default=False)
    # a sync is coming: its job waits in the queue, or the running sync will go once more
    sync_queued = models.BooleanField(default=False)
    sync_queued_at = models.DateTimeField(null=True, blank=True)  # a stale flag is swept
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The last sign of life (a notification, a write through the API, a sync that found
    # changes): safety polls are frequent shortly after it and rare when the calendar is idle.
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The read model (see Instance): series instances are stored for [instances_from,
    # instances_until); longest_instance bounds a window query's scan (an upper bound of
    # end - start over the calendar's instance rows, in seconds).
    instances_from = models.DateTimeField(null=True, blank=True)
    instances_until = models.DateTimeField(null=True, blank=True, db_index=True)
    longest_instance = models.BigIntegerField(default=0)
    # Bumped after every change to the calendar's events or instance rows, in the same
    # transaction: pages of windows kept per process (window_text) are keyed by it. It starts
    # at a random value, so that a calendar that takes the id of a deleted one (SQLite reuses
    # the highest id) never meets that one's kept pages.
    read_version = models.BigIntegerField(default=read_version_start)

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

    # No index of its own: every index below, and the unique constraint, start with calendar.
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="events", db_index=False
    )
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
    # Google's attendee list, reduced to what reports read, as JSON text ("" without one):
    # see event_fields.attendees_column. Written with `data`, always.
    attendees = models.TextField(blank=True, default="")
    # Google's eventType ("default", "birthday", "focusTime", "fromGmail", "outOfOffice",
    # "workingLocation"): analytics leaves the status types out, writes check it (kits/event_types).
    event_type = models.CharField(max_length=32, default="default")
    data = StoredJSONField(default=dict)

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


class Instance(models.Model):
    """One item of the calendar as Google's `singleEvents=true` list shows it: a single event,
    a changed instance (exception) or an unchanged instance of a series, with cancelled ones
    left out. Single events and exceptions always have their row; a series' unchanged instances
    have rows inside the calendar's horizon [instances_from, instances_until).

    `event` is the stored row that renders the item (the single event, the exception, or the
    series' master for an unchanged instance); `key` is the id our API shows for it."""

    # Neither foreign key has an index of its own: instance_window starts with calendar, and
    # instance_event is event's. A full sync writes tens of thousands of rows, each index more
    # costs it time.
    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="instances", db_index=False
    )
    # Rows are replaced whenever their event changes, always before the event row goes: no
    # cascade here keeps the deletion of a whole calendar's events one fast query.
    event = models.ForeignKey(Event, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    key = models.CharField(max_length=1100)
    series_id = models.CharField(max_length=1024, blank=True, default="")
    original_start = models.DateTimeField(null=True, blank=True)  # UTC; unchanged instances
    start = models.DateTimeField()
    end = models.DateTimeField()
    busy = models.BooleanField(default=True)  # counts for free/busy

    class Meta:
        ordering = ["start", "key"]
        indexes = [
            models.Index(fields=["calendar", "start", "end"], name="instance_window"),
            models.Index(fields=["calendar", "series_id"], name="instance_series"),
            models.Index(fields=["calendar", "key"], name="instance_key"),
            models.Index(fields=["event"], name="instance_event"),
        ]

    def __str__(self) -> str:
        return self.key


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


VIEWS = [
    ("", "automatic"),
    ("day", "day"),
    ("3days", "three days"),
    ("week", "week"),
    ("month", "month"),
    ("agenda", "agenda"),
]


class UserPreferences(models.Model):
    """A user's settings: the zone times are shown in, and working hours (analytics)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    time_zone = models.CharField(max_length=64, blank=True, default="")  # "" = the browser's
    work_start = models.TimeField(default=dt.time(9))
    work_end = models.TimeField(default=dt.time(17))
    work_days = models.JSONField(default=_weekdays)  # ISO weekdays from Monday=0
    # How the page draws the calendar. The week starts on a weekday (Monday=0, as work_days);
    # times read 12- or 24-hour ("" = as the browser's language writes them); the view the
    # page opens on ("" = week on a wide screen, three days on a phone).
    week_start = models.PositiveSmallIntegerField(default=0)
    time_format = models.CharField(
        max_length=2, blank=True, default="", choices=[("", "locale"), ("12", "12"), ("24", "24")]
    )
    default_view = models.CharField(max_length=16, blank=True, default="", choices=VIEWS)

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
    data = StoredJSONField(default=dict)  # the event as stored; for a sync, mode and count
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "id"], name="change_user_cursor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}".strip()


class WebhookEndpoint(models.Model):
    """A user's URL that receives signed messages about their calendars (Standard Webhooks).

    The signing secret is stored encrypted like the OAuth tokens: it must be usable to sign,
    so it cannot be hashed. After a rotation the previous secret also signs until
    `previous_secret_until`, so a receiver can switch without losing messages."""

    class EventType(models.TextChoices):
        EVENT_CREATED = "event.created"
        EVENT_UPDATED = "event.updated"
        EVENT_DELETED = "event.deleted"
        CALENDAR_SYNCED = "calendar.synced"
        RECONNECT_REQUIRED = "connection.reconnect_required"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2048)
    events = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=255, blank=True, default="")
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, default="", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    def signing_secrets(self) -> list[str]:
        """The current secret, and the previous one while it is still honoured."""
        secrets = [self.secret]
        until = self.previous_secret_until
        if self.previous_secret_encrypted and until and until > timezone.now():
            secrets.append(crypto.decrypt(self.previous_secret_encrypted))
        return secrets


class WebhookDelivery(models.Model):
    """One message to one endpoint: an outbox row, written in the transaction of the change
    that causes it and sent by the workers until the receiver answers 2xx (at least once)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=64, db_index=True)  # the `webhook-id` header
    event_type = models.CharField(max_length=64)
    change_id = models.BigIntegerField(null=True, blank=True)  # the StoreChange behind it
    body = models.TextField()  # the exact bytes that are signed and sent, on every attempt
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When pending: when the next attempt is due; during an attempt, the end of its claim.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays"
    )

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class ApiTokenDetails(models.Model):
    """What a personal API token (django-rest-knox's AuthToken, stored hashed) is for: a name
    its owner chose, a scope, and when it was last used."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read-write", "Read and write"

    token = models.OneToOneField(
        "knox.AuthToken", on_delete=models.CASCADE, primary_key=True, related_name="details"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.READ_WRITE)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    def allows(self, method: str) -> bool:
        return self.scope == self.Scope.READ_WRITE or method in ("GET", "HEAD", "OPTIONS")

    def record_use(self) -> None:
        """Record a use, at most once a minute (no write at all when this row, read with its
        token, shows a use within the minute)."""
        now = timezone.now()
        within = now - dt.timedelta(minutes=1)
        if self.last_used_at is not None and self.last_used_at >= within:
            return
        ApiTokenDetails.objects.filter(
            models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=within), pk=self.pk
        ).update(last_used_at=now)


class WorkerHeartbeat(models.Model):
    """When a worker process last ran a job (or started): the readiness probe's proof that
    jobs are being run. Recorded for every job, whatever the task and the queue backend."""

    worker = models.CharField(max_length=255, primary_key=True)  # host:pid
    beat_at = models.DateTimeField(db_index=True)
    jobs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.worker


class CalendarFeed(models.Model):
    """An ICS feed of some of a user's calendars, read without other authentication through a
    secret URL. Only the secret's SHA-256 is stored; deleting the row revokes the URL."""

    class PrivateEvents(models.TextChoices):
        """How the feed shows events whose visibility is `private` or `confidential`."""

        FULL = "full", "in full, marked CLASS:PRIVATE"
        BUSY = "busy", "as busy time only"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    name = models.CharField(max_length=255, blank=True, default="")
    calendars = models.ManyToManyField(Calendar, related_name="feeds")
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    private_events = models.CharField(
        max_length=4, choices=PrivateEvents.choices, default=PrivateEvents.FULL
    )

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
