"""The HTML of the emulator's own page (`page.py`): plain forms, no script, one nonce'd style.

Every value is escaped here; the handlers hand over plain Python values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

STYLE = """
body{font-family:system-ui,sans-serif;background:#f1f3f4;margin:0;color:#202124;line-height:1.4}
header,main{max-width:960px;margin:0 auto;padding:12px 16px}
header{background:#fff;border-bottom:1px solid #dadce0;max-width:none}
h1{font-size:22px;font-weight:400;margin:0}
h2{font-size:18px;margin:24px 0 8px}
h3{font-size:16px;margin:16px 0 6px}
section,form.card{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:12px 16px;
margin:12px 0}
p.note{color:#3c4043;font-size:14px}
.message{background:#e6f4ea;border:1px solid #137333;border-radius:6px;padding:8px 12px}
.error{background:#fce8e6;border:1px solid #a50e0e;border-radius:6px;padding:8px 12px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #e8eaed;vertical-align:top}
td.actions{white-space:nowrap;text-align:right}
td.actions form{display:inline}
label{display:inline-block;margin:4px 12px 4px 0;max-width:100%}
input,select{font:inherit;padding:4px;border:1px solid #80868b;border-radius:4px;max-width:100%}
button{font:inherit;padding:4px 12px;border-radius:4px;border:1px solid #80868b;
background:#fff;color:#174ea6;cursor:pointer}
button.primary{background:#174ea6;color:#fff;border-color:#174ea6}
a{color:#174ea6}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:600px){td.actions{white-space:normal}th.when,td.when{width:40%}}
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - Google (emulator)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="{nonce}">{style}</style></head>
<body><header><h1>Google (emulator)</h1></header>
<main>{body}</main></body></html>"""


@dataclass(frozen=True)
class Row:
    """One event as the page lists it."""

    calendar_id: str
    event_id: str
    summary: str
    when: str
    repeats: bool


@dataclass(frozen=True)
class CalendarView:
    id: str
    summary: str
    time_zone: str
    primary: bool
    rows: list[Row]
    channels: int


@dataclass(frozen=True)
class AccountView:
    email: str
    name: str
    calendars: list[CalendarView]


@dataclass(frozen=True)
class Fields:
    """The event form's values (as typed, or the event's)."""

    summary: str = ""
    day: str = ""
    start: str = ""
    end: str = ""


def page(nonce: str, title: str, body: str) -> str:
    return PAGE.format(nonce=escape(nonce), style=STYLE, title=escape(title), body=body)


def when(start: dt.datetime, end: dt.datetime, all_day: bool) -> str:
    """`Tue 2 Dec 2026, 10:00-11:00` (an en dash) in the calendar's zone, or `..., all day`."""
    day = f"{start:%a} {start.day} {start:%b %Y}"
    if all_day:
        return f"{day}, all day"
    return f"{day}, {start:%H:%M}\u2013{end:%H:%M}"


def event_path(calendar_id: str, event_id: str) -> str:
    return f"/__emulator__/page/events/{quote(calendar_id, safe='')}/{quote(event_id, safe='')}"


def home(accounts: list[AccountView], message: str, error: str, fields: Fields, chosen: str) -> str:
    parts = [
        "<p class='note'>What the emulator's accounts hold \u201cat Google\u201d. A change made "
        "here is a change at Google: the calendar's sync token moves on and its push channels "
        "are notified, as after a write through the API, so a connected product follows.</p>",
        _notice(message, error),
        _new_form(accounts, fields, chosen),
    ]
    parts += [_account(account) for account in accounts]
    parts.append(
        "<p class='note'>An access token for scripts: <code>python -m google_emulator token "
        "alice@example.com</code>. Control endpoints for tests live under "
        "<code>/__emulator__/</code>.</p>"
    )
    return "\n".join(parts)


def _notice(message: str, error: str) -> str:
    shown = ""
    if message:
        shown += f"<p class='message'>{escape(message)}</p>"
    if error:
        shown += f"<p class='error' id='form-error'>{escape(error)}</p>"
    return f"<div role='status'>{shown}</div>"


def _inputs(fields: Fields, described: bool) -> str:
    extra = " aria-describedby='form-error'" if described else ""
    return (
        f"<label>Title <input name='summary' required maxlength='200' value='{escape(fields.summary)}'"
        f"{extra}></label>"
        f"<label>Date <input type='date' name='day' required value='{escape(fields.day)}'></label>"
        f"<label>Starts <input type='time' name='start' value='{escape(fields.start)}'></label>"
        f"<label>Ends <input type='time' name='end' value='{escape(fields.end)}'></label>"
    )


def _new_form(accounts: list[AccountView], fields: Fields, chosen: str) -> str:
    options = "".join(
        f"<option value='{escape(c.id)}'{' selected' if c.id == chosen else ''}>"
        f"{escape(a.email)}: {escape(c.summary)}</option>"
        for a in accounts
        for c in a.calendars
    )
    return (
        "<form class='card' method='post' action='/__emulator__/page/events'>"
        "<h2>New event at Google</h2>"
        f"<label>Calendar <select name='calendar'>{options}</select></label>"
        f"{_inputs(fields, described=bool(chosen))}"
        "<p class='note'>Times are in the calendar's time zone; leave them empty for an "
        "all-day event.</p><button type='submit' class='primary'>Create at Google</button></form>"
    )


def _account(account: AccountView) -> str:
    title = f"{escape(account.name)} &lt;{escape(account.email)}&gt;"
    return f"<section><h2>{title}</h2>{''.join(_calendar(c) for c in account.calendars)}</section>"


def _calendar(calendar: CalendarView) -> str:
    pushes = (
        f"{calendar.channels} push channel{'s' if calendar.channels != 1 else ''} open"
        if calendar.channels
        else "no push channel open"
    )
    head = (
        f"<h3>{escape(calendar.summary)}{' (primary)' if calendar.primary else ''}</h3>"
        f"<p class='note'>{escape(calendar.time_zone)} \u00b7 {pushes}</p>"
    )
    if not calendar.rows:
        return head + "<p>No events from yesterday on.</p>"
    rows = "".join(_row(row) for row in calendar.rows)
    return (
        head + f"<table><caption class='vh'>Events in {escape(calendar.summary)}</caption>"
        "<thead><tr><th scope='col' class='when'>When</th><th scope='col'>Title</th>"
        f"<th scope='col'><span class='vh'>Actions</span></th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _row(row: Row) -> str:
    path = event_path(row.calendar_id, row.event_id)
    name = escape(row.summary or "(no title)")
    repeats = " <em>(repeats; edits change every occurrence)</em>" if row.repeats else ""
    return (
        f"<tr id='event-{escape(row.event_id)}'><td class='when'>{escape(row.when)}</td>"
        f"<td>{name}{repeats}</td><td class='actions'>"
        f"<a href='{path}'>Edit<span class='vh'> {name}</span></a> "
        f"<form method='post' action='{path}/delete'><button type='submit'>Delete"
        f"<span class='vh'> {name}</span></button></form></td></tr>"
    )


def edit(calendar: CalendarView, event_id: str, fields: Fields, error: str) -> str:
    path = event_path(calendar.id, event_id)
    return (
        f"<p><a href='/'>Back to all calendars</a></p>{_notice('', error)}"
        f"<form class='card' method='post' action='{path}'>"
        f"<h2>Edit an event in {escape(calendar.summary)}</h2>"
        f"{_inputs(fields, described=bool(error))}"
        f"<p class='note'>Times are in {escape(calendar.time_zone)}; leave them empty for an "
        "all-day event.</p><button type='submit' class='primary'>Save at Google</button></form>"
    )


def not_found(what: str) -> str:
    return f"<p>{escape(what)}</p><p><a href='/'>Back to all calendars</a></p>"
