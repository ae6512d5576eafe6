"""Every write of an event goes through `save`: new etag, `updated`, change sequence, watchers."""

from __future__ import annotations

from google_emulator.calendar import notify, times
from google_emulator.context import Ctx
from google_emulator.state.calendar import Calendar, Event, etag_for


def save(ctx: Ctx, calendar: Calendar, event: Event) -> Event:
    """Store a changed event: new etag, `updated`, change sequence; tell the watchers."""
    store = ctx.state.calendars
    seq = store.next_seq()
    stamp = times.now_ms()
    event["etag"] = etag_for(seq)
    event["updated"] = stamp
    if not event.get("created"):
        event["created"] = stamp
    calendar.events[event["id"]] = event
    calendar.changed[event["id"]] = seq
    calendar.created.setdefault(event["id"], seq)
    calendar.version, calendar.updated = seq, stamp
    notify.changed(store, calendar, event)
    for listener in ctx.emulator.listeners:  # in-process observers: (calendar id, event id)
        listener(calendar.id, event["id"])
    return event
