"""The account's calendars, from Google's calendarList, and which of them are synced."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from calendar_api.adapter import get_adapter
from calendar_api.google import scopes
from calendar_api.google.client import GoogleClient
from calendar_api.google.errors import GoogleForbidden, GoogleNotFound, ScopeMissing
from calendar_api.models import Calendar, GoogleAccount, WatchChannel
from calendar_api.services.event_rows import events_wipe
from calendar_api.services.instances import instances_drop
from calendar_api.services.sync import sync_request
from calendar_api.services.tokens import google_for
from calendar_api.services.watches import watch_request, watch_stop


def calendars_refresh(*, account: GoogleAccount) -> list[Calendar]:
    """Record every calendar in the account's calendarList (with its `dataOwner`), and the
    primary calendar's `workingHours`; those the adapter chooses (the primary by default)
    start synced.

    Without the calendar list scope (the person unticked it) only the primary calendar is
    known: its id is the account's address, as Google's primary calendars' ids are. Without
    an events scope (free/busy only) nothing is synced."""
    parts = scopes.parts_granted(account.scopes)
    hours = None
    if scopes.CALENDAR_LIST in parts:
        with google_for(account) as google:
            entries = list(google.calendar_list())
            if scopes.READS_CALENDAR_RESOURCE & set(account.scopes):
                hours = _working_hours(google)
    else:
        entries = [{"id": account.email, "summary": account.email, "primary": True}]
    readable = scopes.EVENTS_READ in parts
    seen = []
    adapter = get_adapter()
    with transaction.atomic():
        for entry in entries:
            calendar, created = Calendar.objects.update_or_create(
                account=account, google_id=str(entry["id"]), defaults=_fields(entry, hours)
            )
            if created and readable and adapter.sync_by_default(account, entry):
                Calendar.objects.filter(pk=calendar.pk).update(sync_enabled=True)
                calendar.sync_enabled = True
            seen.append(calendar)
        Calendar.objects.filter(account=account).exclude(pk__in=[c.pk for c in seen]).delete()
    return seen


def _working_hours(google: GoogleClient) -> dict[str, Any] | None:
    """The primary calendar's workingHours, None when Google gives none (asked only when the
    grant can read the Calendar resource: the narrow default scopes cannot)."""
    try:
        found = google.calendar_get("primary").get("workingHours")
    except (GoogleForbidden, GoogleNotFound, ScopeMissing):
        return None
    return dict(found) if isinstance(found, dict) else None


def _fields(entry: dict[str, Any], hours: dict[str, Any] | None) -> dict[str, Any]:
    """A calendarList entry's fields as stored (a primary known without the list: defaults,
    the time zone learnt from its first events.list page), with its `dataOwner`, and the
    primary's `workingHours`."""
    fields: dict[str, Any] = {
        "summary": str(entry.get("summaryOverride") or entry.get("summary") or ""),
        "primary": bool(entry.get("primary")),
        "data_owner": str(entry.get("dataOwner") or "")[:320],
    }
    if fields["primary"]:
        fields["working_hours"] = hours
    if "accessRole" in entry or not fields["primary"]:
        fields.update(
            time_zone=str(entry.get("timeZone") or "UTC"),
            access_role=str(entry.get("accessRole") or "reader"),
            color=str(entry.get("backgroundColor") or ""),
        )
    return fields


def calendar_update(*, calendar: Calendar, sync_enabled: bool) -> Calendar:
    """Turning sync on queues a full sync and a push channel; turning it off stops the channels
    and forgets the stored events and sync token (a later sync starts afresh)."""
    if sync_enabled == calendar.sync_enabled:
        return calendar
    if sync_enabled and not calendar.account.can(scopes.EVENTS_READ):
        raise ScopeMissing(scopes.EVENTS_READ, scopes.ASK_FOR[scopes.EVENTS_READ])
    if sync_enabled:
        with transaction.atomic():
            Calendar.objects.filter(pk=calendar.pk).update(sync_enabled=True)
            sync_request(calendar_id=calendar.pk, priority="interactive")
            watch_request(calendar_id=calendar.pk)
    else:
        for channel in WatchChannel.objects.filter(calendar=calendar, stopped_at=None):
            watch_stop(channel=channel)
        with transaction.atomic():
            Calendar.objects.filter(pk=calendar.pk).update(
                sync_enabled=False, sync_token="", last_synced_at=None
            )
            instances_drop(calendar=calendar)
            events_wipe(calendar=calendar)
    calendar.refresh_from_db()
    return calendar
