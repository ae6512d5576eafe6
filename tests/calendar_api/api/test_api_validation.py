"""Bad input answers 400 in the one error shape, naming the field, and reaches neither Google
nor the store."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from calendar_api import queries
from calendar_api.models import Event
from tests.calendar_api.api.conftest import API, events_url, send
from tests.calendar_api.api.test_api_events import MEETING

pytestmark = pytest.mark.django_db
START = {"dateTime": "2027-02-10T10:00:00Z"}
END = {"dateTime": "2027-02-10T11:00:00Z"}


def body(**change: Any) -> dict[str, Any]:
    return {"summary": "x", "start": START, "end": END, **change}


BAD_BODIES = [
    ("end before start", body(end={"dateTime": "2027-02-10T09:00:00Z"}), "end"),
    (
        "dateTime without offset or zone",
        body(start={"dateTime": "2027-02-10T10:00:00"}),
        "start.dateTime",
    ),
    ("unknown zone", body(start={**START, "timeZone": "Mars/Olympus_Mons"}), "start.timeZone"),
    ("non-ISO date", body(start={"date": "10/02/2027"}, end={"date": "2027-02-11"}), "start.date"),
    (
        "impossible date",
        body(start={"date": "2027-02-30"}, end={"date": "2027-03-01"}),
        "start.date",
    ),
    (
        "all-day ending on its start",
        body(start={"date": "2027-02-10"}, end={"date": "2027-02-10"}),
        "end",
    ),
    ("date mixed with dateTime", body(end={"date": "2027-02-11"}), "end"),
    ("neither date nor dateTime", body(start={"timeZone": "UTC"}), "start.non_field_errors"),
    ("summary too long", body(summary="x" * 1025), "summary"),
    ("description too long", body(description="x" * 8193), "description"),
    (
        "malformed RRULE",
        body(start={**START, "timeZone": "UTC"}, recurrence=["RRULE:FREQ=SOMETIMES"]),
        "recurrence",
    ),
    (
        "unknown recurrence line",
        body(start={**START, "timeZone": "UTC"}, recurrence=["XRULE:1"]),
        "recurrence",
    ),
    ("series without a zone", body(recurrence=["RRULE:FREQ=DAILY"]), "start.timeZone"),
    (
        "too many attendees",
        body(attendees=[{"email": f"g{n}@example.com"} for n in range(1001)]),
        "attendees",
    ),
    ("attendee without email", body(attendees=[{"displayName": "Nobody"}]), "attendees"),
    (
        "six reminders",
        body(reminders={"useDefault": False, "overrides": [{"method": "popup", "minutes": 1}] * 6}),
        "reminders.overrides",
    ),
    (
        "reminder beyond four weeks",
        body(reminders={"useDefault": False, "overrides": [{"method": "popup", "minutes": 40321}]}),
        "reminders.overrides",
    ),
    (
        "defaults and overrides",
        body(reminders={"useDefault": True, "overrides": [{"method": "popup", "minutes": 5}]}),
        "reminders.overrides",
    ),
    ("id outside base32hex", body(id="Not_Base32"), "id"),
    ("id too short", body(id="abc"), "id"),
    ("unknown field", body(colour="red"), "colour"),
    ("bad colour id", body(colorId="12"), "colorId"),
    ("missing end", {"summary": "x", "start": START}, "end"),
    # JSON types as the schema states them (DRF alone would take 0, "yes", "1", 10.0 and 7).
    ("number for a boolean", body(anyoneCanAddSelf=0), "anyoneCanAddSelf"),
    ("string for a boolean", body(guestsCanModify="yes"), "guestsCanModify"),
    ("number for a choice", body(colorId=1), "colorId"),
    (
        "string for a number",
        body(reminders={"useDefault": False, "overrides": [{"method": "popup", "minutes": "5"}]}),
        "reminders.overrides",
    ),
    ("number for a string", body(summary=7), "summary"),
    (
        "number in a recurrence",
        body(start={**START, "timeZone": "UTC"}, recurrence=[7]),
        "recurrence",
    ),
    ("leap second", body(start={"dateTime": "2027-02-10T09:59:60Z"}), "start.dateTime"),
    ("year 2201", body(start={"date": "2201-01-01"}, end={"date": "2201-01-02"}), "start.date"),
    ("week date", body(start={"date": "2027-W06-3"}, end={"date": "2027-02-11"}), "start.date"),
    ("zone not in the enum", body(start={**START, "timeZone": "posixrules"}), "start.timeZone"),
]


def field_named(fields: dict[str, Any], path: str) -> bool:
    node: Any = fields
    for part in path.split("."):
        if isinstance(node, list):
            node = next((n for n in node if isinstance(n, dict) and part in n), {})
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


@pytest.mark.parametrize(("case", "bad", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_a_bad_event_body_answers_400_naming_the_field(
    alice_client: Client, case: str, bad: dict[str, Any], field: str
) -> None:
    before = Event.objects.count()
    response = send(alice_client, "POST", events_url(), bad)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field_named(error["fields"], field), error["fields"]
    assert Event.objects.count() == before


def test_a_patch_is_checked_against_the_stored_event(alice_client: Client) -> None:
    created = send(alice_client, "POST", events_url(), MEETING).json()
    early = {"end": {"dateTime": "2027-02-10T09:00:00Z"}}  # before the stored start
    response = send(alice_client, "PATCH", events_url(event_id=created["id"]), early)
    assert response.status_code == 400
    assert "end" in response.json()["error"]["fields"]


BAD_QUERIES = [
    (events_url(), {"time_min": "2027-02-10T10:00:00"}, "time_min"),
    (events_url(), {"time_min": "2027-02-10"}, "time_min"),
    (
        events_url(),
        {"time_min": "2027-02-10T10:00:00Z", "time_max": "2027-02-10T09:00:00Z"},
        "time_max",
    ),
    (events_url(), {"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    (events_url(), {"page_size": "2501"}, "page_size"),
    (events_url(), {"page_size": "0"}, "page_size"),
    (events_url(), {"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
    (events_url(), {"status": "maybe"}, "status"),
    (events_url(), {"updated_min": "yesterday"}, "updated_min"),
    (events_url(event_id="teammeet0001", suffix="instances/"), {"time_max": "soon"}, "time_max"),
    (f"{API}/freebusy/", {"time_max": "2027-02-10T10:00:00Z"}, "time_min"),
    (
        f"{API}/freebusy/",
        {"time_min": "2027-02-10T10:00:00Z", "time_max": "2027-02-10T10:00:00Z"},
        "time_max",
    ),
    (
        f"{API}/freebusy/",
        {
            "time_min": "2027-02-10T10:00:00Z",
            "time_max": "2027-02-11T10:00:00Z",
            "time_zone": "Nowhere",
        },
        "time_zone",
    ),
]


@pytest.mark.parametrize(("url", "params", "field"), BAD_QUERIES)
def test_a_bad_query_parameter_answers_400_naming_it(
    alice_client: Client, url: str, params: dict[str, str], field: str
) -> None:
    response = alice_client.get(url, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_bad_write_options_answer_400(alice_client: Client) -> None:
    response = send(alice_client, "POST", events_url() + "?send_updates=everyone", MEETING)
    assert response.status_code == 400
    assert "send_updates" in response.json()["error"]["fields"]
    response = alice_client.delete(events_url(event_id="teammeet0001") + "?scope=everything")
    assert response.status_code == 400
    assert "scope" in response.json()["error"]["fields"]


def test_a_body_that_is_not_an_object_answers_400(alice_client: Client) -> None:
    response = send(alice_client, "POST", events_url(), ["not", "an", "event"])
    assert response.status_code == 400
    response = alice_client.post(events_url(), data="{broken", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["", "alicedemo0001/"])
def test_an_empty_time_zone_answers_400(alice_client: Client, path: str) -> None:
    response = alice_client.get(f"{events_url()}{path}?time_zone=")
    assert response.status_code == 400
    assert "time_zone" in response.json()["error"]["fields"]


def test_a_kept_query_is_validated_once_and_a_refused_one_every_time() -> None:
    """queries.parsed_query keeps what a valid query gave (a copy each time); a refused
    query is refused again, never kept."""
    from rest_framework.exceptions import ValidationError

    from calendar_api import validation

    kind = queries.EventListQuerySerializer
    week = {"time_min": "2027-02-10T10:00:00Z", "time_max": "2027-02-17T10:00:00+01:00"}
    queries._parsed_query.cache_clear()
    first = queries.parsed_query(kind, week)
    assert first == validation.parsed(kind, week)
    first["time_min"] = "changed by a caller"
    assert queries.parsed_query(kind, dict(reversed(week.items()))) == validation.parsed(kind, week)
    assert queries._parsed_query.cache_info().hits == 1
    wrong = {**week, "time_max": "2027-02-09T10:00:00Z"}  # before time_min
    for _ in range(2):
        with pytest.raises(ValidationError):
            queries.parsed_query(kind, wrong)
    assert queries._parsed_query.cache_info().currsize == 1


def test_every_problem_of_a_body_comes_at_once_naming_each_bad_guest(
    alice_client: Client,
) -> None:
    bad = body(
        end={"dateTime": "2027-02-10T08:00:00Z"},  # before the start
        attendees=[{"email": "ok@example.com"}, {"email": "bob@"}, {"email": "carol at home"}],
        colorId="99",
        color="red",  # not a field of Google's Event
    )
    response = send(alice_client, "POST", events_url(), bad)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["end"] == ["The end must be after the start."]
    assert fields["attendees"] == {  # by the guest's place in the list, from 0
        "1": {"email": ['"bob@" is not an e-mail address.']},
        "2": {"email": ['"carol at home" is not an e-mail address.']},
    }
    assert set(fields) == {"end", "attendees", "colorId", "color"}


def test_a_wrong_json_type_comes_with_the_other_fields_problems(alice_client: Client) -> None:
    bad = body(summary=7, end={"dateTime": "2027-02-10T08:00:00Z"}, attendees=[{"email": "x"}])
    fields = send(alice_client, "POST", events_url(), bad).json()["error"]["fields"]
    assert set(fields) == {"summary", "end", "attendees"}
