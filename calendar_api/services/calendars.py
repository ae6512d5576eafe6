"""The account's calendars, from Google's calendarList."""

from __future__ import annotations

from django.db import transaction

from calendar_api.google import client
from calendar_api.models import Calendar, GoogleAccount
from calendar_api.services.accounts import call_google


def calendars_refresh(*, account: GoogleAccount) -> list[Calendar]:
    """Record every calendar in the account's calendarList; the primary is synced by default."""
    entries = call_google(
        account=account, call=lambda token: list(client.iter_calendar_list(token))
    )
    seen = []
    with transaction.atomic():
        for entry in entries:
            calendar, created = Calendar.objects.update_or_create(
                account=account,
                google_id=str(entry["id"]),
                defaults={
                    "summary": str(entry.get("summaryOverride") or entry.get("summary") or ""),
                    "time_zone": str(entry.get("timeZone") or "UTC"),
                    "access_role": str(entry.get("accessRole") or "reader"),
                    "color": str(entry.get("backgroundColor") or ""),
                    "primary": bool(entry.get("primary")),
                },
            )
            if created and calendar.primary:
                Calendar.objects.filter(pk=calendar.pk).update(sync_enabled=True)
                calendar.sync_enabled = True
            seen.append(calendar)
        Calendar.objects.filter(account=account).exclude(pk__in=[c.pk for c in seen]).delete()
    return seen
