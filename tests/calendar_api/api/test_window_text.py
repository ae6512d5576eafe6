"""Windows rendered straight to JSON text (services/window_text.py) equal the rendered dicts
shifted into the zone, item by item, and the per-process cache never serves an old version."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from calendar_api.kits.event_shape import event_in_zone
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar
from calendar_api.reads import window as read_model
from calendar_api.reads import window_text
from calendar_api.renderers import ApiJSONRenderer, RawJSON
from calendar_api.services import instances
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.api.test_read_model import add_endless_series

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instance_id_mode")]
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


def both(calendar: Calendar, window: Window, zone: str) -> tuple[list[Any], list[Any]]:
    """Every item of the window, from the text path and from the dict path."""
    shown = ZoneInfo(zone)
    texts: list[Any] = []
    dicts: list[Any] = []
    for into, zone_shown in ((texts, shown), (dicts, None)):
        cursor = None
        while True:
            page = read_model.instances_page(
                calendar=calendar, window=window, size=7, cursor=cursor, shown=zone_shown
            )
            assert page is not None
            into += page.items
            if page.next is None:
                break
            cursor = page.next
    parsed = [json.loads(item.text) for item in texts]
    return parsed, [event_in_zone(item, shown) for item in dicts]


@pytest.mark.parametrize("zone", ZONES)
def test_text_items_equal_the_shifted_dicts(alice_client: Client, primary: Any, zone: str) -> None:
    add_endless_series(alice_client)
    calendar = Calendar.objects.get(pk=primary.pk)
    # Two months around now cross a DST change in one hemisphere or the other.
    window = Window(NOW - dt.timedelta(days=40), NOW + dt.timedelta(days=40))
    window_text.CACHE.clear()
    cold, expected = both(calendar, window, zone)
    warm, _ = both(calendar, window, zone)
    assert len(expected) > 40
    assert cold == expected
    assert warm == expected


def test_a_changed_event_is_never_served_from_the_cache(alice_client: Client, primary: Any) -> None:
    calendar = Calendar.objects.get(pk=primary.pk)
    window = Window(NOW - dt.timedelta(days=40), NOW + dt.timedelta(days=40))
    before, _ = both(calendar, window, "Europe/London")
    series = next(item for item in before if item.get("recurringEventId"))
    master = series["recurringEventId"]
    answer = send(alice_client, "PATCH", events_url(event_id=master), {"summary": "Renamed"})
    assert answer.status_code == 200, answer.content
    after, expected = both(Calendar.objects.get(pk=primary.pk), window, "Europe/London")
    assert after == expected
    # The series' unchanged instances carry the new title (its changed ones keep their own).
    titles = [item.get("summary") for item in after if item.get("recurringEventId") == master]
    assert "Renamed" not in [item.get("summary") for item in before]
    assert titles.count("Renamed") > len(titles) / 2


def test_the_renderer_puts_raw_json_in_place_and_escapes_like_drf() -> None:
    data = {
        "next": None,
        "previous": "http://x/?cursor=a",
        "results": [RawJSON('{"id":"a"}'), RawJSON('{"id":"b","summary":"é"}')],
        "note": "line\u2028break",
    }
    rendered = ApiJSONRenderer().render(data)
    assert json.loads(rendered) == {
        "next": None,
        "previous": "http://x/?cursor=a",
        "results": [{"id": "a"}, {"id": "b", "summary": "é"}],
        "note": "line\u2028break",
    }
    plain = {k: v for k, v in data.items() if k != "results"}
    assert ApiJSONRenderer().render(plain) == rendered.replace(
        b',"results":[{"id":"a"},{"id":"b","summary":"\xc3\xa9"}]', b""
    )
    assert b"\\u2028" in rendered


def week_of(client: Client, low: dt.datetime) -> list[dict[str, Any]]:
    params = {
        "single_events": "true",
        "page_size": "250",
        "time_min": low.isoformat(),
        "time_max": (low + dt.timedelta(days=7)).isoformat(),
    }
    answer = client.get(events_url(), params)
    assert answer.status_code == 200, answer.content
    return list(answer.json()["results"])


def test_a_page_asked_again_comes_from_the_page_cache_until_anything_changes(
    alice_client: Client, primary: Any, gcal: Any, django_assert_max_num_queries: Any
) -> None:
    from calendar_api.services.sync import calendar_sync

    add_endless_series(alice_client)
    low = NOW - dt.timedelta(days=1)
    first = week_of(alice_client, low)
    assert first
    with django_assert_max_num_queries(3) as queries:  # session, user, calendar: no rows read
        assert week_of(alice_client, low) == first
    assert not [q for q in queries.captured_queries if "calendar_api_instance" in q["sql"]]

    # A change at Google, synced: the next request shows it.
    item = next(e for e in first if not e.get("recurringEventId"))
    gcal.events().patch(
        calendarId="primary", eventId=item["id"], body={"summary": "At Google"}
    ).execute()
    assert calendar_sync(calendar=Calendar.objects.get(pk=primary.pk)).mode == "incremental"
    assert "At Google" in [e.get("summary") for e in week_of(alice_client, low)]

    # A write through our API: the next request shows it.
    body = {
        "summary": "Written here",
        "start": {"dateTime": (low + dt.timedelta(hours=30)).isoformat()},
        "end": {"dateTime": (low + dt.timedelta(hours=31)).isoformat()},
    }
    assert send(alice_client, "POST", events_url(), body).status_code == 201
    assert "Written here" in [e.get("summary") for e in week_of(alice_client, low)]

    # The periodic rebuild of the horizon (rows dropped and written again) is a change too.
    calendar = Calendar.objects.get(pk=primary.pk)
    before = calendar.read_version
    instances.calendar_instances_extend(calendar=calendar)
    assert Calendar.objects.get(pk=primary.pk).read_version > before
    assert "Written here" in [e.get("summary") for e in week_of(alice_client, low)]
