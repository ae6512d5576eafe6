"""The emulator's own page at its base URL: its accounts, their calendars' events, and forms
that create, edit and delete an event "at Google" (not part of Google's API).

A change here goes through the same writes as events.insert, events.patch and events.delete
(`events.store_new`, `store_replace`, `store_delete`, then `changes.save`): a new etag and
`updated`, the calendar's change sequence (what sync tokens carry) moves on, and push
notifications go to its open channels, as Google sends them after any change
(https://developers.google.com/calendar/api/guides/push). Plain HTML forms, no script; the
page's own Content-Security-Policy allows only its one nonce'd style and posting to itself.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from google_emulator.calendar import eventdata, events, notify, recurrence, times
from google_emulator.calendar import page_html as html
from google_emulator.context import Ctx, Route
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, Event

CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MAX_ROWS = 40  # events listed per calendar
PAST = dt.timedelta(days=1)  # events that ended before this long ago are not listed


def _respond(title: str, body: str, status: int = 200) -> Response:
    nonce = secrets.token_urlsafe(16)
    return Response(
        html.page(nonce, title, body),
        status=status,
        content_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": CSP.format(nonce=nonce), "Cache-Control": "no-store"},
    )


def _zone(calendar: Calendar) -> dt.tzinfo:
    return times.zone(calendar.time_zone) or times.UTC


def _row(calendar: Calendar, event: Event) -> html.Row:
    tz = _zone(calendar)
    start = times.edge(event["start"], tz).astimezone(tz)
    end = times.edge(event["end"], tz).astimezone(tz)
    all_day = recurrence.is_all_day(event)
    return html.Row(
        calendar.id,
        event["id"],
        str(event.get("summary", "")),
        html.when(start, end, all_day),
        bool(event.get("recurrence")),
    )


def _listed(calendar: Calendar) -> list[html.Row]:
    """Live events that end from yesterday on (and every series), in order of start."""
    since = times.now() - PAST
    live = [
        e
        for e in calendar.events.values()
        if e.get("status") != "cancelled"
        and "start" in e
        and (e.get("recurrence") or times.edge(e["end"], times.UTC) >= since)
    ]
    live.sort(key=lambda e: (times.edge(e["start"], _zone(calendar)), e["id"]))
    return [_row(calendar, e) for e in live[:MAX_ROWS]]


def _view(ctx: Ctx, calendar: Calendar, rows: bool = True) -> html.CalendarView:
    channels = len(notify.live(ctx.state.calendars, calendar.id))
    listed = _listed(calendar) if rows else []
    return html.CalendarView(
        calendar.id, calendar.summary, calendar.time_zone, calendar.primary, listed, channels
    )


def _accounts(ctx: Ctx) -> list[html.AccountView]:
    found = []
    for account in ctx.state.accounts.values():
        owned = sorted(
            ctx.state.calendars.owned_by(account.email), key=lambda c: (not c.primary, c.summary)
        )
        views = [_view(ctx, c) for c in owned]
        found.append(html.AccountView(account.email, account.name, views))
    return found


def home(ctx: Ctx) -> Response:
    message = ctx.request.args.get("message", "")[:300]
    today = times.now().date().isoformat()
    fields = html.Fields(day=today, start="10:00", end="11:00")
    body = html.home(_accounts(ctx), message, "", fields, "")
    return _respond("Calendars", body)


def _fields(ctx: Ctx) -> html.Fields:
    form = ctx.request.form
    return html.Fields(
        form.get("summary", "").strip()[:200],
        form.get("day", "").strip(),
        form.get("start", "").strip(),
        form.get("end", "").strip(),
    )


def _clock(value: str, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise GoogleError(400, "invalid", f"The {name} time should look like 10:30.") from None


def _body(fields: html.Fields, calendar: Calendar) -> dict[str, Any]:
    """The Event body the form describes, in the calendar's zone (no times: all day)."""
    if not fields.summary:
        raise GoogleError(400, "required", "Give the event a title.")
    day = times.parse_date(fields.day)
    if day is None:
        raise GoogleError(400, "invalid", "Choose the event's date.")
    if not fields.start and not fields.end:
        after = (day + dt.timedelta(days=1)).isoformat()
        return {
            "summary": fields.summary,
            "start": {"date": day.isoformat()},
            "end": {"date": after},
        }
    if not fields.start or not fields.end:
        raise GoogleError(400, "required", "Give both times, or neither for an all-day event.")
    start = dt.datetime.combine(day, _clock(fields.start, "start"))
    end = dt.datetime.combine(day, _clock(fields.end, "end"))
    if end <= start:
        raise GoogleError(400, "timeRangeEmpty", "The end must be after the start.")
    zone = calendar.time_zone
    return {
        "summary": fields.summary,
        "start": {"dateTime": start.isoformat(), "timeZone": zone},
        "end": {"dateTime": end.isoformat(), "timeZone": zone},
    }


def _back(message: str, event_id: str = "") -> Response:
    anchor = f"#event-{event_id}" if event_id else ""
    return Response(
        "", status=303, headers={"Location": "/?" + urlencode({"message": message}) + anchor}
    )


def _told(ctx: Ctx, calendar: Calendar) -> str:
    count = len(notify.live(ctx.state.calendars, calendar.id))
    if not count:
        return "No push channel is open on it: a connected product sees it at its next poll."
    return f"Push notifications went to {count} channel{'s' if count != 1 else ''}."


def create(ctx: Ctx) -> Response:
    calendar = ctx.state.calendars.calendars.get(ctx.request.form.get("calendar", ""))
    fields = _fields(ctx)
    if calendar is None:
        return _respond("Not found", html.not_found("There is no such calendar."), 404)
    try:
        event = events.store_new(ctx, calendar, _body(fields, calendar), events.new_id())
    except GoogleError as exc:
        body = html.home(_accounts(ctx), "", exc.message, fields, calendar.id)
        return _respond("Calendars", body, 400)
    done = f"Created \u201c{event['summary']}\u201d in {calendar.summary}. {_told(ctx, calendar)}"
    return _back(done, event["id"])


def _target(ctx: Ctx, calendar_id: str, event_id: str) -> tuple[Calendar, Event] | Response:
    calendar = ctx.state.calendars.calendars.get(calendar_id)
    event = calendar.events.get(event_id) if calendar is not None else None
    if calendar is None or event is None or event.get("status") == "cancelled":
        return _respond("Not found", html.not_found("There is no such event (any more)."), 404)
    return calendar, event


def _current_fields(calendar: Calendar, event: Event) -> html.Fields:
    tz = _zone(calendar)
    start = times.edge(event["start"], tz).astimezone(tz)
    if recurrence.is_all_day(event):
        return html.Fields(str(event.get("summary", "")), start.date().isoformat())
    end = times.edge(event["end"], tz).astimezone(tz)
    return html.Fields(
        str(event.get("summary", "")), start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}"
    )


def edit_form(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    found = _target(ctx, calendar_id, event_id)
    if isinstance(found, Response):
        return found
    calendar, event = found
    fields = _current_fields(calendar, event)
    return _respond("Edit event", html.edit(_view(ctx, calendar, rows=False), event_id, fields, ""))


def edit(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    """Saved as events.patch would: the form's fields merged into the stored event."""
    found = _target(ctx, calendar_id, event_id)
    if isinstance(found, Response):
        return found
    calendar, current = found
    fields = _fields(ctx)
    try:
        base = {k: v for k, v in current.items() if k not in eventdata.READ_ONLY}
        change = _body(fields, calendar)
        event = events.store_replace(ctx, calendar, current, events.merge(base, change))
    except GoogleError as exc:
        view = _view(ctx, calendar, rows=False)
        return _respond("Edit event", html.edit(view, event_id, fields, exc.message), 400)
    done = f"Saved \u201c{event['summary']}\u201d. {_told(ctx, calendar)}"
    return _back(done, event["id"])


def delete(ctx: Ctx, calendar_id: str, event_id: str) -> Response:
    found = _target(ctx, calendar_id, event_id)
    if isinstance(found, Response):
        return found
    calendar, current = found
    events.store_delete(ctx, calendar, current)
    return _back(f"Deleted \u201c{current.get('summary', '')}\u201d. {_told(ctx, calendar)}")


EVENT = "/__emulator__/page/events/<calendar_id>/<event_id>"
ROUTES = [
    Route("/", ("GET",), "control.page", home),
    Route("/__emulator__/page/events", ("POST",), "control.page.create", create),
    Route(EVENT, ("GET",), "control.page.edit_form", edit_form),
    Route(EVENT, ("POST",), "control.page.edit", edit),
    Route(EVENT + "/delete", ("POST",), "control.page.delete", delete),
]
