"""What a user chooses about a calendar: whether it is synced."""

from __future__ import annotations

from django.db import transaction

from calendar_api.models import Calendar, Event, WatchChannel
from calendar_api.services.sync import sync_request
from calendar_api.services.watches import watch_request, watch_stop


def calendar_update(*, calendar: Calendar, sync_enabled: bool) -> Calendar:
    """Turning sync on queues a full sync and a push channel; turning it off stops the channels
    and forgets the stored events and sync token (a later sync starts afresh)."""
    if sync_enabled == calendar.sync_enabled:
        return calendar
    if sync_enabled:
        with transaction.atomic():
            Calendar.objects.filter(pk=calendar.pk).update(sync_enabled=True)
            sync_request(calendar_id=calendar.pk)
            watch_request(calendar_id=calendar.pk)
    else:
        for channel in WatchChannel.objects.filter(calendar=calendar, stopped_at=None):
            watch_stop(channel=channel)
        with transaction.atomic():
            Calendar.objects.filter(pk=calendar.pk).update(
                sync_enabled=False, sync_token="", last_synced_at=None
            )
            Event.objects.filter(calendar=calendar).delete()
    calendar.refresh_from_db()
    return calendar
