"""events.list through google-api-python-client: paging, sync tokens, deletions, 410."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from google_emulator import EmulatorServer
from google_emulator.state import State
from tests.emulator.clients import control, service, validate


@pytest.fixture
def calendar(emulator: EmulatorServer) -> Any:
    return service(emulator.base_url)


def full_sync(calendar: Any, **params: Any) -> tuple[list[dict[str, Any]], str, int]:
    request = calendar.events().list(calendarId="primary", **params)
    items: list[dict[str, Any]] = []
    pages = 0
    sync_token = ""
    while request is not None:
        page = validate(request.execute(), "Events")
        pages += 1
        items += page["items"]
        assert ("nextPageToken" in page) != ("nextSyncToken" in page)
        sync_token = page.get("nextSyncToken", sync_token)
        request = calendar.events().list_next(request, page)
    for item in items:
        validate(item, "Event")
    return items, sync_token, pages


def test_it_lists_the_callers_calendars_with_the_primary_one_first(calendar: Any) -> None:
    listing = validate(calendar.calendarList().list().execute(), "CalendarList")
    entries = [validate(e, "CalendarListEntry") for e in listing["items"]]
    assert [e["summary"] for e in entries] == ["alice@example.com", "Work"]
    assert entries[0]["primary"] is True and entries[0]["accessRole"] == "owner"
    assert entries[0]["timeZone"] == "Europe/London"
    assert "nextSyncToken" in listing


def test_it_gets_one_calendar_list_entry_and_the_calendar(calendar: Any) -> None:
    entry = validate(
        calendar.calendarList().get(calendarId="primary").execute(), "CalendarListEntry"
    )
    assert entry["id"] == "alice@example.com"
    found = validate(calendar.calendars().get(calendarId=entry["id"]).execute(), "Calendar")
    assert found["id"] == "alice@example.com" and found["timeZone"] == "Europe/London"


def test_it_answers_404_for_another_accounts_calendar(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="bob@example.com").execute()
    assert caught.value.status_code == 404


def test_it_pages_with_tokens_and_gives_the_sync_token_only_on_the_last_page(calendar: Any) -> None:
    items, sync_token, pages = full_sync(calendar, maxResults=7)
    assert pages == -(-len(items) // 7) and pages > 1
    assert len(items) == len({i["id"] for i in items}) >= 50
    assert sync_token


def test_it_returns_only_changes_since_the_sync_token_including_deletions(calendar: Any) -> None:
    _, sync_token, _ = full_sync(calendar)
    created = (
        calendar.events()
        .insert(
            calendarId="primary",
            body={
                "summary": "New one",
                "start": {"dateTime": "2030-01-01T10:00:00Z"},
                "end": {"dateTime": "2030-01-01T11:00:00Z"},
            },
        )
        .execute()
    )
    calendar.events().delete(calendarId="primary", eventId="alicedemo0001").execute()
    changes = validate(
        calendar.events().list(calendarId="primary", syncToken=sync_token).execute(), "Events"
    )
    by_id = {i["id"]: i for i in changes["items"]}
    assert set(by_id) == {created["id"], "alicedemo0001"}
    assert by_id["alicedemo0001"]["status"] == "cancelled"
    assert by_id[created["id"]]["status"] == "confirmed"
    again = (
        calendar.events().list(calendarId="primary", syncToken=changes["nextSyncToken"]).execute()
    )
    assert again["items"] == []


def test_it_hides_deleted_events_unless_show_deleted(calendar: Any) -> None:
    calendar.events().delete(calendarId="primary", eventId="alicedemo0002").execute()
    plain, _, _ = full_sync(calendar)
    assert "alicedemo0002" not in {i["id"] for i in plain}
    shown, _, _ = full_sync(calendar, showDeleted=True)
    assert {i["id"]: i["status"] for i in shown}["alicedemo0002"] == "cancelled"


def test_it_answers_410_for_unknown_and_expired_sync_tokens(
    emulator: EmulatorServer, calendar: Any
) -> None:
    with pytest.raises(HttpError) as unknown:
        calendar.events().list(calendarId="primary", syncToken="not-a-token").execute()
    assert unknown.value.status_code == 410
    assert unknown.value.error_details[0]["reason"] == "fullSyncRequired"
    _, sync_token, _ = full_sync(calendar)
    control(emulator.base_url, "expire-sync-tokens", {})
    with pytest.raises(HttpError) as expired:
        calendar.events().list(calendarId="primary", syncToken=sync_token).execute()
    assert expired.value.status_code == 410
    _, fresh, _ = full_sync(calendar)
    assert calendar.events().list(calendarId="primary", syncToken=fresh).execute()["items"] == []


@pytest.mark.parametrize("param", ["q", "timeMin", "orderBy", "updatedMin", "iCalUID"])
def test_it_refuses_the_parameters_google_refuses_with_a_sync_token(
    calendar: Any, param: str
) -> None:
    _, sync_token, _ = full_sync(calendar)
    values = {
        "q": "meeting",
        "timeMin": "2020-01-01T00:00:00Z",
        "orderBy": "updated",
        "updatedMin": "2020-01-01T00:00:00Z",
        "iCalUID": "x@google.com",
    }
    with pytest.raises(HttpError) as caught:
        calendar.events().list(
            calendarId="primary", syncToken=sync_token, **{param: values[param]}
        ).execute()
    assert caught.value.status_code == 400


def test_it_keeps_sync_tokens_valid_across_a_state_save_and_load(
    emulator: EmulatorServer, calendar: Any, tmp_path: Path
) -> None:
    _, sync_token, _ = full_sync(calendar)
    calendar.events().delete(calendarId="primary", eventId="alicedemo0003").execute()
    state = emulator.emulator.state
    with state.lock:
        state.save(tmp_path / "state.json")
        state.calendars = State.load(tmp_path / "state.json").calendars
    changes = calendar.events().list(calendarId="primary", syncToken=sync_token).execute()
    assert [i["id"] for i in changes["items"]] == ["alicedemo0003"]


def test_it_caps_max_results_at_2500_and_rejects_zero(calendar: Any) -> None:
    page = calendar.events().list(calendarId="primary", maxResults=5000).execute()
    assert "nextSyncToken" in page
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", maxResults=0).execute()
    assert caught.value.status_code == 400


def test_it_lists_changes_made_between_pages_in_the_next_sync(calendar: Any) -> None:
    first = calendar.events().list(calendarId="primary", maxResults=10).execute()
    calendar.events().patch(
        calendarId="primary", eventId="alicedemo0040", body={"summary": "Changed"}
    ).execute()
    request = calendar.events().list_next(
        calendar.events().list(calendarId="primary", maxResults=10), first
    )
    seen = [i["id"] for i in first["items"]]
    sync_token = ""
    while request is not None:
        page = request.execute()
        seen += [i["id"] for i in page["items"]]
        sync_token = page.get("nextSyncToken", "")
        request = calendar.events().list_next(request, page)
    assert len(seen) == len(set(seen)) or "alicedemo0040" in seen
    changes = calendar.events().list(calendarId="primary", syncToken=sync_token).execute()
    assert "alicedemo0040" in {i["id"] for i in changes["items"]}


def test_it_syncs_single_events_as_instances(calendar: Any) -> None:
    _, sync_token, _ = full_sync(calendar, singleEvents=True)
    instances = (
        calendar.events().instances(calendarId="primary", eventId="teammeet0001").execute()["items"]
    )
    calendar.events().patch(
        calendarId="primary", eventId=instances[0]["id"], body={"summary": "Only this one"}
    ).execute()
    changes = validate(
        calendar.events()
        .list(calendarId="primary", singleEvents=True, syncToken=sync_token)
        .execute(),
        "Events",
    )
    assert [(i["id"], i["summary"]) for i in changes["items"]] == [
        (instances[0]["id"], "Only this one")
    ]
    calendar.events().delete(calendarId="primary", eventId="teammeet0001").execute()
    gone = (
        calendar.events()
        .list(calendarId="primary", singleEvents=True, syncToken=changes["nextSyncToken"])
        .execute()
    )
    assert len(gone["items"]) == 16 and {i["status"] for i in gone["items"]} == {"cancelled"}
    assert all(i["recurringEventId"] == "teammeet0001" for i in gone["items"])


def test_it_includes_deletions_with_updated_min(calendar: Any) -> None:
    page = calendar.events().list(calendarId="primary", maxResults=1).execute()
    calendar.events().delete(calendarId="primary", eventId="alicedemo0004").execute()
    after = (
        calendar.events().get(calendarId="primary", eventId="alicedemo0004").execute()["updated"]
    )
    found = calendar.events().list(calendarId="primary", updatedMin=after).execute()["items"]
    assert [(i["id"], i["status"]) for i in found] == [("alicedemo0004", "cancelled")]
    assert page["updated"] <= after
