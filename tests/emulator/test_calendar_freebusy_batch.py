"""freebusy.query and batch requests through google-api-python-client."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from google_emulator import EmulatorServer
from tests.emulator.clients import service, validate

WORK = "c_a1ce0000000000000000000000000001@group.calendar.google.com"


@pytest.fixture
def calendar(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def timed(start: str, end: str, **extra: Any) -> dict[str, Any]:
    return {"summary": "Busy", "start": {"dateTime": start}, "end": {"dateTime": end}, **extra}


def free_busy(calendar: Any, items: list[str], low: str, high: str, **extra: Any) -> dict[str, Any]:
    body = {"timeMin": low, "timeMax": high, "items": [{"id": i} for i in items], **extra}
    return validate(calendar.freebusy().query(body=body).execute(), "FreeBusyResponse")


def test_it_merges_overlapping_busy_intervals_and_skips_transparent_ones(calendar: Any) -> None:
    day = "2031-03-04T"
    for start, end, extra in [
        ("09:00", "10:00", {}),
        ("09:30", "11:00", {}),
        ("11:00", "11:30", {}),
        ("13:00", "14:00", {"transparency": "transparent"}),
        ("15:00", "16:00", {}),
    ]:
        calendar.events().insert(
            calendarId="primary", body=timed(f"{day}{start}:00Z", f"{day}{end}:00Z", **extra)
        ).execute()
    gone = (
        calendar.events()
        .insert(calendarId="primary", body=timed(f"{day}17:00:00Z", f"{day}18:00:00Z"))
        .execute()
    )
    calendar.events().delete(calendarId="primary", eventId=gone["id"]).execute()
    result = free_busy(calendar, ["primary"], f"{day}00:00:00Z", f"{day}15:30:00Z")
    assert result["kind"] == "calendar#freeBusy"
    busy = result["calendars"]["primary"]["busy"]
    assert busy == [
        {"start": f"{day}09:00:00Z", "end": f"{day}11:30:00Z"},
        {"start": f"{day}15:00:00Z", "end": f"{day}15:30:00Z"},
    ]


def test_it_reports_not_found_per_unknown_calendar(calendar: Any) -> None:
    result = free_busy(
        calendar,
        ["primary", "nobody@example.com", WORK],
        "2031-01-01T00:00:00Z",
        "2031-01-02T00:00:00Z",
    )
    assert result["calendars"]["nobody@example.com"]["errors"] == [
        {"domain": "global", "reason": "notFound"}
    ]
    assert "errors" not in result["calendars"][WORK]


def test_it_counts_recurring_instances_but_not_cancelled_or_moved_originals(calendar: Any) -> None:
    series = (
        calendar.events()
        .insert(
            calendarId="primary",
            body={
                "summary": "Daily",
                "start": {"dateTime": "2031-06-02T09:00:00Z", "timeZone": "UTC"},
                "end": {"dateTime": "2031-06-02T10:00:00Z", "timeZone": "UTC"},
                "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
            },
        )
        .execute()
    )
    calendar.events().delete(
        calendarId="primary", eventId=series["id"] + "_20310603T090000Z"
    ).execute()
    calendar.events().patch(
        calendarId="primary",
        eventId=series["id"] + "_20310604T090000Z",
        body={
            "start": {"dateTime": "2031-06-04T12:00:00Z"},
            "end": {"dateTime": "2031-06-04T13:00:00Z"},
        },
    ).execute()
    busy = free_busy(calendar, ["primary"], "2031-06-02T00:00:00Z", "2031-06-05T00:00:00Z")
    assert busy["calendars"]["primary"]["busy"] == [
        {"start": "2031-06-02T09:00:00Z", "end": "2031-06-02T10:00:00Z"},
        {"start": "2031-06-04T12:00:00Z", "end": "2031-06-04T13:00:00Z"},
    ]


def test_it_refuses_more_calendars_than_calendar_expansion_max(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        free_busy(
            calendar,
            ["primary", WORK],
            "2031-01-01T00:00:00Z",
            "2031-01-02T00:00:00Z",
            calendarExpansionMax=1,
        )
    assert caught.value.status_code == 400
    with pytest.raises(HttpError) as empty:
        free_busy(calendar, ["primary"], "2031-01-02T00:00:00Z", "2031-01-01T00:00:00Z")
    assert empty.value.error_details[0]["reason"] == "timeRangeEmpty"


def test_it_answers_a_batch_part_by_part_with_matching_ids(
    emulator: EmulatorServer, calendar: Any
) -> None:
    results: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: Exception | None) -> None:
        results[request_id] = exception if exception is not None else response

    batch = BatchHttpRequest(callback=collect, batch_uri=emulator.base_url + "/batch/calendar/v3")
    batch.add(calendar.events().list(calendarId="primary", maxResults=5), request_id="list")
    batch.add(calendar.events().get(calendarId="primary", eventId="review0001"), request_id="get")
    batch.add(
        calendar.events().insert(
            calendarId="primary", body=timed("2031-01-01T09:00:00Z", "2031-01-01T10:00:00Z")
        ),
        request_id="insert",
    )
    batch.add(
        calendar.events().delete(calendarId="primary", eventId="alicedemo0005"), request_id="delete"
    )
    batch.add(
        calendar.events().get(calendarId="primary", eventId="nosuchevent"), request_id="missing"
    )
    batch.add(calendar.calendarList().list(), request_id="calendars")
    batch.execute()
    assert len(validate(results["list"], "Events")["items"]) == 5
    assert validate(results["get"], "Event")["summary"] == "Project review"
    assert validate(results["insert"], "Event")["summary"] == "Busy"
    assert results["delete"] == ""
    assert isinstance(results["missing"], HttpError) and results["missing"].status_code == 404
    validate(results["calendars"], "CalendarList")
    assert (
        calendar.events().get(calendarId="primary", eventId="alicedemo0005").execute()["status"]
        == "cancelled"
    )


def test_it_runs_a_batch_of_fifty_patches(emulator: EmulatorServer, calendar: Any) -> None:
    failures: list[Exception] = []
    batch = BatchHttpRequest(
        callback=lambda _id, _resp, exc: failures.append(exc) if exc else None,
        batch_uri=emulator.base_url + "/batch/calendar/v3",
    )
    for n in range(1, 43):
        batch.add(
            calendar.events().patch(
                calendarId="primary", eventId=f"alicedemo{n:04d}", body={"colorId": "5"}
            )
        )
    batch.execute()
    assert failures == []
    page = calendar.events().list(calendarId="primary", maxResults=2500).execute()
    assert sum(i.get("colorId") == "5" for i in page["items"]) == 42
