"""The product's recurrence expansion (calendar_api/kits/recurrence.py) and the emulator's
(google_emulator/calendar/recurrence.py, asked over HTTP with the official client's
events.instances) checked against answers that are not theirs: the recurring series of the
test calendars that ship inside recurring-ical-events (expanded live by that library) and the
cases of table.py (RFC 5545's examples and hand-worked rules, which recurring-ical-events is
checked against too). Every case is a test id; every window is explicit, so no answer depends
on today's date.

Where an answer differs on purpose, KNOWN says exactly how and why, and the test asserts that
it still differs in exactly that way: a difference that goes away, or changes, fails the test
until KNOWN (and docs/recurrence.md) follow. REFUSED lists the cases Google's rules refuse on
write, which both must refuse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from googleapiclient.errors import HttpError

from calendar_api.kits import recurrence
from google_emulator import EmulatorServer
from tests.emulator.clients import service
from tests.recurrence.cases import Case, Start, compared, normal, shown
from tests.recurrence.corpus import corpus_cases
from tests.recurrence.rows import case_of
from tests.recurrence.table import ROWS
from tests.recurrence.table_own import OWN_ROWS

CORPUS = corpus_cases()
TABLE = [case_of(row) for row in [*ROWS, *OWN_ROWS]]
CASES = {case.id: case for case in CORPUS + TABLE}

HOURLY = "Google refuses FREQ=HOURLY, MINUTELY and SECONDLY."
REFUSED = {
    **{f"ical:Germany_Holidays#{n}": "An empty RRULE (no FREQ)." for n in range(1, 35)},
    "ical:bad_rrule_missing_until_event#1": "UNTL is not an RRULE part (a typo of UNTIL).",
    "ical:issue_128_only_first_event#1": "COUNT=-1, and COUNT with UNTIL.",
    "rfc-every-3-hours": HOURLY,
    "rfc-every-15-minutes": HOURLY,
    "rfc-every-90-minutes": HOURLY,
    "rfc-every-20-minutes-minutely": HOURLY,
}


@dataclasses.dataclass(frozen=True)
class Known:
    only_expected: tuple[str, ...]
    only_ours: tuple[str, ...]
    why: str


UNTIL_BEFORE_START = (
    "UNTIL before DTSTART. RFC 5545 leaves a DTSTART that its rule does not produce undefined; "
    "we keep DTSTART as the first instance (it 'defines the first instance', 3.8.2.4), so an "
    "event never vanishes because of its rule. recurring-ical-events reads it as deleted, as "
    "Atlassian Confluence writes it."
)
KNOWN = {
    ("ical:issue_117_until_before_dtstart#1", "product"): Known(
        (), ("2023-10-02",), UNTIL_BEFORE_START
    ),
    ("ical:issue_117_until_before_dtstart#1", "emulator"): Known(
        (), ("2023-10-02",), UNTIL_BEFORE_START
    ),
    ("open-until-before-dtstart", "recurring-ical-events"): Known(
        ("2026-03-02T08:00:00Z",), (), UNTIL_BEFORE_START
    ),
    ("open-until-date-on-timed", "recurring-ical-events"): Known(
        ("2026-03-16T08:00:00Z",),
        (),
        "A DATE UNTIL on a timed series (RFC 5545: the types must match). recurring-ical-events "
        "ends it at the day's first moment; we end it with the whole day, as Google's editor "
        "writes 'until' a day.",
    ),
    ("own-exdate-matching-nothing", "recurring-ical-events"): Known(
        ("2026-03-03T08:00:00Z",),
        (),
        "recurring-ical-events removes an instance when an EXDATE falls within it (here 10:00, "
        "the end of the 09:00-10:00 instance); RFC 5545 3.8.5.1 excludes the instances that "
        "start at an EXDATE, as we do.",
    ),
    ("rfc-every-3-hours", "recurring-ical-events"): Known(
        ("1997-09-02T19:00:00Z",),
        (),
        "The RFC's own slip: UNTIL=19970902T170000Z is 13:00 EDT, so its 15:00 instance is past "
        "UNTIL. (A refused case: Google takes no HOURLY rule.)",
    ),
}


def product_starts(case: Case) -> list[Start]:
    master = {"id": "case", **case.event}
    window = recurrence.Window(case.low, case.high)
    starts, _cut = recurrence.occurrences(master, "UTC", window)
    return [normal(s) if s.tzinfo else s.date() for s in starts]


def ical_starts(case: Case) -> list[Start]:
    """recurring-ical-events' answer for a table case, from the ICS lines of its event."""
    start = case.event["start"]
    if "date" in start:
        head = "DTSTART;VALUE=DATE:" + start["date"].replace("-", "")
    else:
        local = dt.datetime.fromisoformat(start["dateTime"]).strftime("%Y%m%dT%H%M%S")
        head = f"DTSTART;TZID={start['timeZone']}:{local}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tests//recurrence//EN",
        "BEGIN:VEVENT",
        "UID:case",
        head,
        *case.event["recurrence"],
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    calendar = icalendar.Calendar.from_ical("\r\n".join(lines) + "\r\n")
    return [
        normal(e["DTSTART"].dt)
        for e in recurring_ical_events.of(calendar).between(case.low, case.high)
    ]


@pytest.fixture(scope="module")
def emulator_answers(google_emulator_server: EmulatorServer) -> dict[str, Any]:
    """Every case inserted at the emulator, in a calendar of its own, and its instances read
    back in the case's window; "refused" where the insert answered 400."""
    calendar = service(google_emulator_server.base_url)
    calendar_id = calendar.calendars().insert(body={"summary": "Recurrence corpus"}).execute()["id"]
    events = calendar.events()  # one resource: building one per call costs more than the call
    answers: dict[str, Any] = {}
    for case in CASES.values():
        body = {"summary": case.id, **case.event}
        try:
            event = events.insert(calendarId=calendar_id, body=body).execute()
        except HttpError as error:
            answers[case.id] = "refused" if error.resp.status == 400 else error
            continue
        answers[case.id] = _instances(events, calendar_id, event["id"], case)
    return answers


def _instances(events: Any, calendar_id: str, event_id: str, case: Case) -> list[Start]:
    found: list[Start] = []
    request = events.instances(
        calendarId=calendar_id,
        eventId=event_id,
        maxResults=2500,
        timeMin=case.low.isoformat(),
        timeMax=case.high.isoformat(),
    )
    while request is not None:
        page = request.execute()
        for item in page["items"]:
            original = item["originalStartTime"]
            found.append(
                dt.date.fromisoformat(original["date"])
                if "date" in original
                else normal(dt.datetime.fromisoformat(original["dateTime"]))
            )
        request = events.instances_next(request, page)
    return found


def check(case: Case, who: str, answer: list[Start]) -> None:
    """`answer` gives `case`'s expected starts, or differs exactly as KNOWN says."""
    want, have = compared(case, case.expected), compared(case, answer)
    missing = tuple(shown(sorted(set(want) - set(have))))
    extra = tuple(shown(sorted(set(have) - set(want))))
    known = KNOWN.get((case.id, who))
    if known is not None:
        assert (missing, extra) == (known.only_expected, known.only_ours), known.why
        return
    assert shown(have) == shown(want), f"{who} differs from {case.source}"


COMPARED = [pytest.param(case, id=case.id) for case in CASES.values() if case.id not in REFUSED]


@pytest.mark.parametrize("case", COMPARED)
def test_the_product_gives_the_expected_instances(case: Case) -> None:
    check(case, "product", product_starts(case))


@pytest.mark.parametrize("case", COMPARED)
def test_the_emulator_gives_the_expected_instances(
    case: Case, emulator_answers: dict[str, Any]
) -> None:
    answer = emulator_answers[case.id]
    assert isinstance(answer, list), f"the emulator answered {answer!r}"
    check(case, "emulator", answer)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in TABLE])
def test_recurring_ical_events_gives_the_table_instances(case: Case) -> None:
    check(case, "recurring-ical-events", ical_starts(case))


@pytest.mark.parametrize("case_id", sorted(REFUSED))
def test_a_rule_google_refuses_is_refused_by_both(
    case_id: str, emulator_answers: dict[str, Any]
) -> None:
    case = CASES[case_id]
    start = recurrence.dtstart(case.event, "UTC")
    with pytest.raises(ValueError):
        recurrence.check_lines(case.event["recurrence"], start)
    assert emulator_answers[case_id] == "refused"


def test_every_known_difference_and_refusal_names_a_case() -> None:
    assert {case_id for case_id, _who in KNOWN} <= set(CASES)
    assert set(REFUSED) <= set(CASES)
    assert {who for _case_id, who in KNOWN} <= {"product", "emulator", "recurring-ical-events"}
