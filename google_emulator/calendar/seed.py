"""Seed calendars: `empty` (a primary calendar) or `demo` (deterministic events around today).

Everything in `demo` is relative to today's date in UTC, so the data always sits around "now";
ids, summaries and the order of creation are fixed. See `demo_events` for the contents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from google_emulator.calendar import event_types, eventdata, recurrence, times
from google_emulator.state.calendar import Calendar, CalendarStore, Event, etag_for

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
WORK_ID = "c_a1ce0000000000000000000000000001@group.calendar.google.com"
ZONES = {ALICE: "Europe/London", BOB: "America/New_York"}
SERIES_ID = "teammeet0001"  # alice's weekly series
STANDUP_ID = "standup0001"
BOB_WORKING_HOURS = {
    "workingHoursEnabled": True,
    "availableTimes": [
        {"dayOfWeek": day, "periodStart": 8 * 60, "periodEnd": 16 * 60}
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    ],
}
MOVED_INDEX, CANCELLED_INDEX = 7, 4  # which occurrences of the weekly series are exceptions
FILLER = (
    "Design review",
    "Customer call",
    "Focus time",
    "Interview",
    "Lunch with Dana",
    "Budget check-in",
    "Dentist",
    "Gym",
    "Book club",
    "Architecture chat",
    "Hiring sync",
    "Coffee with Eve",
    "Quarterly numbers",
    "Pairing session",
)


def put(store: CalendarStore, calendar: Calendar, event: Event, stamp: str) -> Event:
    """Store a seeded or generated event (already valid) under the next sequence number."""
    seq = store.next_seq()
    event_types.settle(event, calendar)
    event = eventdata.complete(event, calendar)
    event.update(etag=etag_for(seq), created=event.get("created") or stamp, updated=stamp)
    calendar.events[event["id"]] = event
    calendar.changed[event["id"]] = seq
    calendar.created.setdefault(event["id"], seq)
    calendar.version, calendar.updated = seq, stamp
    return event


def new_calendar(store: CalendarStore, cal_id: str, owner: str, summary: str, tz: str) -> Calendar:
    calendar = Calendar(cal_id, owner, summary, tz, primary=cal_id == owner)
    calendar.seq = store.next_seq()
    calendar.updated = times.now_ms()
    store.calendars[cal_id] = calendar
    return calendar


def seed_calendars(store: CalendarStore, email: str, kind: str) -> None:
    if email in store.calendars:
        return
    tz = ZONES.get(email, "UTC")
    primary = new_calendar(store, email, email, email, tz)
    if kind != "demo" or email not in ZONES:
        return
    today = dt.datetime.now(dt.UTC).date()
    if email == ALICE:
        work = new_calendar(store, WORK_ID, email, "Work", tz)
        work.color_id, work.background_color = "9", "#7bd148"
        _fill(store, primary, alice_events(today))
        _fill(store, work, work_events(today))
    else:
        _fill(store, primary, bob_events(today))
        primary.working_hours = BOB_WORKING_HOURS  # bob is a Workspace user


def _fill(store: CalendarStore, calendar: Calendar, events: list[Event]) -> None:
    base = dt.datetime.combine(events_epoch(), dt.time(), dt.UTC)
    for index, event in enumerate(events):
        put(store, calendar, event, times.fmt_ms(base + dt.timedelta(minutes=index)))
    for index, (master_id, which, change) in enumerate(_exceptions(calendar)):
        master = calendar.events[master_id]
        start = recurrence.occurrences(master)[which]
        instance = {**recurrence.make_instance(master, start), **change}
        put(store, calendar, instance, times.fmt_ms(base + dt.timedelta(hours=1, minutes=index)))


def events_epoch() -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=60)


def _exceptions(calendar: Calendar) -> list[tuple[str, int, dict[str, Any]]]:
    if SERIES_ID not in calendar.events:
        return []
    master = calendar.events[SERIES_ID]
    moved = recurrence.occurrences(master)[MOVED_INDEX] + dt.timedelta(days=1, hours=4)
    end = moved + recurrence.duration(master)
    return [
        (
            SERIES_ID,
            MOVED_INDEX,
            {
                "summary": "Team meeting (moved to Tuesday)",
                "start": recurrence.edge_value(master, moved),
                "end": recurrence.edge_value(master, end),
            },
        ),
        (SERIES_ID, CANCELLED_INDEX, {"status": "cancelled"}),
    ]


def at(day: dt.date, hour: int, minute: int, tz: str, hours: float = 1.0) -> dict[str, Any]:
    """start/end of a timed event on `day` at local `hour:minute` in `tz`."""
    zone = times.zone(tz) or times.UTC
    start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    end = start + dt.timedelta(hours=hours)
    return {
        "start": {"dateTime": times.fmt(start), "timeZone": tz},
        "end": {"dateTime": times.fmt(end), "timeZone": tz},
    }


def all_day(day: dt.date, days: int = 1) -> dict[str, Any]:
    return {
        "start": {"date": day.isoformat()},
        "end": {"date": (day + dt.timedelta(days=days)).isoformat()},
    }


def person(email: str, status: str, name: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"email": email, "responseStatus": status}
    if name:
        found["displayName"] = name
    return found


REMINDERS = {
    "useDefault": False,
    "overrides": [{"method": "email", "minutes": 1440}, {"method": "popup", "minutes": 10}],
}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def alice_events(today: dt.date) -> list[Event]:
    tz = ZONES[ALICE]
    first_monday = _monday(today) - dt.timedelta(weeks=6)
    standup_start = today - dt.timedelta(days=14)
    skipped = _monday(today) - dt.timedelta(days=5)  # a Wednesday, removed by EXDATE
    extra = _monday(today) + dt.timedelta(days=12)  # a Saturday, added by RDATE
    stamp = "T091500"
    events: list[Event] = [
        {
            "id": SERIES_ID,
            "summary": "Team meeting",
            "description": "Weekly team meeting. Agenda in the shared doc.",
            "location": "Room 4.2",
            **at(first_monday, 10, 0, tz),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=16"],
            "attendees": [
                person(ALICE, "accepted", "Alice Example"),
                person(BOB, "accepted", "Bob Example"),
                person(CAROL, "tentative", "Carol Example"),
            ],
            "reminders": REMINDERS,
        },
        {
            "id": STANDUP_ID,
            "summary": "Daily stand-up",
            **at(_weekday(standup_start), 9, 15, tz, hours=0.25),
            "recurrence": [
                "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL="
                + (today + dt.timedelta(days=30)).strftime("%Y%m%d")
                + "T235959Z",
                f"EXDATE;TZID={tz}:{skipped.strftime('%Y%m%d')}{stamp}",
                f"RDATE;TZID={tz}:{extra.strftime('%Y%m%d')}{stamp}",
            ],
        },
        {"id": "holiday0001", "summary": "Bank holiday", **all_day(today + dt.timedelta(days=10))},
        {
            "id": "conference0001",
            "summary": "DjangoCon (3 days)",
            "location": "Lisbon",
            **all_day(today + dt.timedelta(days=20), days=3),
        },
        {
            "id": "vacation0001",
            "summary": "Long weekend",
            "transparency": "transparent",
            **all_day(today - dt.timedelta(days=5), days=3),
        },
        {
            "id": "birthday0001",
            "summary": "Alice's birthday",
            **all_day(today + dt.timedelta(days=40)),
            "recurrence": ["RRULE:FREQ=YEARLY;COUNT=5"],
        },
        {
            "id": "newyork0001",
            "summary": "Call with the New York office",
            **at(today + dt.timedelta(days=2), 11, 0, "America/New_York"),
            "attendees": [person(ALICE, "accepted"), person(BOB, "needsAction", "Bob Example")],
        },
        {
            "id": "tokyo0001",
            "summary": "Tokyo partner sync",
            **at(today + dt.timedelta(days=3), 9, 0, "Asia/Tokyo", hours=1.5),
            "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 30}]},
        },
        {
            "id": "flight0001",
            "summary": "Flight LHR to HND",
            "start": at(today + dt.timedelta(days=19), 11, 30, tz)["start"],
            "end": at(today + dt.timedelta(days=20), 7, 45, "Asia/Tokyo")["end"],
        },
        {
            "id": "review0001",
            "summary": "Project review",
            "description": "Quarterly project review with stakeholders.",
            **at(today + dt.timedelta(days=1), 14, 0, tz, hours=2),
            "attendees": [
                person(ALICE, "accepted", "Alice Example"),
                person(BOB, "accepted", "Bob Example"),
                person(CAROL, "declined", "Carol Example"),
            ],
            "reminders": REMINDERS,
        },
    ]
    events += _filler(today, tz, 42)
    return events


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _filler(today: dt.date, tz: str, count: int) -> list[Event]:
    events = []
    for index in range(count):
        day = today + dt.timedelta(days=index * 61 // count - 30)
        event: Event = {
            "id": f"alicedemo{index + 1:04d}",
            "summary": FILLER[index % len(FILLER)],
            **at(day, 8 + index % 9, 30 if index % 2 else 0, tz, hours=0.5 + index % 3 * 0.5),
        }
        if index % 5 == 0:
            event["location"] = "Meeting room " + "ABC"[index % 3]
        if index % 7 == 3:
            event["attendees"] = [person(ALICE, "accepted"), person(BOB, "needsAction")]
        if index % 11 == 6:
            event["transparency"] = "transparent"
        events.append(event)
    return events


def work_events(today: dt.date) -> list[Event]:
    tz = ZONES[ALICE]
    return [
        {
            "id": "workplan0001",
            "summary": "Quarterly planning",
            **at(today + dt.timedelta(days=4), 13, 0, tz, 3),
        },
        {
            "id": "workone0001",
            "summary": "1:1 with manager",
            **at(_monday(today) - dt.timedelta(days=10), 15, 0, tz, 0.5),
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=8"],
        },
        {
            "id": "workrelease0001",
            "summary": "Release day",
            **all_day(today + dt.timedelta(days=8)),
        },
        {
            "id": "workretro0001",
            "summary": "Sprint retro",
            **at(today - dt.timedelta(days=3), 16, 0, tz),
        },
        {
            "id": "workdemo0001",
            "summary": "Sprint demo",
            **at(today + dt.timedelta(days=11), 16, 0, tz),
        },
    ]


def bob_events(today: dt.date) -> list[Event]:
    tz = ZONES[BOB]
    return [
        {
            "id": "bobdentist0001",
            "summary": "Dentist",
            **at(today + dt.timedelta(days=1), 8, 0, tz),
        },
        {
            "id": "bobgym0001",
            "summary": "Gym",
            **at(today - dt.timedelta(days=7), 18, 0, tz),
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=12"],
        },
        {
            "id": "boblunch0001",
            "summary": "Lunch with Alice",
            **at(today + dt.timedelta(days=2), 12, 30, tz),
            "attendees": [person(BOB, "accepted"), person(ALICE, "accepted")],
        },
        {
            "id": "bobtrip0001",
            "summary": "Trip to Boston",
            **all_day(today + dt.timedelta(days=6), 2),
        },
        {"id": "bobcall0001", "summary": "Call with London", **at(today, 10, 0, tz)},
        *bob_typed_events(today),
        {
            "id": "bobreview0001",
            "summary": "Code review",
            **at(today - dt.timedelta(days=2), 15, 0, tz),
        },
    ]


def bob_typed_events(today: dt.date) -> list[Event]:
    """One event of each type but `default` (bob's calendar is the primary one they need)."""
    tz = ZONES[BOB]
    return [
        {
            "id": "bobfocus0001",
            "summary": "Focus time",
            "eventType": "focusTime",
            **at(today + dt.timedelta(days=1), 13, 0, tz, hours=2),
            "focusTimeProperties": {
                "autoDeclineMode": "declineOnlyNewConflictingInvitations",
                "chatStatus": "doNotDisturb",
            },
        },
        {
            "id": "bobaway0001",
            "summary": "Out of office",
            "eventType": "outOfOffice",
            **at(today + dt.timedelta(days=3), 9, 0, tz, hours=8),
            "outOfOfficeProperties": {
                "autoDeclineMode": "declineAllConflictingInvitations",
                "declineMessage": "Away for the day.",
            },
        },
        {
            "id": "bobhome0001",
            "summary": "Home",
            "eventType": "workingLocation",
            **all_day(today),
            "workingLocationProperties": {"type": "homeOffice", "homeOffice": {}},
        },
        {
            "id": "bobbirthday0001",
            "summary": "Dana's birthday",
            "eventType": "birthday",
            **all_day(today + dt.timedelta(days=12)),
            "recurrence": ["RRULE:FREQ=YEARLY"],
            "birthdayProperties": {"type": "birthday"},
        },
        {
            "id": "bobgmail0001",
            "summary": "Dinner reservation at Ostra",
            "eventType": "fromGmail",
            **at(today + dt.timedelta(days=5), 19, 0, tz, hours=2),
            "location": "Ostra, Boston",
        },
    ]
