"""Show the sync state of every calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from calendar_api.models import Calendar


class Command(BaseCommand):
    help = "Show, per calendar, the account status, last sync, push channel and event count."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        calendars = (
            Calendar.objects.select_related("account")
            .annotate(events_count=Count("events"))
            .order_by("account__email", "-primary", "summary")
        )
        self.stdout.write(
            f"{'account':<28} {'calendar':<28} {'status':<19} {'synced':<8} "
            f"{'last sync':<20} {'push':<20} {'events':>7}  error"
        )
        for calendar in calendars:
            channel = calendar.channels.filter(stopped_at=None, expires_at__gt=now).first()
            push = f"until {channel.expires_at:%Y-%m-%d %H:%M}" if channel else "polling"
            last = (
                f"{calendar.last_synced_at:%Y-%m-%d %H:%M:%S}"
                if calendar.last_synced_at
                else "never"
            )
            self.stdout.write(
                f"{calendar.account.email[:28]:<28} {str(calendar)[:28]:<28} "
                f"{calendar.account.status:<19} {'yes' if calendar.sync_enabled else 'no':<8} "
                f"{last:<20} {push:<20} {calendar.events_count:>7}  {calendar.last_sync_error}"
            )
