"""A realistic gcsa session, run unchanged under `python -m google_emulator exec`.

It signs in through gcsa's own InstalledAppFlow (a stand-in browser follows the consent page)
and uses calendars, events, instances, ACL, colours, settings, free/busy, quickAdd and Meet at
Google's real hostnames. It prints one JSON line of what it saw; any failure exits non-zero.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

from gcsa.acl import AccessControlRule, ACLRole, ACLScopeType
from gcsa.calendar import Calendar
from gcsa.conference import ConferenceSolutionCreateRequest, SolutionType
from gcsa.event import Event
from gcsa.google_calendar import GoogleCalendar
from gcsa.recurrence import DAILY, Recurrence


def main(credentials_path: str, token_path: str, port: int) -> dict[str, object]:
    gc = GoogleCalendar(
        credentials_path=credentials_path, token_path=token_path, authentication_flow_port=port
    )
    seen: dict[str, object] = {}
    trips = gc.add_calendar(Calendar("Trips", description="Holidays", timezone="Europe/Paris"))
    trips.summary = "Trips 2031"
    gc.update_calendar(trips)
    seen["calendars"] = sorted(c.summary for c in gc.get_calendar_list())
    start = datetime(2031, 4, 7, 9, tzinfo=UTC)
    standup = gc.add_event(
        Event(
            "Standup",
            start=start,
            end=start + timedelta(minutes=15),
            timezone="Europe/Paris",
            recurrence=[Recurrence.rule(freq=DAILY, count=5)],
        ),
        calendar_id=trips.id,
    )
    week = {"time_min": start, "time_max": start + timedelta(days=7)}
    seen["instances"] = len(list(gc.get_instances(standup, calendar_id=trips.id, **week)))
    standup.summary = "Daily standup"
    gc.update_event(standup, calendar_id=trips.id)
    listed = gc.get_events(
        start, start + timedelta(days=7), calendar_id=trips.id, single_events=True
    )
    seen["listed"] = sorted({e.summary for e in listed})
    rule = gc.add_acl_rule(
        AccessControlRule(
            role=ACLRole.READER, scope_type=ACLScopeType.USER, scope_value="bob@example.com"
        ),
        calendar_id=trips.id,
    )
    seen["acl"] = sorted(r.role for r in gc.get_acl_rules(calendar_id=trips.id))
    gc.delete_acl_rule(rule, calendar_id=trips.id)
    seen["event_colors"] = len(gc.list_event_colors())
    seen["calendar_colors"] = len(gc.list_calendar_colors())
    seen["timezone"] = gc.get_settings().timezone
    busy = gc.get_free_busy([trips.id], time_min=start, time_max=start + timedelta(days=1))
    seen["busy"] = len(busy.calendars[trips.id])
    quick = gc.add_quick_event("Lunch with Bob tomorrow at 12:30")
    seen["quick"] = [quick.summary, quick.start.strftime("%H:%M")]
    call = gc.add_event(
        Event(
            "Call",
            start=start + timedelta(days=1),
            end=start + timedelta(days=1, hours=1),
            conference_solution=ConferenceSolutionCreateRequest(
                solution_type=SolutionType.HANGOUTS_MEET
            ),
        )
    )
    # A created conference (Google's usual answer) parses as ConferenceSolution; one still
    # pending as ConferenceSolutionCreateRequest.
    seen["meet"] = type(call.conference_solution).__name__
    call = gc.get_event(call.event_id)
    seen["meet_link"] = str(call.conference_solution.entry_points[0].uri)[:24]
    moved = gc.move_event(call, destination_calendar_id=trips.id)
    seen["moved"] = moved.summary
    gc.delete_event(quick)
    gc.delete_calendar(trips)
    seen["after_delete"] = "Trips 2031" in [c.summary for c in gc.get_calendar_list()]
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
