"""Seed calendars. (Minimal for now: a primary calendar per account with a few events.)"""

from __future__ import annotations

import datetime as dt

from google_emulator.calendar.models import Calendar, CalendarStore


def seed_calendars(store: CalendarStore, email: str, kind: str) -> None:
    if email in store.calendars:
        return
    calendar = Calendar(id=email, owner=email, summary=email, time_zone="UTC", primary=True)
    store.calendars[email] = calendar
    if kind != "demo":
        return
    today = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    for day in range(-3, 4):
        start = today + dt.timedelta(days=day)
        seq = store.next_seq()
        event_id = f"seed{email.split('@')[0]}{day + 10:02d}"
        calendar.events[event_id] = {
            "kind": "calendar#event",
            "id": event_id,
            "etag": f'"{seq}"',
            "status": "confirmed",
            "summary": f"Meeting {day + 10}",
            "created": start.isoformat().replace("+00:00", "Z"),
            "updated": start.isoformat().replace("+00:00", "Z"),
            "start": {"dateTime": start.isoformat().replace("+00:00", "Z"), "timeZone": "UTC"},
            "end": {
                "dateTime": (start + dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
                "timeZone": "UTC",
            },
        }
        calendar.changed[event_id] = seq
