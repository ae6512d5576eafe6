"""Push notifications: open, renew and stop events.watch channels; receive notifications.

Google sends a POST with X-Goog-* headers to the webhook on every change (`sync` first);
notifications are not guaranteed, so polling stays as the safety net. Channels expire and are
not renewed by Google: we open a new one before expiry and then stop the old one.
https://developers.google.com/calendar/api/guides/push
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import uuid
from enum import Enum

from django.urls import reverse
from django.utils import timezone

from calendar_api import jobs
from calendar_api.conf import app_settings
from calendar_api.google.config import is_loopback, load_config
from calendar_api.google.errors import GoogleError
from calendar_api.models import Calendar, GoogleAccount, WatchChannel
from calendar_api.services.sync import sync_request
from calendar_api.services.tokens import google_for

logger = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def webhook_address() -> str | None:
    """Where Google should POST, or None when push cannot work with this configuration."""
    address = str(app_settings.PUBLIC_BASE_URL).rstrip("/") + reverse("calendar_push:notifications")
    if not app_settings.PUSH_NOTIFICATIONS:
        return None
    if address.startswith("https://"):
        return address
    # Plain http only between the loopback emulator and a loopback server.
    return address if load_config().emulator and is_loopback(address) else None


def watch_start(*, calendar: Calendar) -> WatchChannel | None:
    address = webhook_address()
    if address is None or calendar.account.status != GoogleAccount.Status.ACTIVE:
        return None
    token = secrets.token_urlsafe(32)  # a random secret, no OAuth token inside
    # The row exists (committed) before Google is asked: Google's first message ("sync") may
    # arrive before events.watch has even answered.
    channel = WatchChannel.objects.create(
        calendar=calendar,
        channel_id=uuid.uuid4().hex,
        token_hash=_hash(token),
        expires_at=timezone.now() + dt.timedelta(seconds=app_settings.WATCH_TTL),
    )
    body = {
        "id": channel.channel_id,
        "type": "web_hook",
        "address": address,
        "token": token,
        "params": {"ttl": str(app_settings.WATCH_TTL)},
    }
    try:
        with google_for(calendar.account) as google:
            answer = google.watch_events(calendar.google_id, body)
    except GoogleError:
        channel.delete()
        raise
    expires_ms = int(answer.get("expiration") or 0)
    if expires_ms:
        channel.expires_at = dt.datetime.fromtimestamp(expires_ms / 1000, dt.UTC)
    channel.resource_id = str(answer.get("resourceId") or "")
    channel.save(update_fields=["expires_at", "resource_id"])
    return channel


def watch_stop(*, channel: WatchChannel) -> None:
    """Stop at Google (best effort) and locally (always)."""
    account = channel.calendar.account
    if account.status == GoogleAccount.Status.ACTIVE and channel.resource_id:
        try:
            with google_for(account) as google:
                google.stop_channel(channel.channel_id, channel.resource_id)
        except GoogleError as exc:
            logger.info("Could not stop channel %s at Google: %s", channel.pk, exc.code)
    WatchChannel.objects.filter(pk=channel.pk).update(stopped_at=timezone.now())


def channels_stop_all(*, account: GoogleAccount) -> None:
    for channel in WatchChannel.objects.filter(calendar__account=account, stopped_at=None):
        watch_stop(channel=channel)


def watch_renew(*, calendar: Calendar) -> WatchChannel | None:
    """Open a new channel first (overlap), then stop the old ones. A channel that is good for
    longer than WATCH_RENEW_MARGIN is kept as it is."""
    margin = timezone.now() + dt.timedelta(seconds=app_settings.WATCH_RENEW_MARGIN)
    old = list(WatchChannel.objects.filter(calendar=calendar, stopped_at=None))
    fresh = [c for c in old if c.expires_at > margin and c.resource_id]
    if fresh:
        return fresh[0]
    new = watch_start(calendar=calendar)
    if new is not None:
        for channel in old:
            watch_stop(channel=channel)
    return new


def watch_request(*, calendar_id: int) -> None:
    jobs.renew_watch(calendar_id=calendar_id)


MAX_MESSAGE_NUMBER = 2**63 - 1
# Message numbers "increase for each subsequent message on the channel, but they are not
# sequential" (Google's push guide, developers.google.com/calendar/api/guides/push), so no step
# is impossible; but one that moves the channel's mark far ahead would make every later genuine
# notification look like a replay (pentest issue 19, for whoever holds the channel token). A
# number more than this ahead of the mark is not trusted to move it: its sync is still queued
# (nothing Google sends is lost) and the mark stays, so the next genuine number is still fresh.
# Where Google's numbers jump further than this, such messages are only deduplicated by the
# sync's spacing (SYNC_MIN_INTERVAL), which costs at most one extra sync.
MAX_MESSAGE_STEP = 1_000_000


class Notification(Enum):
    ACCEPTED = "accepted"  # a change: one incremental sync is queued
    SYNC = "sync"  # the channel's first message
    STALE = "stale"  # replayed, out of order, or for a stopped channel
    FORGED = "forged"  # unknown channel or wrong token
    IMPLAUSIBLE = "implausible"  # a number too far ahead: its sync is queued, the mark stays


def notification_receive(
    *, channel_id: str, token: str, message_number: int, resource_state: str
) -> Notification:
    if "\x00" in channel_id:
        return Notification.FORGED
    channel = WatchChannel.objects.filter(channel_id=channel_id[:64]).first()
    if channel is None or not hmac.compare_digest(channel.token_hash, _hash(token)):
        return Notification.FORGED
    if channel.stopped_at is not None:
        return Notification.STALE
    if message_number > channel.last_message_number + MAX_MESSAGE_STEP:
        _sync_soon(channel)
        return Notification.IMPLAUSIBLE
    # Message numbers increase per channel: accept each number once, in order.
    fresh = WatchChannel.objects.filter(
        pk=channel.pk, last_message_number__lt=message_number
    ).update(last_message_number=message_number)
    if not fresh:
        return Notification.STALE
    if resource_state == "sync":
        return Notification.SYNC
    _sync_soon(channel)
    return Notification.ACCEPTED


def _sync_soon(channel: WatchChannel) -> None:
    Calendar.objects.filter(pk=channel.calendar_id).update(last_activity_at=timezone.now())
    sync_request(calendar_id=channel.calendar_id, spaced=True, priority="push")
