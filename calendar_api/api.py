"""The Python API: what a host project calls, with the REST API's guarantees.

Every function takes the user it acts for and reaches only that user's calendars (another
user's answers as a calendar that does not exist: `Http404`). Reads come from the local store
and never ask Google; writes validate the body with the REST API's serializer, check the
caller's etag against the stored version, write to Google first, then store what Google
returned (so the next read sees it, and `events_changed` is sent). Times are aware datetimes;
events are dicts in Google's Event shape, as the REST API returns them.

Errors are the exceptions the REST API maps to its answers (docs/python-api.md):

- `django.http.Http404` (404): no such calendar or event of this user;
- `rest_framework.exceptions.ValidationError` (400): a bad body, window, zone or option;
  `.detail` names the fields, as the REST API's `fields`;
- `calendar_api.reads.events.CalendarNotSynced` (409): the calendar is not synced;
- `calendar_api.reads.events.NotRecurring`, `calendar_api.services.events.InstanceCancelled`
  (400): `scope="following"` on something that is not an instance of a series;
- `calendar_api.google.errors.ScopeMissing` (403): the account's Google grant does not allow
  it (granular consent: a write on a read-only account, events of a free/busy-only one);
  `.part` names the missing part of access ("events_write", "events_read"), `.scope` the Google
  scope that gives it, which `connect_url(..., grant=part)` asks for;
- `calendar_api.google.errors.PreconditionFailed` (412): the etag given is not the stored
  version, or Google holds a newer one (which is then stored: read it again);
- other `calendar_api.google.errors.GoogleError` subclasses (their `status_code`), e.g.
  `ReauthRequired` (401) when Google no longer accepts the account's grant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.urls import reverse

from calendar_api import queries, validation
from calendar_api.kits.event_shape import event_in_zone
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, GoogleAccount
from calendar_api.reads import events as stored
from calendar_api.reads.owned import accounts_of, calendar_of, calendars_of
from calendar_api.reads.window import instances_in_window
from calendar_api.services import event_writes, sync
from calendar_api.services.freebusy import freebusy_query
from calendar_api.web.window import shown_calendars

__all__ = [
    "connect_url",
    "event_create",
    "event_delete",
    "event_update",
    "events_between",
    "free_busy",
    "sync_now",
]


def events_between(
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    calendars: list[str] | None = None,
    time_zone: str | None = None,
    account: str | None = None,
) -> list[dict[str, Any]]:
    """The user's events between `start` and `end` (aware datetimes; an event is in when it
    starts before `end` and ends after `start`), series expanded into their instances and
    cancelled ones left out: the REST API's events list with `single_events=true` for each
    calendar, merged and ordered by start, then id.

    `calendars`: Google calendar ids (or "primary", of `account`'s e-mail address if given),
    each a synced calendar of the user; default: every synced calendar of the user's active
    accounts (the calendars the web page shows). Times are shown in `time_zone` (an IANA
    name), by default each in its calendar's zone, as the REST API does."""
    low, high = _window(start, end, time_zone)
    chosen = _synced(user, calendars, account) if calendars is not None else _shown(user)
    zone = validation.parse_zone(time_zone) if time_zone else None
    found = instances_in_window(calendars=chosen, time_min=low, time_max=high)
    return [event_in_zone(i.event, zone or ZoneInfo(i.calendar.time_zone)) for i in found]


def free_busy(
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    calendars: list[str] | None = None,
    time_zone: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """When the user's calendars are busy between `start` and `end`, in the shape of Google's
    freeBusy answer (`{"kind", "timeMin", "timeMax", "calendars": {id: {"busy": [...]}}}`),
    as `GET /rest/v1/freebusy/` answers: from the store, and from Google for a calendar the
    store does not hold. `calendars`: ids (or "primary") of the user's calendars, keys of the
    answer; default: every synced one. Times in `time_zone` (default UTC)."""
    low, high = _window(start, end, time_zone)
    if calendars is not None:
        named = {n: calendar_of(user=user, calendar_id=n, account=account) for n in calendars}
    else:
        named = {c.google_id: c for c in calendars_of(user=user).filter(sync_enabled=True)}
    window = Window(low, high)
    return freebusy_query(calendars=named, window=window, time_zone=time_zone or "UTC")


def event_create(
    user: Any,
    calendar_id: str,
    body: dict[str, Any],
    *,
    send_updates: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """Create the event `body` (Google's Event fields, validated as the REST API's POST
    validates them) at Google, then store it; returns it as Google holds it, times in the
    calendar's zone, with its `etag`. With a chosen `id`, calling again after a failure
    returns the event that exists instead of creating a second one. `send_updates`: "all",
    "externalOnly" or "none" (Google's sendUpdates)."""
    calendar = _calendar(user, calendar_id, account)
    options = _write_options(send_updates=send_updates)
    event, _created = event_writes.event_create_checked(
        calendar=calendar, data=body, send_updates=options.get("send_updates")
    )
    return event_in_zone(event, ZoneInfo(calendar.time_zone))


def event_update(
    user: Any,
    calendar_id: str,
    event_id: str,
    body: dict[str, Any],
    *,
    etag: str | None = None,
    partial: bool = True,
    scope: str = "this",
    send_updates: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """Change an event (an instance id of a series works too) at Google, then in the store:
    with `partial` (default) only the fields in `body`, as PATCH; otherwise `body` replaces
    the event, as PUT. `etag` (the `etag` of the event as read) is checked like If-Match:
    PreconditionFailed when the event changed since. `scope="following"` changes this
    instance and every following one of its series (a new series from here, returned).
    Returns the event as Google now holds it, times in the calendar's zone."""
    calendar = _calendar(user, calendar_id, account)
    target = stored.event_target(calendar=calendar, event_id=event_id)
    options = _write_options(send_updates=send_updates, scope=scope)
    event = event_writes.event_change(
        target=target,
        data=body,
        partial=partial,
        scope=options["scope"],
        send_updates=options.get("send_updates"),
        if_match=etag,
    )
    return event_in_zone(event or {}, ZoneInfo(calendar.time_zone))


def event_delete(
    user: Any,
    calendar_id: str,
    event_id: str,
    *,
    etag: str | None = None,
    scope: str = "this",
    send_updates: str | None = None,
    account: str | None = None,
) -> None:
    """Delete an event (a series, or one instance by its id) at Google, then in the store,
    where it reads back `cancelled`. `etag` as for event_update; `scope="following"` deletes
    this instance and the following ones."""
    calendar = _calendar(user, calendar_id, account)
    target = stored.event_target(calendar=calendar, event_id=event_id)
    options = _write_options(send_updates=send_updates, scope=scope)
    event_writes.event_remove(
        target=target,
        scope=options["scope"],
        send_updates=options.get("send_updates"),
        if_match=etag,
    )


def connect_url(
    request: HttpRequest,
    *,
    next_url: str | None = None,
    login_hint: str | None = None,
    grant: str | None = None,
) -> str:
    """The absolute URL that starts connecting a Google account (the OAuth flow's init view,
    `calendar_oauth:init`): send the person's browser there. After Google's consent
    they come back signed in, to `next_url` (a local path; anything else is ignored by the
    view) or, without one, to the JSON answer with the primary calendar's events.
    `login_hint`: the e-mail address to suggest on Google's page. `grant`: a part of access
    the account lacks (`ScopeMissing.part`): only its scope is asked for, and Google keeps
    what was granted before (incremental authorization)."""
    pairs = (("next", next_url), ("login_hint", login_hint), ("grant", grant))
    params = {k: v for k, v in pairs if v}
    url = reverse("calendar_oauth:init")
    return request.build_absolute_uri(f"{url}?{urlencode(params)}" if params else url)


def sync_now(user: Any, *, calendar_id: str | None = None, account: str | None = None) -> list[int]:
    """Queue a sync (it runs in the task worker once the current transaction commits, at
    most one waiting per calendar) of one synced calendar, or of every synced calendar of the
    user's active accounts. Returns the pks of the calendars queued. CalendarNotSynced for a
    calendar whose sync is off."""
    if calendar_id is not None:
        calendar = calendar_of(user=user, calendar_id=calendar_id, account=account)
        if not calendar.sync_enabled:
            raise stored.CalendarNotSynced()
        sync.sync_request(calendar_id=calendar.pk, priority="interactive")
        return [calendar.pk]
    queued: list[int] = []
    for connected in accounts_of(user=user).filter(status=GoogleAccount.Status.ACTIVE):
        queued += sync.account_sync_request(account=connected)
    return queued


# -- shared checks --------------------------------------------------------------------------


def _window(
    start: dt.datetime, end: dt.datetime, time_zone: str | None
) -> tuple[dt.datetime, dt.datetime]:
    """The window checked as the REST API checks `time_min`, `time_max` and `time_zone` (an
    offset required, years 1900 to 2200, end after start, a known zone)."""
    query = {"time_min": start.isoformat(), "time_max": end.isoformat()}
    if time_zone is not None:
        query["time_zone"] = time_zone
    data = validation.parsed(queries.TimeRangeSerializer, query)
    return data["time_min"], data["time_max"]


def _write_options(**options: str | None) -> dict[str, Any]:
    """`send_updates` and `scope` checked as the REST API checks its write query."""
    given = {k: v for k, v in options.items() if v is not None}
    return dict(validation.parsed(queries.WriteQuerySerializer, given))


def _calendar(user: Any, calendar_id: str, account: str | None) -> Calendar:
    return stored.synced_calendar_of(user=user, calendar_id=calendar_id, account=account)


def _synced(user: Any, names: list[str], account: str | None) -> list[Calendar]:
    return [_calendar(user, name, account) for name in names]


def _shown(user: Any) -> list[Calendar]:
    shown = [s.calendar for s in shown_calendars(user=user)]
    return [c for c in shown if c.last_synced_at is not None]
