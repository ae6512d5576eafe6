"""Events as the store holds them: the event a request names (a stored row, or an instance
generated from its series), lists, and windows with series expanded on demand. Read only:
nothing here asks Google."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from calendar_api.exceptions import ApiError
from calendar_api.google import scopes
from calendar_api.google.errors import ScopeMissing
from calendar_api.kits import recurrence
from calendar_api.kits.instance_rows import shown_id
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar
from calendar_api.pagination import Cursor, Page, page_list, page_queryset
from calendar_api.reads.expanded import (
    LIVE,
    EventQuery,
    expanded,
    in_window,
    overlaps,
    query_rows,
    sort_key,
)
from calendar_api.reads.owned import calendar_of, event_row, series_rows
from calendar_api.reads.window import instances_page

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class NotRecurring(ApiError):
    code = "not_recurring"
    default_detail = "This event is not a recurring series (or an instance of one)."


class CalendarNotSynced(ApiError):
    status_code = 409
    code = "calendar_not_synced"
    default_detail = (
        "This calendar is not synced, so its events are not stored here. Turn sync on with "
        'PATCH /rest/v1/calendars/{calendar_id}/ {"sync_enabled": true}.'
    )


@dataclass(frozen=True)
class Target:
    """The event a request names: a stored row, or an instance generated from its series.
    `data` is what our API shows (an instance named by our id); `google_id` is Google's id
    of the event, "" for an instance the store has not seen from Google (found at Google by
    its series and original start before any write, see `_google_id`)."""

    calendar: Calendar
    data: dict[str, Any]
    etag: str  # "" for a generated instance: nothing stored to guard it with
    google_id: str = ""
    series_etag: str = ""  # a generated instance's series: what its content comes from

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def version(self) -> str:
        """The etag a client sees and sends back as If-Match: the stored event's own, or for
        an instance generated from its series, the series' (a change to the series is the
        only way such an instance changes; the first change of the instance itself at Google
        makes it an exception with an etag of its own)."""
        return self.etag or self.series_etag


def calendar_require_synced(*, calendar: Calendar) -> Calendar:
    """The calendar, if the store holds its events: 403 ScopeMissing when the account's grant
    has no events scope (free/busy only), 409 CalendarNotSynced when it is not synced."""
    if not calendar.sync_enabled or calendar.last_synced_at is None:
        if not calendar.account.can(scopes.EVENTS_READ):
            raise ScopeMissing(scopes.EVENTS_READ, scopes.ASK_FOR[scopes.EVENTS_READ])
        raise CalendarNotSynced()
    return calendar


def synced_calendar_of(*, user: Any, calendar_id: str, account: str | None = None) -> Calendar:
    """The user's calendar (404 for another's), whose events the store holds (409 if not)."""
    calendar = calendar_of(user=user, calendar_id=calendar_id, account=account)
    return calendar_require_synced(calendar=calendar)


def event_target(*, calendar: Calendar, event_id: str) -> Target:
    """The stored event, or the instance one of our instance ids names; 404 otherwise.
    Our instance ids are `<seriesId>_<original start>` (see services/instances.py); they are
    ours, so reading them back is safe, and Google's own ids are never parsed."""
    tz = calendar.time_zone
    row = event_row(calendar=calendar, event_id=event_id)
    if row is not None:
        return Target(calendar, shown_id(row.data, tz), row.etag, row.google_id)
    split = recurrence.split_instance_id(event_id)
    master = event_row(calendar=calendar, event_id=split[0]) if split else None
    if split is None or master is None or not master.is_recurring or master.status == "cancelled":
        raise Http404("No such event.")
    for exception in series_rows(calendar=calendar, series_ids=[master.google_id]):
        shown = shown_id(exception.data, tz)
        if shown["id"] == event_id:
            return Target(calendar, shown, exception.etag, exception.google_id)
    start = recurrence.find_occurrence(master.data, split[1], tz)
    if start is None:
        raise Http404("No such event.")
    generated = recurrence.make_instance(master.data, start, tz)
    return Target(calendar, generated, "", series_etag=master.etag)


def events_list(
    *,
    calendar: Calendar,
    query: EventQuery,
    size: int,
    cursor: Cursor | None,
    shown: ZoneInfo | None = None,
    version: int | None = None,
) -> Page:
    """A page of the calendar's events by start: series as their masters (and exceptions), or,
    with `single_events`, expanded into their instances as Google's singleEvents does. With
    `shown`, a page the read model answers holds RawJSON texts already in that zone; with
    `version` (the calendar's read_version as this request loaded it), such a page may be one
    kept from an earlier request (see window_text)."""
    if query.single_events and _plain(query):
        stored = instances_page(
            calendar=calendar,
            window=query.window,
            size=size,
            cursor=cursor,
            shown=shown,
            version=version,
        )
        if stored is not None:
            return stored
    rows = query_rows(calendar, query)
    if query.single_events:
        items = expanded(calendar, rows, query.window)
        return page_list(items, size=size, cursor=cursor, key=lambda e: sort_key(e, calendar))
    rows = in_window(calendar, rows, query.window).only("start", "google_id", "data")
    if "cancelled" in query.statuses:  # a cancelled instance may carry no start: first
        rows = rows.annotate(sort_start=Coalesce("start", Value(EPOCH, DateTimeField())))
        page = page_queryset(rows, size=size, cursor=cursor, start="sort_start")
    else:
        page = page_queryset(rows, size=size, cursor=cursor)
    return replace(page, items=[row.data for row in page.items])


def _plain(query: EventQuery) -> bool:
    """A bare window of live events: what the read model's rows answer."""
    return not query.q and query.updated_min is None and query.statuses == LIVE


def event_instances(
    *,
    calendar: Calendar,
    series_id: str,
    window: Window,
    show_deleted: bool,
    size: int,
    cursor: Cursor | None,
) -> Page:
    """A page of a series' instances (as Google's events.instances), from the store."""
    master = event_row(calendar=calendar, event_id=series_id)
    if master is None:
        raise Http404("No such event.")
    if not master.is_recurring:
        raise NotRecurring()
    tz = calendar.time_zone
    exceptions = [
        shown_id(row.data, tz) for row in series_rows(calendar=calendar, series_ids=[series_id])
    ]
    items: list[dict[str, Any]] = []
    if master.status != "cancelled":
        with contextlib.suppress(ValueError, TypeError, KeyError, OverflowError):
            items, _ = recurrence.series_instances(
                master=master.data, exceptions=[], calendar_tz=calendar.time_zone, window=window
            )
    replaced = {e.get("id") for e in exceptions}
    items = [i for i in items if i["id"] not in replaced]
    shown = [e for e in exceptions if show_deleted or e.get("status") != "cancelled"]
    items += [e for e in shown if e.get("status") == "cancelled" or overlaps(e, calendar, window)]
    items.sort(key=lambda e: sort_key(e, calendar))
    return page_list(items, size=size, cursor=cursor, key=lambda e: sort_key(e, calendar))
