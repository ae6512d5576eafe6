"""The page's window as JSON text (web/window_text.py) equals the read model's window shaped
object by object by `fullcalendar_event`, inside the horizon and outside it, over several
calendars; and a kept window is never served once anything it shows has changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from calendar_api.kits.event_shape import fullcalendar_event
from calendar_api.models import Calendar
from calendar_api.reads.window import instances_in_window
from calendar_api.services.sync import calendar_sync
from calendar_api.web import window_text
from calendar_api.web.window import look, shown_calendars
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.api.test_read_model import add_endless_series

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instance_id_mode")]
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
WINDOWS = {
    "this week": (NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=4)),
    # Eighty days around now cross a DST change in one hemisphere or the other.
    "eighty days": (NOW - dt.timedelta(days=40), NOW + dt.timedelta(days=40)),
    "beyond the horizon": (NOW + dt.timedelta(days=900), NOW + dt.timedelta(days=960)),
}


def expected(user: Any, low: dt.datetime, high: dt.datetime) -> list[dict[str, Any]]:
    """The window as the dict path builds it: every item of the read model's window, shaped
    by fullcalendar_event, ordered by start, then id, then the calendar's place."""
    found = []
    for place, shown in enumerate(shown_calendars(user=user)):
        for item in instances_in_window(calendars=[shown.calendar], time_min=low, time_max=high):
            shaped = fullcalendar_event(item.event, look(shown), item.version)
            if shaped is not None:
                found.append(((item.start, str(item.event.get("id", "")), place), shaped))
    return [shaped for _, shaped in sorted(found, key=lambda pair: pair[0])]


def shown_on_page(client: Client, low: dt.datetime, high: dt.datetime) -> list[dict[str, Any]]:
    response = client.get("/web/events/", {"start": low.isoformat(), "end": high.isoformat()})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return list(response.json())


@pytest.fixture
def two_calendars(alice: Any, visitor: Client) -> Any:
    """alice (the user): her primary calendar with endless series added, and a second calendar
    synced."""
    add_endless_series(visitor)
    other = alice.calendars.filter(primary=False).order_by("pk").first()
    assert other is not None
    Calendar.objects.filter(pk=other.pk).update(sync_enabled=True)
    calendar_sync(calendar=Calendar.objects.get(pk=other.pk))
    return alice.user


@pytest.mark.parametrize("name", list(WINDOWS))
def test_the_windows_text_equals_the_shaped_dicts(
    two_calendars: Any, visitor: Client, name: str
) -> None:
    low, high = WINDOWS[name]
    wanted = expected(two_calendars, low, high)
    assert len({o["extendedProps"]["calendarPk"] for o in wanted}) == 2 or name != "eighty days"
    assert len(wanted) > 5
    window_text.PIECES.clear()
    assert shown_on_page(visitor, low, high) == wanted  # built
    assert shown_on_page(visitor, low, high) == wanted  # kept


def test_a_kept_window_costs_the_query_of_the_shown_calendars_alone(
    alice: Any, visitor: Client, django_assert_max_num_queries: Any
) -> None:
    low, high = WINDOWS["this week"]
    first = shown_on_page(visitor, low, high)
    with django_assert_max_num_queries(3) as queries:  # session, user, shown calendars
        assert shown_on_page(visitor, low, high) == first
    assert not [q for q in queries.captured_queries if "calendar_api_instance" in q["sql"]]


def test_a_kept_window_is_never_served_after_a_change(
    alice: Any, visitor: Client, gcal: Any
) -> None:
    primary = alice.calendars.get(primary=True)
    low, high = WINDOWS["this week"]
    first = shown_on_page(visitor, low, high)
    single = next(o for o in first if not o["extendedProps"]["seriesId"] and not o["allDay"])
    event_id = single["extendedProps"]["eventId"]

    # A change at Google, synced: the next request shows it.
    gcal.events().patch(
        calendarId="primary", eventId=event_id, body={"summary": "At Google"}
    ).execute()
    assert calendar_sync(calendar=Calendar.objects.get(pk=primary.pk)).mode == "incremental"
    titles = {o["extendedProps"]["eventId"]: o["title"] for o in shown_on_page(visitor, low, high)}
    assert titles[event_id] == "At Google"

    # A write through the API: the next request shows it.
    answer = send(visitor, "DELETE", events_url(event_id=event_id))
    assert answer.status_code == 204, answer.content
    shown = shown_on_page(visitor, low, high)
    assert event_id not in [o["extendedProps"]["eventId"] for o in shown]

    # How the page shows the calendar is part of what is kept: a new colour shows at once.
    Calendar.objects.filter(pk=primary.pk).update(color="#123456")
    assert {o["backgroundColor"] for o in shown_on_page(visitor, low, high)} == {"#123456"}
