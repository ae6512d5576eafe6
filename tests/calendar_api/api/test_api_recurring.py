"""Recurring events through the API, compared with what the emulator's events.instances says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.api.test_api_events import every_page, instant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instance_id_mode")]
SERIES = "teammeet0001"  # alice's weekly meeting: one moved and one cancelled instance


def window() -> dict[str, str]:
    low = (dt.datetime.now(dt.UTC) - dt.timedelta(days=70)).replace(microsecond=0)
    return {"time_min": low.isoformat(), "time_max": (low + dt.timedelta(days=200)).isoformat()}


def shape(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Ids aside (Google's may be opaque; ours are `<seriesId>_<original start>`)."""
    return [(instant(e["start"]), e.get("summary"), e["status"]) for e in items]


def ours(client: Client, series: str = SERIES) -> list[tuple[Any, ...]]:
    url = events_url(event_id=series, suffix="instances/")
    return shape(every_page(client, url, page_size=9, **window()))


def googles(gcal: Any, series: str = SERIES) -> list[tuple[Any, ...]]:
    span = window()
    found = (
        gcal.events()
        .instances(
            calendarId="primary", eventId=series, timeMin=span["time_min"], timeMax=span["time_max"]
        )
        .execute()["items"]
    )
    return shape(found)


def nth_instance(client: Client, n: int) -> dict[str, Any]:
    url = events_url(event_id=SERIES, suffix="instances/")
    return dict(every_page(client, url, **window())[n])


def test_the_instances_of_a_series_equal_googles(alice_client: Client, gcal: Any) -> None:
    found = ours(alice_client)
    assert len(found) > 10
    assert any("moved" in str(summary) for _, summary, _ in found)
    assert found == googles(gcal)


def google_instance(gcal: Any, original: dict[str, Any]) -> dict[str, Any]:
    """Google's instance of SERIES that originally starts at `original` (its id is opaque)."""
    when = original.get("dateTime") or original["date"]
    found = gcal.events().instances(calendarId="primary", eventId=SERIES, originalStart=when)
    return dict(found.execute()["items"][0])


def test_an_instance_id_can_be_read_like_any_event(
    alice_client: Client, gcal: Any, instance_id_mode: str
) -> None:
    instance = nth_instance(alice_client, 2)
    assert instance["id"].startswith(SERIES + "_")
    response = alice_client.get(events_url(event_id=instance["id"]))
    assert response.status_code == 200
    truth = google_instance(gcal, instance["originalStartTime"])
    assert instant(response.json()["start"]) == instant(truth["start"])
    assert response.json()["recurringEventId"] == SERIES
    assert (truth["id"] == instance["id"]) == (instance_id_mode == "google")


def test_changing_one_instance_changes_only_it(alice_client: Client, gcal: Any) -> None:
    instance = nth_instance(alice_client, 1)
    url = events_url(event_id=instance["id"])
    response = send(alice_client, "PATCH", url, {"summary": "Just this once"})
    assert response.status_code == 200, response.content
    found = ours(alice_client)
    assert [s for _, s, _ in found].count("Just this once") == 1
    assert found == googles(gcal)


def test_cancelling_one_instance_removes_only_it(alice_client: Client, gcal: Any) -> None:
    instance = nth_instance(alice_client, 3)
    before = ours(alice_client)
    assert alice_client.delete(events_url(event_id=instance["id"])).status_code == 204
    found = ours(alice_client)
    assert len(found) == len(before) - 1
    assert instant(instance["start"]) not in [start for start, *_ in found]
    assert found == googles(gcal)


def test_changing_the_series_changes_every_instance(alice_client: Client, gcal: Any) -> None:
    response = send(alice_client, "PATCH", events_url(event_id=SERIES), {"location": "Room 9"})
    assert response.status_code == 200, response.content
    assert ours(alice_client) == googles(gcal)
    listed = every_page(alice_client, events_url(event_id=SERIES, suffix="instances/"), **window())
    generated = [
        e
        for e in listed
        if e["id"].startswith(SERIES + "_") and "moved" not in e.get("summary", "")
    ]
    assert generated and all(e["location"] == "Room 9" for e in generated)


def test_this_and_following_splits_the_series_like_google_calendar(
    alice_client: Client, gcal: Any
) -> None:
    before = ours(alice_client)
    instance = nth_instance(alice_client, 9)
    url = events_url(event_id=instance["id"]) + "?scope=following"
    response = send(alice_client, "PATCH", url, {"summary": "Team meeting v2"})
    assert response.status_code == 200, response.content
    new_series = response.json()
    assert new_series["id"] != SERIES and new_series["recurrence"]
    old, new = ours(alice_client), ours(alice_client, new_series["id"])
    assert old == googles(gcal) and new == googles(gcal, new_series["id"])
    assert old == before[:9]
    assert new[0][0] == instant(instance["start"])
    assert {summary for *_, summary, _ in new} == {"Team meeting v2"}
    assert new_series["start"]["timeZone"] == "Europe/London"


def test_deleting_this_and_following_ends_the_series_before_it(
    alice_client: Client, gcal: Any
) -> None:
    instance = nth_instance(alice_client, 5)
    url = events_url(event_id=instance["id"]) + "?scope=following"
    assert alice_client.delete(url).status_code == 204
    found = ours(alice_client)
    assert len(found) == 5
    assert found == googles(gcal)


def test_this_and_following_from_a_cancelled_instance_needs_its_times(
    alice_client: Client, gcal: Any
) -> None:
    """A cancelled instance keeps no start or end: a PATCH without them answers 400 (it was a
    500), and a PUT, which gives them, splits the series there."""
    instance = nth_instance(alice_client, 4)
    assert alice_client.delete(events_url(event_id=instance["id"])).status_code == 204
    url = events_url(event_id=instance["id"]) + "?scope=following"
    patched = send(alice_client, "PATCH", url, {"summary": "Team meeting v2"})
    assert patched.status_code == 400, patched.content
    assert patched.json()["error"]["code"] == "instance_cancelled"
    whole = {"summary": "v2", "start": instance["start"], "end": instance["end"]}
    put = send(alice_client, "PUT", url, whole)
    assert put.status_code == 200, put.content
    assert ours(alice_client, put.json()["id"]) == googles(gcal, put.json()["id"])


def test_instances_of_a_single_event_are_refused(alice_client: Client) -> None:
    listed = every_page(alice_client, events_url())
    single = next(e for e in listed if "recurrence" not in e and "recurringEventId" not in e)
    response = alice_client.get(events_url(event_id=single["id"], suffix="instances/"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_recurring"
