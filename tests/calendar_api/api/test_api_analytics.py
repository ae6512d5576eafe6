"""Analytics through the real API: a small calendar made for the test (through our API, at the
emulator), and figures computed by hand below."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import events_url, send

pytestmark = pytest.mark.django_db
URL = "/rest/v1/analytics/"
# The week of Monday 11 January 2027. London is on UTC then, so the times below are local too.
WEEK = {"time_min": "2027-01-11T00:00:00Z", "time_max": "2027-01-18T00:00:00Z"}
ME = {"email": "alice@example.com"}


def person(name: str, **extra: Any) -> dict[str, Any]:
    return {"email": f"{name}@example.com", "displayName": name.title(), **extra}


def timed(summary: str, day: int, start: str, end: str, **extra: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "start": {"dateTime": f"2027-01-{day:02d}T{start}:00Z"},
        "end": {"dateTime": f"2027-01-{day:02d}T{end}:00Z"},
        **extra,
    }


GUESTS = [person(f"g{n}") for n in range(1, 7)]
ROOM = {"email": "room1@resource.example.com", "resource": True}
EVENTS = [
    # Monday: 09:00-11:00 busy (three overlapping meetings), 12:00-13:00 lunch alone.
    timed("1:1 with Bob", 11, "09:00", "10:00", attendees=[ME, person("bob")]),
    timed("Planning", 11, "09:30", "11:00", attendees=[ME, *map(person, ("bob", "carol", "dan"))]),
    timed("Lunch", 11, "12:00", "13:00"),
    timed(
        "Declined",
        11,
        "14:00",
        "15:00",
        attendees=[{**ME, "responseStatus": "declined"}, person("bob")],
    ),
    timed("Free time", 11, "15:00", "16:00", transparency="transparent"),
    # Tuesday evening: a 1:1 after hours.
    timed("Late call", 12, "18:00", "19:30", attendees=[ME, person("erin")]),
    # Wednesday: all day (not counted in hours).
    {"summary": "Offsite", "start": {"date": "2027-01-13"}, "end": {"date": "2027-01-14"}},
    # Thursday 08:00-10:00: a large meeting (alice and six guests; the room is no person).
    timed("Early review", 14, "08:00", "10:00", attendees=[ME, ROOM, *GUESTS]),
    # Friday: bob declined and only a room is left, so not a meeting.
    timed(
        "Review",
        15,
        "13:00",
        "14:00",
        attendees=[ME, person("bob", responseStatus="declined"), ROOM],
    ),
    # Saturday: an hour, all of it after hours.
    timed("Weekend", 16, "10:00", "11:00"),
    # A daily stand-up, Monday to Friday 10:00-10:15, with bob and carol (recurring, small).
    {
        **timed("Stand-up", 11, "10:00", "10:15", attendees=[ME, person("bob"), person("carol")]),
        "start": {"dateTime": "2027-01-11T10:00:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2027-01-11T10:15:00", "timeZone": "Europe/London"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=5"],
    },
]


@pytest.fixture
def small_calendar(google: Any, sign_in: Callable[..., Client]) -> Client:
    """alice with an empty primary calendar (Europe/London), filled with EVENTS."""
    google.emulator.reset("empty")
    client = sign_in("alice@example.com")
    for body in EVENTS:
        response = send(client, "POST", events_url() + "?send_updates=none", body)
        assert response.status_code == 201, response.content
    return client


def test_the_figures_of_a_small_week_are_the_hand_computed_ones(small_calendar: Client) -> None:
    response = small_calendar.get(URL, {**WEEK, "time_zone": "Europe/London"})
    assert response.status_code == 200, response.content
    body = response.json()
    # Counted: Mon 09-11 + 12-13 (3h), Tue 10-10:15 + 18-19:30 (1.75h), Wed 10-10:15 (0.25h),
    # Thu 08-10:15 (2.25h), Fri 10-10:15 + 13-14 (1.25h), Sat 10-11 (1h).
    assert body["total_event_hours"] == 9.5
    # Meetings: Mon 09-11 (2h), Tue 0.25 + 1.5, Wed 0.25, Thu 08-10:15 (2.25), Fri 0.25.
    assert body["meeting_hours"] == 6.5
    # Outside 09-17 Mon-Fri: Tue 18-19:30, Thu 08-09, Saturday's hour.
    assert body["after_hours_hours"] == 3.5
    assert body["meetings"] == {
        "count": 9,
        "one_on_one": 2,  # 1:1 with Bob, Late call
        "small": 6,  # Planning (4 people), five stand-ups (3)
        "large": 1,  # Early review (7)
        "recurring": 5,
        "one_off": 4,
        "recurring_share": 0.56,
    }
    # Free 2h+ inside 09-17: Mon 13-17, Tue/Wed/Thu 10:15-17, Fri 10:15-13 and 14-17.
    focus = body["focus_blocks"]
    assert (focus["count"], focus["hours"]) == (6, 30.0)
    assert focus["blocks"][0] == {"start": "2027-01-11T13:00:00Z", "end": "2027-01-11T17:00:00Z"}
    monday = body["by_day"][0]
    assert monday == {
        "date": "2027-01-11",
        "event_hours": 3.0,
        "meeting_hours": 2.0,
        "focus_hours": 4.0,
        "after_hours_hours": 0.0,
    }
    assert [d["event_hours"] for d in body["by_day"]] == [3.0, 1.75, 0.25, 2.25, 1.25, 1.0, 0.0]
    top = [(p["email"].split("@")[0], p["hours"], p["meetings"]) for p in body["top_collaborators"]]
    assert top == [
        ("bob", 3.75, 7),
        ("carol", 2.75, 6),
        *[(f"g{n}", 2.0, 1) for n in range(1, 7)],
        ("dan", 1.5, 1),
        ("erin", 1.5, 1),
    ]
    assert body["top_collaborators"][0]["name"] == "Bob"
    assert body["working_hours"] == {
        "start": "09:00",
        "end": "17:00",
        "days": [0, 1, 2, 3, 4],
        "time_zone": "Europe/London",
        "source": "preferences",
    }
    assert body["calendars"] == ["alice@example.com"]


def test_working_hours_come_from_the_preferences(small_calendar: Client) -> None:
    from django.contrib.auth import get_user_model

    from calendar_api.services.preferences import preferences_update

    user = get_user_model().objects.get(google_accounts__email="alice@example.com")
    import datetime as dt

    preferences_update(user=user, work_start=dt.time(8), work_end=dt.time(18))
    body = small_calendar.get(URL, WEEK).json()
    assert body["time_zone"] == "Europe/London"  # no preference: the primary calendar's
    assert body["working_hours"]["start"] == "08:00"
    assert body["after_hours_hours"] == 2.5  # Thursday 08-09 is working time now


def test_another_zone_moves_the_days(small_calendar: Client) -> None:
    body = small_calendar.get(
        URL,
        {
            "time_min": "2027-01-11T00:00:00-05:00",
            "time_max": "2027-01-18T00:00:00-05:00",
            "time_zone": "America/New_York",
        },
    ).json()
    # New York's Monday starts at 05:00 UTC and its day holds everything of London's Monday
    # plus nothing else; the window now ends 05:00 UTC on the 18th, so it holds all events.
    assert body["total_event_hours"] == 9.5
    assert body["by_day"][0]["date"] == "2027-01-11"
    assert body["by_day"][0]["event_hours"] == 3.0
    assert body["time_min"] == "2027-01-11T00:00:00-05:00"


def test_without_a_window_it_is_this_week(small_calendar: Client) -> None:
    body = small_calendar.get(URL).json()
    assert len(body["by_day"]) == 7


@pytest.mark.parametrize(
    "params",
    [
        {"time_min": "2027-01-11T00:00:00Z"},
        {"time_min": "2027-01-11T00:00:00Z", "time_max": "2028-03-01T00:00:00Z"},
        {**WEEK, "time_zone": "Mars/Olympus"},
        {"time_min": "yesterday", "time_max": "2027-01-18T00:00:00Z"},
        {"time_min": "2027-01-18T00:00:00Z", "time_max": "2027-01-11T00:00:00Z"},
    ],
)
def test_bad_parameters_are_refused(alice_client: Client, params: dict[str, str]) -> None:
    response = alice_client.get(URL, params)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"


def test_another_users_calendar_is_not_found(alice_client: Client, bob_client: Client) -> None:
    response = bob_client.get(URL, {**WEEK, "calendar": "alice@example.com"})
    assert response.status_code == 404


def test_analytics_need_a_signed_in_user(client: Client) -> None:
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize("indexed", [True, False], ids=["in the horizon", "beyond it"])
def test_analytics_reads_the_instances_the_events_list_gives(
    alice_client: Client, indexed: bool
) -> None:
    """The counted time is exactly the events list's timed, busy, not-declined instances, read
    from the index inside the stored horizon and expanded on demand beyond it."""
    import datetime as dt
    from collections import Counter

    from calendar_api.analytics.services import busy_in
    from calendar_api.kits.recurrence import Window
    from calendar_api.models import Calendar
    from calendar_api.reads import window as read_model
    from tests.calendar_api.api.test_api_events import every_page

    low = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=70)
    high = low + dt.timedelta(days=270)
    if not indexed:  # the stored horizon ends inside the window: both expand on demand
        Calendar.objects.filter(google_id="alice@example.com").update(instances_until=low)
    listed = every_page(
        alice_client,
        events_url(),
        single_events="true",
        time_min=low.isoformat(),
        time_max=high.isoformat(),
        page_size=2500,
    )

    def counted(event: dict[str, Any]) -> bool:
        mine = [a for a in event.get("attendees", []) if a.get("self")]
        declined = any(a.get("responseStatus") == "declined" for a in mine)
        busy = event.get("transparency") != "transparent"
        return "dateTime" in event["start"] and busy and not declined

    def instant(edge: dict[str, Any]) -> dt.datetime:
        return dt.datetime.fromisoformat(edge["dateTime"].replace("Z", "+00:00"))

    expected = Counter(
        (instant(e["start"]).timestamp(), instant(e["end"]).timestamp())
        for e in listed
        if counted(e)
    )
    calendar = Calendar.objects.get(google_id="alice@example.com")
    found = Counter(
        (b.start, b.end) for b in busy_in(calendars=[calendar], window=Window(low, high))
    )
    assert len(expected) > 20
    assert found == expected
    assert read_model.covers(calendar, Window(low, high)) == indexed


def test_the_schema_documents_analytics_and_feeds_with_examples(client: Client) -> None:
    schema = client.get("/rest/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    analytics = paths["/rest/v1/analytics/"]["get"]
    assert analytics["responses"]["200"]["content"]["application/json"]["examples"]
    assert {"400", "404", "409"} <= set(analytics["responses"])
    create = paths["/rest/v1/feeds/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert create["responses"]["201"]["content"]["application/json"]["examples"]
    assert "delete" in paths["/rest/v1/feeds/{id}/"]
    ics = paths["/rest/v1/feeds/ics/{secret}.ics"]["get"]
    assert "text/calendar" in ics["responses"]["200"]["content"]


@pytest.mark.parametrize("indexed", [True, False], ids=["both indexed", "one expanded"])
def test_an_event_in_two_calendars_counts_once(alice: Any, indexed: bool) -> None:
    """An invitation sits in the organiser's calendar and the guest's with the same id: the
    report over both counts it once, whichever way each calendar is read."""
    import datetime as dt

    from calendar_api.analytics.services import busy_in
    from calendar_api.kits.recurrence import Window
    from calendar_api.models import Calendar
    from calendar_api.reads import window as read_model
    from calendar_api.services import instances
    from calendar_api.services.event_rows import events_store

    mine = alice.calendars.get(primary=True)
    team = Calendar.objects.create(account=alice, google_id="team@example.com", time_zone="UTC")
    instances.instances_reset(calendar=team)
    team.refresh_from_db()
    low = dt.datetime.now(dt.UTC).replace(microsecond=0, second=0, minute=0) + dt.timedelta(days=1)
    window = Window(low, low + dt.timedelta(days=1))

    def at(hour: int, event_id: str) -> dict[str, Any]:
        start = low + dt.timedelta(hours=hour)
        return {
            "id": event_id,
            "status": "confirmed",
            "summary": event_id,
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + dt.timedelta(hours=1)).isoformat()},
            "attendees": [{"email": "alice@example.com"}, {"email": "team@example.com"}],
        }

    shared = at(3, "sharedinvite01")
    events_store(calendar=mine, items=[shared])
    events_store(calendar=team, items=[shared, at(5, "teamonly00001")])
    if not indexed:
        Calendar.objects.filter(pk=team.pk).update(instances_until=low)
        team.refresh_from_db()
    assert read_model.covers(team, window) == indexed
    mine.refresh_from_db()

    def starts(*calendars: Calendar) -> list[float]:
        return sorted(
            b.start - low.timestamp() for b in busy_in(calendars=calendars, window=window)
        )

    assert 3 * 3600 in starts(mine)  # among the demo's events of that day
    assert starts(mine, team) == sorted([*starts(mine), 5 * 3600])
