"""ICS feeds through the API: create, list, revoke, and the public URL. The feed, parsed with
`icalendar` and expanded with `recurring-ical-events`, gives exactly the instances that our
events list (`single_events=true`) gives for the same windows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.test import Client

from calendar_api.models import IcsFragment
from calendar_api.services.sync import calendar_sync
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.api.test_api_events import every_page
from tests.emulator.clients import control

pytestmark = pytest.mark.django_db
FEEDS = "/rest/v1/feeds/"
LONDON = ZoneInfo("Europe/London")
SERIES = "teammeet0001"


def make_feed(client: Client, calendars: list[str] | None = None, name: str = "Mine") -> Any:
    response = send(client, "POST", FEEDS, {"calendars": calendars or ["primary"], "name": name})
    assert response.status_code == 201, response.content
    return response.json()


def fetch(client: Client, url: str, **headers: Any) -> Any:
    return client.get(urlsplit(url).path, **headers)


def parsed(client: Client, feed: dict[str, Any]) -> icalendar.Calendar:
    response = fetch(Client(), feed["url"])
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def windows() -> list[tuple[dt.datetime, dt.datetime]]:
    """Windows from 10 weeks back to 8 months ahead (both DST changes of London and New
    York), edges at local midnight."""
    today = dt.datetime.now(LONDON).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - dt.timedelta(days=70)
    found = []
    for n in range(0, 300, 30):
        low = (start + dt.timedelta(days=n)).replace(tzinfo=None).replace(tzinfo=LONDON)
        high = (low + dt.timedelta(days=30)).replace(tzinfo=None).replace(tzinfo=LONDON)
        found.append((low, high))
    return found


def moment(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return value


def edge(value: dict[str, Any]) -> Any:
    if "date" in value:
        return dt.date.fromisoformat(value["date"])
    return dt.datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00")).astimezone(dt.UTC)


def from_api(client: Client, low: dt.datetime, high: dt.datetime) -> Counter[tuple[Any, ...]]:
    listed = every_page(
        client,
        events_url(),
        single_events="true",
        time_min=low.isoformat(),
        time_max=high.isoformat(),
        page_size=2500,
    )
    return Counter((e.get("summary", ""), edge(e["start"]), edge(e["end"])) for e in listed)


def from_feed(
    calendar: icalendar.Calendar, low: dt.datetime, high: dt.datetime
) -> Counter[tuple[Any, ...]]:
    found = recurring_ical_events.of(calendar).between(low, high)
    return Counter(
        (str(e.get("SUMMARY", "")), moment(e.start), moment(e.end))
        for e in found
        if e.name == "VEVENT"
    )


def assert_feed_equals_api(client: Client, feed: dict[str, Any]) -> int:
    calendar = parsed(client, feed)
    total = 0
    for low, high in windows():
        ours, theirs = from_api(client, low, high), from_feed(calendar, low, high)
        assert theirs == ours, (low, theirs - ours, ours - theirs)
        total += sum(ours.values())
    return total


def test_the_feed_expands_to_the_instances_the_api_lists(alice_client: Client) -> None:
    total = assert_feed_equals_api(alice_client, make_feed(alice_client))
    assert total > 50


def test_moved_cancelled_and_split_instances_match_too(alice_client: Client) -> None:
    feed = make_feed(alice_client)
    parsed(alice_client, feed)  # the stored VEVENTs must follow the changes below
    url = events_url(event_id=SERIES, suffix="instances/")
    low, high = windows()[2]
    listed = every_page(alice_client, url, time_min=low.isoformat(), time_max=high.isoformat())
    moved, cancelled, split = listed[0], listed[1], listed[3]
    start = edge(moved["start"]) + dt.timedelta(hours=3)
    body = {
        "summary": "Moved by the test",
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": (start + dt.timedelta(hours=1)).isoformat()},
    }
    assert send(alice_client, "PATCH", events_url(event_id=moved["id"]), body).status_code == 200
    assert alice_client.delete(events_url(event_id=cancelled["id"])).status_code == 204
    following = events_url(event_id=split["id"]) + "?scope=following"
    answer = send(alice_client, "PATCH", following, {"summary": "Team meeting, new era"})
    assert answer.status_code == 200, answer.content
    assert assert_feed_equals_api(alice_client, feed) > 50
    calendar = parsed(alice_client, feed)
    texts = calendar.to_ical().decode()
    assert "RECURRENCE-ID" in texts and "EXDATE" in texts and "UNTIL=" in texts


def test_the_feed_is_a_proper_calendar(alice_client: Client) -> None:
    calendar = parsed(alice_client, make_feed(alice_client, name="Alice at work"))
    assert calendar.calendar_name == "Alice at work"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert calendar.get_missing_tzids() == set()
    assert {"Europe/London", "America/New_York", "Asia/Tokyo"} <= {
        tz.tz_name for tz in calendar.timezones
    }
    events = calendar.events
    all_day = [e for e in events if not isinstance(e.start, dt.datetime)]
    assert all_day and all(e.end > e.start for e in all_day)  # DTEND exclusive
    with_people = [e for e in events if e.get("ATTENDEE")]
    assert with_people
    assert all(str(e["URL"]).startswith("http") for e in events)
    series = [e for e in events if e.get("RRULE")]
    changed = [e for e in events if e.get("RECURRENCE-ID")]
    assert changed and {e.uid for e in changed} <= {e.uid for e in series}


def test_the_feed_answers_304_to_its_etag_and_date(alice_client: Client) -> None:
    feed = make_feed(alice_client)
    first = fetch(Client(), feed["url"])
    assert first["ETag"] and first["Last-Modified"]
    again = fetch(Client(), feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = fetch(Client(), feed["url"], HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_change_gives_a_new_etag(alice_client: Client) -> None:
    feed = make_feed(alice_client)
    first = fetch(Client(), feed["url"])
    body = {
        "summary": "Added",
        "start": {"dateTime": "2026-12-20T10:00:00Z"},
        "end": {"dateTime": "2026-12-20T11:00:00Z"},
    }
    assert send(alice_client, "POST", events_url(), body).status_code == 201
    after = fetch(Client(), feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert b"SUMMARY:Added" in after.content


def test_feeds_are_listed_without_their_secret_and_can_be_revoked(alice_client: Client) -> None:
    feed = make_feed(alice_client)
    secret = urlsplit(feed["url"]).path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(secret) >= 22  # 256 random bits, URL-safe base64
    listed = alice_client.get(FEEDS).json()
    assert [f["id"] for f in listed["results"]] == [feed["id"]]
    assert "url" not in listed["results"][0] and secret not in str(listed)
    assert listed["results"][0]["calendars"] == ["alice@example.com"]
    from calendar_api.models import CalendarFeed

    assert secret not in str(list(CalendarFeed.objects.values()))
    assert alice_client.delete(f"{FEEDS}{feed['id']}/").status_code == 204
    gone = fetch(Client(), feed["url"])
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"


def test_rotating_the_secret_gives_a_new_url_and_the_old_one_answers_404(
    alice_client: Client, bob_client: Client
) -> None:
    feed = make_feed(alice_client)
    assert bob_client.post(f"{FEEDS}{feed['id']}/rotate-secret/").status_code == 404
    rotated = alice_client.post(f"{FEEDS}{feed['id']}/rotate-secret/")
    assert rotated.status_code == 200, rotated.content
    body = rotated.json()
    assert body["id"] == feed["id"] and body["url"] != feed["url"]
    assert body["url"].rsplit("/", 1)[0] == feed["url"].rsplit("/", 1)[0]
    assert fetch(Client(), feed["url"]).status_code == 404
    assert fetch(Client(), body["url"]).status_code == 200
    assert "url" not in alice_client.get(FEEDS).json()["results"][0]


def test_an_unknown_secret_is_404(client: Client) -> None:
    assert client.get("/rest/v1/feeds/ics/nonsense.ics").status_code == 404
    assert client.get("/rest/v1/feeds/ics/" + "x" * 500 + ".ics").status_code == 404


def test_another_users_feed_cannot_be_seen_or_revoked(
    alice_client: Client, bob_client: Client
) -> None:
    feed = make_feed(alice_client)
    assert bob_client.get(FEEDS).json()["results"] == []
    assert bob_client.delete(f"{FEEDS}{feed['id']}/").status_code == 404
    assert fetch(Client(), feed["url"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"calendars": []}, "calendars"),
        ({"calendars": ["nobody@example.com"]}, "calendars"),
        ({"calendars": "primary"}, "calendars"),
        ({"calendars": ["primary"], "name": "x" * 300}, "name"),
        ({}, "calendars"),
    ],
)
def test_bad_feed_bodies_are_refused(alice_client: Client, body: Any, field: str) -> None:
    response = send(alice_client, "POST", FEEDS, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_another_users_calendar_cannot_be_put_in_a_feed(
    alice_client: Client, bob_client: Client
) -> None:
    response = send(bob_client, "POST", FEEDS, {"calendars": ["alice@example.com"]})
    assert response.status_code == 400


def test_feeds_need_a_signed_in_user(client: Client) -> None:
    assert client.get(FEEDS).status_code in (401, 403)


def test_a_full_resync_drops_the_fragments_and_the_feed_stays_whole(
    alice_client: Client, alice: Any, google: Any
) -> None:
    feed = make_feed(alice_client)
    before = fetch(Client(), feed["url"]).content
    assert IcsFragment.objects.exists()
    control(google.base_url, "expire-sync-tokens")
    assert calendar_sync(calendar=alice.calendars.get(primary=True)).mode == "full"
    assert not IcsFragment.objects.exists()  # they went with the events they were made from
    assert fetch(Client(), feed["url"]).content == before


def private_event(client: Client, summary: str, visibility: str, **more: Any) -> dict[str, Any]:
    body = {
        "summary": summary,
        "description": f"{summary}: the agenda",
        "location": f"{summary}: the place",
        "visibility": visibility,
        "attendees": [{"email": "carol@example.com", "displayName": "Carol"}],
        "start": {"dateTime": "2026-12-21T10:00:00Z"},
        "end": {"dateTime": "2026-12-21T11:00:00Z"},
        **more,
    }
    made = send(client, "POST", events_url(), body)
    assert made.status_code == 201, made.content
    return dict(made.json())


def feed_events(feed: dict[str, Any]) -> dict[str, icalendar.Event]:
    calendar = parsed(Client(), feed)
    return {str(e["UID"]): e for e in calendar.events if e.get("RECURRENCE-ID") is None}


def test_private_and_confidential_events_are_marked_so_in_a_full_feed(
    alice_client: Client,
) -> None:
    private = private_event(alice_client, "Doctor", "private")
    confidential = private_event(alice_client, "Lawyer", "confidential")
    public = private_event(alice_client, "Standup", "public")
    feed = make_feed(alice_client)
    assert feed["private_events"] == "full"
    events = feed_events(feed)
    assert events[private["iCalUID"]]["CLASS"] == "PRIVATE"
    assert events[private["iCalUID"]]["SUMMARY"] == "Doctor"  # in full: the owner's own client
    assert events[confidential["iCalUID"]]["CLASS"] == "CONFIDENTIAL"
    assert "CLASS" not in events[public["iCalUID"]]


def assert_busy_only(event: icalendar.Event, made: dict[str, Any]) -> None:
    assert event["SUMMARY"] == "Busy" and event["CLASS"] in ("PRIVATE", "CONFIDENTIAL")
    for hidden in ("DESCRIPTION", "LOCATION", "ATTENDEE", "ORGANIZER", "URL"):
        assert hidden not in event, hidden
    assert event.start == edge(made["start"]) and event.end == edge(made["end"])


def test_a_busy_feed_shows_private_events_as_busy_time_only(alice_client: Client) -> None:
    private = private_event(alice_client, "Doctor", "private")
    weekly: dict[str, Any] = {"recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5"]}
    weekly |= {"start": {"dateTime": "2026-12-22T10:00:00", "timeZone": "Europe/London"}}
    weekly |= {"end": {"dateTime": "2026-12-22T11:00:00", "timeZone": "Europe/London"}}
    series = private_event(alice_client, "Therapy", "confidential", **weekly)
    public = private_event(alice_client, "Standup", "public")
    feed = make_feed(alice_client)
    full = fetch(Client(), feed["url"])
    changed = send(alice_client, "PATCH", f"{FEEDS}{feed['id']}/", {"private_events": "busy"})
    assert changed.status_code == 200 and changed.json()["private_events"] == "busy"
    again = fetch(Client(), feed["url"], HTTP_IF_NONE_MATCH=full["ETag"])
    assert again.status_code == 200  # a new ETag: clients fetch the busy version
    events = feed_events(feed)
    assert_busy_only(events[private["iCalUID"]], private)
    assert_busy_only(events[series["iCalUID"]], series)
    rule: Any = events[series["iCalUID"]]["RRULE"]
    assert rule["COUNT"] == [5]
    assert events[public["iCalUID"]]["SUMMARY"] == "Standup"
    assert events[public["iCalUID"]]["LOCATION"] == "Standup: the place"
    text = fetch(Client(), feed["url"]).content.decode()
    assert "Doctor" not in text and "Therapy" not in text


def test_a_feed_can_be_made_busy_only_from_the_start_and_bad_modes_are_refused(
    alice_client: Client,
) -> None:
    private = private_event(alice_client, "Doctor", "private")
    body = {"calendars": ["primary"], "private_events": "busy"}
    created = send(alice_client, "POST", FEEDS, body)
    assert created.status_code == 201 and created.json()["private_events"] == "busy"
    assert alice_client.get(FEEDS).json()["results"][0]["private_events"] == "busy"
    assert_busy_only(feed_events(created.json())[private["iCalUID"]], private)
    wrong = send(alice_client, "POST", FEEDS, {**body, "private_events": "hidden"})
    assert wrong.status_code == 400 and "private_events" in wrong.json()["error"]["fields"]
    feed_id = created.json()["id"]
    patched = send(alice_client, "PATCH", f"{FEEDS}{feed_id}/", {"private_events": 1})
    assert patched.status_code == 400
