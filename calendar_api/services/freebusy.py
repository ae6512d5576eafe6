"""Free/busy over the user's calendars, in the shape of Google's freeBusy response.

Synced calendars are answered from the read model's instance rows with one indexed query
(opaque, confirmed or tentative events not declined by the user; series expanded, their
changed and cancelled instances honoured); a range outside the stored horizon is expanded on
demand. A calendar the store does not hold (sync off, never synced) or whose
series would be expanded past MAX_INSTANCES in the range is asked of Google's freeBusy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from calendar_api.google import scopes
from calendar_api.google.errors import ScopeMissing
from calendar_api.kits import recurrence
from calendar_api.kits.event_fields import zone
from calendar_api.kits.instance_rows import busy, shown_id
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar, Event, GoogleAccount
from calendar_api.reads import window as read_model
from calendar_api.services.tokens import google_for

Span = tuple[dt.datetime, dt.datetime]


class Incomplete(Exception):
    """The store cannot answer this calendar for this range."""


def freebusy_query(
    *, calendars: dict[str, Calendar], window: Window, time_zone: str = "UTC"
) -> dict[str, Any]:
    """`calendars` maps the id the client asked for to the user's calendar."""
    assert window.low is not None and window.high is not None
    tz = zone(time_zone)
    local = {key: c for key, c in calendars.items() if c.sync_enabled and c.last_synced_at}
    covered = [c for c in local.values() if read_model.covers(c, window)]
    spans, incomplete = _store_busy([c for c in local.values() if c not in covered], window)
    stored = read_model.busy_spans(calendars=covered, window=window)
    spans.update({pk: _merged(found, window) for pk, found in stored.items()})
    answer: dict[str, Any] = {}
    for key, calendar in local.items():
        if calendar.pk not in incomplete:
            answer[key] = {"busy": _shown(spans[calendar.pk], tz)}
    remote = {k: c for k, c in calendars.items() if k not in answer}
    answer.update(_from_google(remote, window, time_zone))
    return {
        "kind": "calendar#freeBusy",
        "timeMin": _fmt(window.low, tz),
        "timeMax": _fmt(window.high, tz),
        "calendars": answer,
    }


def _rows(calendars: list[Calendar], window: Window) -> list[dict[str, Any]]:
    """One query: single events in the range, every series, every exception."""
    single = Q(is_recurring=False, recurring_event_id="", start__lt=window.high, end__gt=window.low)
    series = Q(is_recurring=True, start__lt=window.high)
    exception = ~Q(recurring_event_id="")
    rows = Event.objects.filter(calendar__in=calendars).filter(single | series | exception)
    fields = ("calendar_id", "google_id", "is_recurring", "status", "start", "end", "data")
    return [dict(row) for row in rows.values(*fields)]


def _store_busy(
    calendars: list[Calendar], window: Window
) -> tuple[dict[int, list[Span]], set[int]]:
    by_pk = {c.pk: c for c in calendars}
    rows = _rows(calendars, window)
    replaced = {
        (r["calendar_id"], shown_id(r["data"], by_pk[r["calendar_id"]].time_zone)["id"])
        for r in rows
        if r["data"].get("recurringEventId")
    }
    spans: dict[int, list[Span]] = defaultdict(list)
    incomplete: set[int] = set()
    for row in rows:
        if not busy(row["data"]):
            continue
        calendar = by_pk[row["calendar_id"]]
        if not row["is_recurring"]:
            if row["start"] and row["end"]:
                spans[calendar.pk].append((row["start"], row["end"]))
            continue
        try:
            spans[calendar.pk] += _series(row["data"], calendar, window, replaced)
        except Incomplete:
            incomplete.add(calendar.pk)
    return {pk: _merged(v, window) for pk, v in spans.items()} | {
        c.pk: [] for c in calendars if c.pk not in spans
    }, incomplete


def _series(
    master: dict[str, Any], calendar: Calendar, window: Window, replaced: set[tuple[int, str]]
) -> list[Span]:
    tz = calendar.time_zone
    try:
        starts, cut = recurrence.occurrences(master, tz, window)
    except (ValueError, TypeError, KeyError, OverflowError):
        return []
    if cut:
        raise Incomplete()
    length = recurrence.duration(master, tz)
    found = []
    for start in starts:
        instance_id = f"{master['id']}_{recurrence.instance_suffix(start)}"
        if (calendar.pk, instance_id) in replaced:
            continue
        begin = start if start.tzinfo else start.replace(tzinfo=zone(tz))
        found.append((begin.astimezone(dt.UTC), (begin + length).astimezone(dt.UTC)))
    return found


def _merged(spans: list[Span], window: Window) -> list[Span]:
    assert window.low is not None and window.high is not None
    clipped = [(max(a, window.low), min(b, window.high)) for a, b in spans]
    merged: list[Span] = []
    for start, end in sorted(s for s in clipped if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _fmt(moment: dt.datetime, tz: ZoneInfo) -> str:
    shown = moment.astimezone(tz).isoformat()
    return shown[:-6] + "Z" if shown.endswith("+00:00") else shown


def _shown(spans: list[Span], tz: ZoneInfo) -> list[dict[str, str]]:
    return [{"start": _fmt(a, tz), "end": _fmt(b, tz)} for a, b in spans]


def _ask_google(account: GoogleAccount, body: dict[str, Any]) -> dict[str, Any]:
    with google_for(account) as google:
        return google.freebusy_query(body)


def _ask_google_if_granted(account: GoogleAccount, body: dict[str, Any]) -> dict[str, Any]:
    """Google's answer; without a free/busy scope (the default narrow scopes have none), each
    calendar answers an error naming the scope to grant, as Google answers per calendar."""
    try:
        if not account.can(scopes.FREE_BUSY):
            raise ScopeMissing(scopes.FREE_BUSY, scopes.ASK_FOR[scopes.FREE_BUSY])
        return _ask_google(account, body)
    except ScopeMissing as exc:
        error = {"domain": "global", "reason": "scopeMissing", "scope": exc.scope}
        items = [str(item["id"]) for item in body["items"]]
        return {"calendars": {name: {"busy": [], "errors": [error]} for name in items}}


def _from_google(calendars: dict[str, Calendar], window: Window, time_zone: str) -> dict[str, Any]:
    """One freeBusy call per account for the calendars the store cannot answer."""
    assert window.low is not None and window.high is not None
    by_account: dict[int, dict[str, Calendar]] = defaultdict(dict)
    for key, calendar in calendars.items():
        by_account[calendar.account_id][key] = calendar
    answer: dict[str, Any] = {}
    for group in by_account.values():
        account = next(iter(group.values())).account
        body = {
            "timeMin": window.low.isoformat(),
            "timeMax": window.high.isoformat(),
            "timeZone": time_zone,
            "items": [{"id": c.google_id} for c in group.values()],
        }
        found = _ask_google_if_granted(account, body)
        for key, calendar in group.items():
            with contextlib.suppress(KeyError):
                answer[key] = found["calendars"][calendar.google_id]
    return answer
