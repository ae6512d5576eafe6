"""One event, every output: for the demo seed's kinds of event (a single event, an all-day one,
an unchanged instance of a series, a changed instance, an event in another zone), the REST
API's list item and detail, the page's FullCalendar object, the webhook payload's event and the
ICS feed's VEVENT say the same thing (kits/event_shape.py builds them all)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
import recurring_ical_events
from django.test import Client

from calendar_api.kits.event_shape import SHOWN_TIMES, api_event
from calendar_api.models import Event, WebhookDelivery
from calendar_api.services.changes import changes_record_events
from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.api.test_api_events import every_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instance_id_mode")]
SERIES = "teammeet0001"
MOVED = "Team meeting (moved to Tuesday)"
KINDS = ["single", "all-day", "instance", "changed instance", "other zone"]
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
LOW, HIGH = NOW - dt.timedelta(days=45), NOW + dt.timedelta(days=45)


def instant(value: dict[str, Any]) -> Any:
    """An EventDateTime as what it means: a date, or a UTC instant."""
    if "date" in value:
        return dt.date.fromisoformat(value["date"])
    moment = dt.datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC)


def listed(client: Client) -> list[dict[str, Any]]:
    """The API's list of alice's primary calendar, series expanded, in a window the read
    model's rows answer (window_text's pre-rendered text)."""
    return every_page(
        client,
        events_url(),
        single_events="true",
        time_min=LOW.isoformat(),
        time_max=HIGH.isoformat(),
        page_size=2500,
    )


def chosen(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One list item of each kind."""
    instances = [i for i in items if i.get("recurringEventId") == SERIES]
    return {
        "single": next(i for i in items if i["id"] == "review0001"),
        "all-day": next(i for i in items if i["id"] == "holiday0001"),
        "instance": next(i for i in instances if i["summary"] == "Team meeting"),
        "changed instance": next(i for i in instances if i["summary"] == MOVED),
        "other zone": next(i for i in items if i["id"] == "newyork0001"),
    }


@pytest.fixture
def api_items(alice_client: Client) -> dict[str, dict[str, Any]]:
    return chosen(listed(alice_client))


def page_objects(client: Client, primary: Any) -> dict[str, dict[str, Any]]:
    """The page's FullCalendar objects of alice's primary calendar, by their API id."""
    window = {"start": LOW.isoformat(), "end": HIGH.isoformat()}
    response = client.get("/web/events/", window)
    assert response.status_code == 200, response.content
    objects = [o for o in response.json() if o["extendedProps"]["calendarPk"] == primary.pk]
    return {o["extendedProps"]["eventId"]: o for o in objects}


def page_instant(value: str, all_day: bool) -> Any:
    if all_day:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def stored_row(primary: Any, item: dict[str, Any]) -> Event:
    """The stored Google resource the item comes from (an unchanged instance: its series)."""
    rows = primary.events.all()
    if item.get("recurringEventId"):
        exception = [
            row
            for row in rows.filter(recurring_event_id=item["recurringEventId"])
            if api_event(row.data, primary.time_zone)["id"] == item["id"]
        ]
        return exception[0] if exception else rows.get(google_id=item["recurringEventId"])
    return rows.get(google_id=item["id"])


def webhook_events(client: Client, primary: Any, rows: list[Event]) -> dict[str, Any]:
    """The `data.event` of the deliveries the sync's change log writes for these rows (as if
    each were new), by Google's id. Nothing is sent: the test's transaction never commits."""
    hook = {"url": "https://93.184.215.14/hooks/calendar", "events": ["event.created"]}
    assert send(client, "POST", f"{API}/webhooks/", hook).status_code == 201
    changes_record_events(calendar=primary, events=rows, previous={})
    found = {}
    for body in WebhookDelivery.objects.values_list("body", flat=True):
        data = json.loads(body)["data"]
        assert data["calendar_id"] == primary.google_id
        found[data["event"]["id"]] = data["event"]
    return found


def feed_occurrences(client: Client) -> list[Any]:
    made = send(client, "POST", f"{API}/feeds/", {"calendars": ["primary"], "name": "Mine"})
    assert made.status_code == 201, made.content
    response = Client().get(urlsplit(made.json()["url"]).path)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(recurring_ical_events.of(calendar).between(LOW, HIGH))


def ics_instant(value: Any) -> Any:
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


def test_the_list_item_and_the_detail_of_an_id_are_equal(
    alice_client: Client, api_items: dict[str, dict[str, Any]]
) -> None:
    for kind in KINDS:
        item = api_items[kind]
        detail = alice_client.get(events_url(event_id=item["id"]))
        assert detail.status_code == 200, (kind, detail.content)
        assert detail.json() == item, kind
        assert detail["ETag"] == item["etag"], kind


def test_the_page_shows_the_apis_id_title_instants_location_zone_and_etag(
    alice_client: Client, api_items: dict[str, dict[str, Any]], primary: Any
) -> None:
    objects = page_objects(alice_client, primary)
    for kind in KINDS:
        item = api_items[kind]
        shown = objects[item["id"]]
        props, all_day = shown["extendedProps"], "date" in item["start"]
        assert shown["id"] == f"{primary.pk}:{item['id']}", kind
        assert shown["title"] == item["summary"], kind
        assert shown["allDay"] is all_day, kind
        assert page_instant(shown["start"], all_day) == instant(item["start"]), kind
        assert page_instant(shown["end"], all_day) == instant(item["end"]), kind
        assert props["location"] == item.get("location", ""), kind
        assert props["zone"] == item["start"].get("timeZone", ""), kind
        assert props["seriesId"] == item.get("recurringEventId", ""), kind
        assert props["etag"] == item["etag"], kind


def test_the_webhooks_event_is_the_apis_with_googles_offsets(
    alice_client: Client, api_items: dict[str, dict[str, Any]], primary: Any, instance_id_mode: str
) -> None:
    rows = {kind: stored_row(primary, item) for kind, item in api_items.items()}
    sent = webhook_events(alice_client, primary, list({r.pk: r for r in rows.values()}.values()))
    for kind in KINDS:
        row = rows[kind]
        event = sent[row.google_id]
        # What the API shows for the same stored resource (an unchanged instance: its series).
        shown = alice_client.get(events_url(event_id=row.google_id)).json()
        times = {k: instant(v) for k, v in event.items() if k in SHOWN_TIMES}
        assert times == {k: instant(v) for k, v in shown.items() if k in SHOWN_TIMES}, kind
        zones = {k: event[k].get("timeZone") for k in SHOWN_TIMES if k in event}
        assert zones == {k: shown[k].get("timeZone") for k in SHOWN_TIMES if k in shown}, kind
        rest = {k: v for k, v in event.items() if k not in SHOWN_TIMES}
        expected = {k: v for k, v in shown.items() if k not in SHOWN_TIMES}
        if kind == "changed instance" and instance_id_mode == "opaque":
            # Google's opaque id in the payload, ours in the API (see webhook_event).
            assert rest.pop("id") == row.google_id != expected.pop("id") == api_items[kind]["id"]
        assert rest == expected, kind


def uid_of(client: Client, item: dict[str, Any]) -> str:
    """The UID of the item's VEVENT: its own iCalUID, or for an instance its series' (RFC
    5545 names a changed instance by its series' UID and a RECURRENCE-ID). Google gives every
    instance its series' iCalUID; the emulator's seeded changed instance has one of its own."""
    series = item.get("recurringEventId")
    if not series:
        return str(item["iCalUID"])
    return str(client.get(events_url(event_id=series)).json()["iCalUID"])


def test_the_feed_has_a_vevent_with_the_apis_uid_summary_and_times(
    alice_client: Client, api_items: dict[str, dict[str, Any]]
) -> None:
    occurrences = feed_occurrences(alice_client)
    for kind in KINDS:
        item = api_items[kind]
        uid = uid_of(alice_client, item)
        same = [
            o
            for o in occurrences
            if str(o["UID"]) == uid and ics_instant(o.start) == instant(item["start"])
        ]
        assert len(same) == 1, kind
        assert str(same[0]["SUMMARY"]) == item["summary"], kind
        assert ics_instant(same[0].end) == instant(item["end"]), kind
        assert str(same[0].get("LOCATION", "")) == item.get("location", ""), kind
        if "originalStartTime" in item:
            original = ics_instant(same[0]["RECURRENCE-ID"].dt)
            assert original == instant(item["originalStartTime"]), kind
