"""Read queries used by views: every one filtered by owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from calendar_api.models import Calendar, Event, GoogleAccount, StoreChange
from calendar_api.services.event_fields import event_time
from calendar_api.services.event_fields import zone as event_zone


def accounts_of(*, user: Any) -> QuerySet[GoogleAccount]:
    return GoogleAccount.objects.filter(user=user).annotate(
        last_synced_at=Max("calendars__last_synced_at"),
        live_channels=Count(
            "calendars__channels",
            filter=Q(
                calendars__channels__stopped_at=None,
                calendars__channels__expires_at__gt=timezone.now(),
            ),
        ),
    )


def calendars_of(*, user: Any) -> QuerySet[Calendar]:
    return Calendar.objects.filter(account__user=user).select_related("account")


def stored_events(*, calendar: Calendar) -> list[dict[str, Any]]:
    """The events of a calendar as Google sent them, without cancelled ones, by start."""
    rows = (
        Event.objects.filter(calendar=calendar)
        .exclude(status="cancelled")
        .order_by("start", "google_id")
    )
    return [row["data"] for row in rows.values("data")]


def calendar_of(*, user: Any, calendar_id: str) -> Calendar:
    """One of the user's calendars by Google id, or 404. `primary` names the primary calendar
    of the user's first connected account (the earliest connection)."""
    calendars = calendars_of(user=user).order_by("account__connected_at", "account_id")
    if calendar_id == "primary":
        found = calendars.filter(primary=True).first()
    else:
        found = calendars.filter(google_id=calendar_id).first()
    if found is None:
        raise Http404("No such calendar.")
    return found


def event_row(*, calendar: Calendar, event_id: str) -> Event | None:
    return Event.objects.filter(calendar=calendar, google_id=event_id).first()


def series_rows(*, calendar: Calendar, series_ids: Any) -> list[Event]:
    """The exceptions (changed or cancelled instances) of the given series."""
    return list(Event.objects.filter(calendar=calendar, recurring_event_id__in=series_ids))


@dataclass(frozen=True)
class AgendaItem:
    when: str  # "09:15 to 09:30" as an en dash range, or "All day"
    summary: str
    calendar: str
    tone: int  # which of the stylesheet's calendar colours (inline styles are not allowed)
    location: str
    recurring: bool


@dataclass(frozen=True)
class AgendaDay:
    day: dt.date
    items: list[AgendaItem]


def agenda(*, user: Any, days: int = 14, now: dt.datetime | None = None) -> list[AgendaDay]:
    """The user's synced events from today on, series expanded, grouped by day in the time zone
    of each event's calendar. Read from the store only."""
    from calendar_api.services.events import EventQuery, events_list
    from calendar_api.services.recurrence import Window

    now = now or timezone.now()
    found: list[tuple[dt.datetime, AgendaItem]] = []
    synced = calendars_of(user=user).filter(sync_enabled=True, account__status="active")
    for tone, calendar in enumerate(synced.order_by("account_id", "-primary", "pk")):
        zone = event_zone(calendar.time_zone)
        today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        window = Window(low=today, high=today + dt.timedelta(days=days))
        query = EventQuery(window=window, single_events=True)
        page = events_list(calendar=calendar, query=query, size=2500, cursor=None)
        found += [_agenda_item(event, calendar, zone, tone % 6) for event in page.items]
    return _by_day(found)


def _agenda_item(
    event: dict[str, Any], calendar: Calendar, zone: Any, tone: int
) -> tuple[dt.datetime, AgendaItem]:
    start, all_day = event_time(event.get("start"), calendar.time_zone)
    end, _ = event_time(event.get("end"), calendar.time_zone)
    local = (start or timezone.now()).astimezone(zone)
    when = "All day" if all_day else f"{local:%H:%M}\u2013{(end or local).astimezone(zone):%H:%M}"
    item = AgendaItem(
        when=when,
        summary=str(event.get("summary") or "(No title)"),
        calendar=calendar.summary or calendar.google_id,
        tone=tone,
        location=str(event.get("location") or ""),
        recurring=bool(event.get("recurringEventId")),
    )
    return local, item


def _by_day(found: list[tuple[dt.datetime, AgendaItem]]) -> list[AgendaDay]:
    days: dict[dt.date, list[AgendaItem]] = {}
    for local, item in sorted(
        found, key=lambda pair: (pair[0].date(), pair[1].when != "All day", pair[0])
    ):
        days.setdefault(local.date(), []).append(item)
    return [AgendaDay(day, items) for day, items in days.items()]


def changes_after(*, user: Any, after_id: int, limit: int = 500) -> list[StoreChange]:
    """The user's store changes after the cursor `after_id`, oldest first."""
    rows = StoreChange.objects.filter(user=user, id__gt=after_id).select_related("calendar")
    return list(rows.order_by("id")[:limit])


def change_cursor(*, user: Any) -> int:
    """The id of the user's latest store change (0 for none): where a live stream starts."""
    latest = StoreChange.objects.filter(user=user).order_by("-id").values_list("id", flat=True)
    return int(latest.first() or 0)
