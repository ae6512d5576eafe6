"""The HTTP contract clients rely on: ETag and If-Match/If-None-Match, 201 with Location,
unknown query parameters refused (Google's spellings accepted), `?account=` for `primary`."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.api.test_api_events import MEETING

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(alice_client: Client) -> dict[str, Any]:
    created = send(alice_client, "POST", events_url(), MEETING)
    assert created.status_code == 201
    return dict(created.json())


def test_a_create_answers_201_with_location_and_etag(alice_client: Client) -> None:
    created = send(alice_client, "POST", events_url(), MEETING)
    assert created.status_code == 201
    assert created["ETag"] == created.json()["etag"]
    location = created["Location"]
    assert location.startswith("http://127.0.0.1:8000/rest/v1/calendars/")
    assert alice_client.get(location).json()["id"] == created.json()["id"]


def test_a_get_carries_the_stored_etag_and_honours_if_none_match(
    alice_client: Client, event: dict[str, Any]
) -> None:
    url = events_url(event_id=event["id"])
    got = alice_client.get(url)
    assert got["ETag"] == event["etag"]
    unchanged = alice_client.get(url, HTTP_IF_NONE_MATCH=event["etag"])
    assert unchanged.status_code == 304 and unchanged["ETag"] == event["etag"]
    assert alice_client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_stale_if_match_answers_412_and_changes_nothing(
    alice_client: Client, event: dict[str, Any], gcal: Any
) -> None:
    url = events_url(event_id=event["id"])
    first = send(alice_client, "PATCH", url, {"summary": "A"}, HTTP_IF_MATCH=event["etag"])
    assert first.status_code == 200 and first["ETag"] != event["etag"]
    second = send(alice_client, "PATCH", url, {"summary": "B"}, HTTP_IF_MATCH=event["etag"])
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "precondition_failed"
    at_google = gcal.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert at_google["summary"] == "A"
    assert send(alice_client, "DELETE", url, HTTP_IF_MATCH=event["etag"]).status_code == 412
    assert send(alice_client, "DELETE", url, HTTP_IF_MATCH=first["ETag"]).status_code == 204


def test_if_none_match_star_refuses_to_overwrite(
    alice_client: Client, event: dict[str, Any]
) -> None:
    url = events_url(event_id=event["id"])
    refused = send(alice_client, "PUT", url, MEETING, HTTP_IF_NONE_MATCH="*")
    assert refused.status_code == 412


@pytest.mark.parametrize(
    ("param", "value"),
    [("timeMin", "2026-01-01T00:00:00Z"), ("maxResults", "5"), ("singleEvents", "true")],
)
def test_googles_spellings_are_accepted(alice_client: Client, param: str, value: str) -> None:
    ours = {"timeMin": "time_min", "maxResults": "page_size", "singleEvents": "single_events"}
    aliased = alice_client.get(events_url(), {param: value})
    plain = alice_client.get(events_url(), {ours[param]: value})
    assert aliased.status_code == 200
    assert [e["id"] for e in aliased.json()["results"]] == [
        e["id"] for e in plain.json()["results"]
    ]


def test_a_page_token_alias_pages_on(alice_client: Client) -> None:
    first = alice_client.get(events_url(), {"maxResults": "3"}).json()
    second = alice_client.get(first["next"]).json()
    assert second["results"] and second["results"][0]["id"] != first["results"][0]["id"]


@pytest.mark.parametrize(
    "url",
    [
        events_url() + "?timemin=2026-01-01T00:00:00Z",
        events_url() + "?orderBy=startTime",
        events_url(event_id="whatever") + "?fields=id",
        f"{API}/freebusy/?time_min=2026-01-01T00:00:00Z&time_max=2026-01-02T00:00:00Z&foo=1",
        events_url() + "?time_min=2026-01-01T00:00:00Z&timeMin=2026-01-01T00:00:00Z",
    ],
)
def test_an_unknown_query_parameter_answers_400_naming_it(alice_client: Client, url: str) -> None:
    answer = alice_client.get(url)
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert set(fields) & {"timemin", "orderBy", "fields", "foo", "timeMin"}


def test_account_picks_another_accounts_primary(
    alice_client: Client, connect: Any, google: Any
) -> None:
    assert connect("bob@example.com").status_code == 200  # linked to alice, signed in
    mine = alice_client.get(f"{API}/calendars/primary/").json()
    bobs = alice_client.get(f"{API}/calendars/primary/events/", {"account": "bob@example.com"})
    assert bobs.status_code == 200
    assert mine["account"] == "alice@example.com"
    bob_primary = alice_client.get(events_url(), {"account": "BOB@example.com"})
    assert bob_primary.status_code == 200
    nobody = alice_client.get(events_url(), {"account": "carol@example.com"})
    assert nobody.status_code == 404


def test_a_login_hint_that_is_no_email_answers_400(visitor: Client, google: Any) -> None:
    answer = visitor.get("/rest/v1/calendar/init/", {"login_hint": "not an email"})
    assert answer.status_code == 400


def _series_and_instance(alice_client: Client) -> tuple[dict[str, Any], str]:
    body = {**MEETING, "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"]}
    series = send(alice_client, "POST", events_url(), body).json()
    listed = alice_client.get(events_url(event_id=series["id"], suffix="instances/")).json()
    return series, listed["results"][1]["id"]


def test_an_instance_never_changed_carries_its_series_etag(alice_client: Client) -> None:
    """A generated instance has no etag of its own: its version is its series', so a change
    to the series makes a client's copy of the instance stale (412), as at Google."""
    series, instance_id = _series_and_instance(alice_client)
    url = events_url(event_id=instance_id)
    assert alice_client.get(url)["ETag"] == series["etag"]
    renamed = send(alice_client, "PATCH", events_url(event_id=series["id"]), {"summary": "Renamed"})
    assert renamed.status_code == 200 and renamed["ETag"] != series["etag"]
    stale = send(alice_client, "PATCH", url, {"location": "B"}, HTTP_IF_MATCH=series["etag"])
    assert stale.status_code == 412
    fresh = send(alice_client, "PATCH", url, {"location": "B"}, HTTP_IF_MATCH=renamed["ETag"])
    assert fresh.status_code == 200
    assert alice_client.get(url)["ETag"] == fresh["ETag"] != renamed["ETag"]


def test_a_deleted_event_is_restored_by_setting_it_confirmed(
    alice_client: Client, event: dict[str, Any], gcal: Any
) -> None:
    """What the page's Undo sends after a delete: the event's fields, status confirmed."""
    url = events_url(event_id=event["id"])
    assert send(alice_client, "DELETE", url).status_code == 204
    assert alice_client.get(url).json()["status"] == "cancelled"
    fields = {k: event[k] for k in ("summary", "location", "start", "end")}
    restored = send(alice_client, "PATCH", url, {**fields, "status": "confirmed"})
    assert restored.status_code == 200, restored.content
    assert alice_client.get(url).json()["status"] == "confirmed"
    at_google = gcal.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert (at_google["status"], at_google["summary"]) == ("confirmed", "Planning")


def test_a_deleted_instance_is_restored_with_its_fields(alice_client: Client, gcal: Any) -> None:
    series, instance_id = _series_and_instance(alice_client)
    url = events_url(event_id=instance_id)
    shown = alice_client.get(url).json()
    assert send(alice_client, "DELETE", url).status_code == 204
    fields = {k: shown[k] for k in ("summary", "location", "start", "end")}
    restored = send(alice_client, "PATCH", url, {**fields, "status": "confirmed"})
    assert restored.status_code == 200, restored.content
    listed = alice_client.get(events_url(event_id=series["id"], suffix="instances/")).json()
    assert [i["id"] for i in listed["results"]].count(instance_id) == 1
    at_google = gcal.events().instances(calendarId="primary", eventId=series["id"]).execute()
    assert len(at_google["items"]) == 4


def test_a_412_from_google_stores_googles_version_for_the_reload(
    alice_client: Client, event: dict[str, Any], gcal: Any
) -> None:
    """Changed at Google, not yet synced: the store's etag still matches the client's, Google
    refuses the write (412), and the client's reload then reads Google's version."""
    body = {"location": "Room 9"}
    gcal.events().patch(calendarId="primary", eventId=event["id"], body=body).execute()
    url = events_url(event_id=event["id"])
    refused = send(alice_client, "PATCH", url, {"summary": "Mine"}, HTTP_IF_MATCH=event["etag"])
    assert refused.status_code == 412
    reloaded = alice_client.get(url)
    assert reloaded.json()["location"] == "Room 9" and reloaded.json()["summary"] == "Planning"
    assert reloaded["ETag"] != event["etag"]
    again = send(alice_client, "PATCH", url, {"summary": "Mine"}, HTTP_IF_MATCH=reloaded["ETag"])
    assert again.status_code == 200
    at_google = gcal.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert (at_google["summary"], at_google["location"]) == ("Mine", "Room 9")
