"""Recurring events: singleEvents expansion, moved/cancelled exceptions, instances, orderBy."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from tests.emulator.clients import service, validate

SERIES = "teammeet0001"


@pytest.fixture
def calendar(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def everything(calendar: Any, **params: Any) -> list[dict[str, Any]]:
    request = calendar.events().list(calendarId="primary", maxResults=2500, **params)
    items: list[dict[str, Any]] = []
    while request is not None:
        page = validate(request.execute(), "Events")
        items += [validate(i, "Event") for i in page["items"]]
        request = calendar.events().list_next(request, page)
    return items


def instances(calendar: Any, **params: Any) -> list[dict[str, Any]]:
    page = validate(
        calendar.events().instances(calendarId="primary", eventId=SERIES, **params).execute(),
        "Events",
    )
    return [validate(i, "Event") for i in page["items"]]


def test_it_expands_the_weekly_series_with_a_moved_and_without_the_cancelled_instance(
    calendar: Any,
) -> None:
    found = [
        i for i in everything(calendar, singleEvents=True) if i.get("recurringEventId") == SERIES
    ]
    assert len(found) == 15  # 16 weekly occurrences, one cancelled
    moved = [i for i in found if i["summary"].startswith("Team meeting (moved")]
    assert len(moved) == 1
    original = dt.datetime.fromisoformat(moved[0]["originalStartTime"]["dateTime"])
    start = dt.datetime.fromisoformat(moved[0]["start"]["dateTime"])
    assert start - original == dt.timedelta(days=1, hours=4)
    assert moved[0]["id"] == SERIES + "_" + original.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert all("recurrence" not in i for i in found)


def test_it_lists_the_master_and_its_exceptions_without_single_events(calendar: Any) -> None:
    items = everything(calendar)
    master = next(i for i in items if i["id"] == SERIES)
    assert master["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=16"]
    exceptions = [i for i in items if i.get("recurringEventId") == SERIES]
    assert sorted(e["status"] for e in exceptions) == ["cancelled", "confirmed"]
    cancelled = next(e for e in exceptions if e["status"] == "cancelled")
    assert set(cancelled) >= {"id", "recurringEventId", "originalStartTime"}


def test_it_gives_instances_with_and_without_deleted_ones(calendar: Any) -> None:
    assert len(instances(calendar)) == 15
    with_deleted = instances(calendar, showDeleted=True)
    assert len(with_deleted) == 16
    assert sum(i["status"] == "cancelled" for i in with_deleted) == 1


def test_it_filters_instances_by_original_start_and_time_bounds(calendar: Any) -> None:
    every = instances(calendar)
    third = every[2]
    picked = instances(calendar, originalStart=third["originalStartTime"]["dateTime"])
    assert [i["id"] for i in picked] == [third["id"]]
    bounded = instances(
        calendar, timeMin=every[3]["end"]["dateTime"], timeMax=every[6]["start"]["dateTime"]
    )
    assert [i["id"] for i in bounded] == [i["id"] for i in every[4:6]]


def test_it_applies_exdate_and_rdate(calendar: Any) -> None:
    found = [
        i
        for i in everything(calendar, singleEvents=True)
        if i.get("recurringEventId") == "standup0001"
    ]
    days = [dt.date.fromisoformat(i["start"]["dateTime"][:10]) for i in found]
    assert sum(d.weekday() == 5 for d in days) == 1  # the RDATE Saturday
    assert len(days) == len(set(days))
    weekdays = {d for d in days if d.weekday() < 5}
    span = [days[0] + dt.timedelta(days=n) for n in range((days[-1] - days[0]).days + 1)]
    assert len([d for d in span if d.weekday() < 5 and d not in weekdays]) == 1  # the EXDATE


def test_it_orders_by_start_time_only_with_single_events(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", orderBy="startTime").execute()
    assert caught.value.status_code == 400
    items = everything(calendar, singleEvents=True, orderBy="startTime")
    starts = [
        dt.datetime.fromisoformat(
            i["start"].get("dateTime") or i["start"]["date"] + "T00:00:00+00:00"
        )
        for i in items
    ]
    assert starts == sorted(starts)


def test_it_orders_by_updated(calendar: Any) -> None:
    calendar.events().patch(
        calendarId="primary", eventId="alicedemo0001", body={"summary": "Touched"}
    ).execute()
    items = everything(calendar, orderBy="updated")
    assert items[-1]["id"] == "alicedemo0001"
    assert [i["updated"] for i in items] == sorted(i["updated"] for i in items)


def test_it_uses_exclusive_time_bounds_on_end_and_start(calendar: Any) -> None:
    event = calendar.events().get(calendarId="primary", eventId="alicedemo0010").execute()
    start, end = event["start"]["dateTime"], event["end"]["dateTime"]
    ids = lambda **p: {i["id"] for i in everything(calendar, singleEvents=True, **p)}  # noqa: E731
    assert "alicedemo0010" not in ids(timeMin=end, timeMax="2100-01-01T00:00:00Z")
    assert "alicedemo0010" in ids(timeMin=start, timeMax="2100-01-01T00:00:00Z")
    assert "alicedemo0010" not in ids(timeMin="2000-01-01T00:00:00Z", timeMax=start)
    assert "alicedemo0010" in ids(timeMin="2000-01-01T00:00:00Z", timeMax=end)


def test_it_answers_400_for_an_empty_or_malformed_time_range(calendar: Any) -> None:
    with pytest.raises(HttpError) as empty:
        calendar.events().list(
            calendarId="primary", timeMin="2030-01-02T00:00:00Z", timeMax="2030-01-01T00:00:00Z"
        ).execute()
    assert (
        empty.value.status_code == 400
        and empty.value.error_details[0]["reason"] == "timeRangeEmpty"
    )
    with pytest.raises(HttpError) as bad:
        calendar.events().list(calendarId="primary", timeMin="2030-01-02T00:00:00").execute()
    assert bad.value.status_code == 400


def test_it_searches_summary_description_location_and_attendees(calendar: Any) -> None:
    assert {i["id"] for i in everything(calendar, q="stakeholders")} == {"review0001"}
    assert "conference0001" in {i["id"] for i in everything(calendar, q="lisbon")}
    by_attendee = {i["id"] for i in everything(calendar, q="carol@example.com")}
    assert {SERIES, "review0001"} <= by_attendee


def test_it_renders_times_in_the_requested_time_zone(calendar: Any) -> None:
    event = (
        calendar.events()
        .get(calendarId="primary", eventId="tokyo0001", timeZone="Asia/Tokyo")
        .execute()
    )
    assert (
        event["start"]["dateTime"].endswith("+09:00") and event["start"]["timeZone"] == "Asia/Tokyo"
    )
    page = (
        calendar.events()
        .list(calendarId="primary", timeZone="America/New_York", maxResults=1)
        .execute()
    )
    assert page["timeZone"] == "America/New_York"


def test_it_gets_a_generated_instance_by_its_id(calendar: Any) -> None:
    first = instances(calendar)[0]
    found = validate(
        calendar.events().get(calendarId="primary", eventId=first["id"]).execute(), "Event"
    )
    assert found["recurringEventId"] == SERIES and found["start"] == first["start"]


def test_it_turns_a_changed_instance_into_an_exception(calendar: Any) -> None:
    first = instances(calendar)[0]
    changed = (
        calendar.events()
        .patch(calendarId="primary", eventId=first["id"], body={"summary": "Special edition"})
        .execute()
    )
    assert changed["id"] == first["id"] and changed["recurringEventId"] == SERIES
    again = instances(calendar)
    assert again[0]["summary"] == "Special edition" and again[1]["summary"] == "Team meeting"
    calendar.events().delete(calendarId="primary", eventId=again[1]["id"]).execute()
    assert len(instances(calendar)) == 14
    gone = calendar.events().get(calendarId="primary", eventId=again[1]["id"]).execute()
    assert gone["status"] == "cancelled"


def test_it_needs_a_time_zone_for_a_recurring_event(calendar: Any) -> None:
    body: dict[str, Any] = {
        "summary": "Weekly",
        "start": {"dateTime": "2030-01-07T10:00:00Z"},
        "end": {"dateTime": "2030-01-07T11:00:00Z"},
        "recurrence": ["RRULE:FREQ=WEEKLY"],
    }
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=body).execute()
    assert caught.value.status_code == 400
    body["start"]["timeZone"] = body["end"]["timeZone"] = "Europe/London"
    made = calendar.events().insert(calendarId="primary", body=body).execute()
    found = (
        calendar.events()
        .instances(calendarId="primary", eventId=made["id"], maxResults=5)
        .execute()
    )
    assert len(found["items"]) == 5 and "nextPageToken" in found
    assert found["items"][0]["id"] == made["id"] + "_20300107T100000Z"


def test_it_keeps_wall_clock_time_across_daylight_saving(calendar: Any) -> None:
    body = {
        "summary": "Across DST",
        "start": {"dateTime": "2030-03-25T09:00:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2030-03-25T10:00:00", "timeZone": "America/New_York"},
        "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
    }
    made = calendar.events().insert(calendarId="primary", body=body).execute()
    items = (
        calendar.events()
        .instances(calendarId="primary", eventId=made["id"], timeZone="America/New_York")
        .execute()["items"]
    )
    assert [i["start"]["dateTime"][11:19] for i in items] == ["09:00:00"] * 3


def test_it_rejects_an_invalid_recurrence_rule(calendar: Any) -> None:
    body = {
        "start": {"dateTime": "2030-01-07T10:00:00Z", "timeZone": "UTC"},
        "end": {"dateTime": "2030-01-07T11:00:00Z", "timeZone": "UTC"},
        "recurrence": ["RRULE:FREQ=SOMETIMES"],
    }
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=body).execute()
    assert caught.value.status_code == 400


def test_it_expands_all_day_series_with_date_instance_ids(calendar: Any) -> None:
    found = (
        calendar.events().instances(calendarId="primary", eventId="birthday0001").execute()["items"]
    )
    assert len(found) == 5
    assert all(
        "date" in i["start"] and i["id"] == "birthday0001_" + i["start"]["date"].replace("-", "")
        for i in found
    )


def _recurring(recurrence: list[str]) -> dict[str, Any]:
    return {
        "summary": "Rule",
        "start": {"dateTime": "2030-01-07T10:00:00Z", "timeZone": "UTC"},
        "end": {"dateTime": "2030-01-07T11:00:00Z", "timeZone": "UTC"},
        "recurrence": recurrence,
    }


@pytest.mark.parametrize(
    "recurrence",
    [
        ["RRULE:FREQ=DAILY;INTERVAL=0"],  # never advanced: hung the emulator for good
        ["RRULE:FREQ=DAILY;INTERVAL=0;COUNT=3"],
        ["RRULE:FREQ=HOURLY;COUNT=5"],  # Google takes DAILY, WEEKLY, MONTHLY and YEARLY only
        ["RRULE:FREQ=HOURLY", "EXRULE:FREQ=HOURLY"],  # hung too
        ["RRULE:FREQ=MINUTELY;COUNT=2"],
        ["RRULE:FREQ=WEEKLY;COUNT=0"],
        ["RRULE:FREQ=WEEKLY", "EXRULE:FREQ=HOURLY"],
    ],
)
def test_it_refuses_rules_google_refuses(calendar: Any, recurrence: list[str]) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=_recurring(recurrence)).execute()

    assert caught.value.status_code == 400
    assert caught.value.error_details[0]["reason"] == "invalid"


@pytest.mark.parametrize(
    "recurrence",
    [
        ["RRULE:FREQ=DAILY", "EXRULE:FREQ=DAILY"],  # every occurrence excluded
        ["RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"],  # filters that never match
        ["RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3"],
    ],
)
def test_a_rule_without_occurrences_is_expanded_with_bounded_work(
    calendar: Any, recurrence: list[str]
) -> None:
    began = time.monotonic()
    made = calendar.events().insert(calendarId="primary", body=_recurring(recurrence)).execute()
    found = calendar.events().instances(calendarId="primary", eventId=made["id"]).execute()

    assert found["items"] == []
    assert time.monotonic() - began < 5
