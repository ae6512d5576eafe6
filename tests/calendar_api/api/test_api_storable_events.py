"""Any event Google can send is storable, on SQLite and PostgreSQL, and reads back unchanged.

PostgreSQL refuses U+0000 in text and jsonb; no driver encodes a lone surrogate. Before the
escaping, one such event made every sync of its calendar fail with DataError, for good, and the
API answered 500 after the event was already created at Google. A failed sync is now recorded
(API, admin, sync_status) and retried with backoff."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client

from calendar_api.kits.event_fields import readable, storable
from calendar_api.models import Calendar, Event, GoogleAccount
from calendar_api.services import event_rows, sync
from calendar_api.services.sync import calendar_sync
from calendar_api.tasks import sync_calendar
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.conftest import primary

pytestmark = pytest.mark.django_db
ODD = "a\x00b \ud800 \ue000 \ue0000000 \\u0000 end"
GOOGLES = "a\x00b \ue000 \ue0000000 \\u0000 end"  # JSON in UTF-8 carries no lone surrogate
EVENT = {
    "summary": "NUL\x00 in the title",
    "description": GOOGLES,
    "location": "\x00",
    "start": {"dateTime": "2027-01-05T10:00:00Z"},
    "end": {"dateTime": "2027-01-05T11:00:00Z"},
    "extendedProperties": {"private": {"key\x00": "value\x00", "\ue000": "\ue0000041"}},
}


@pytest.mark.parametrize(
    "value",
    [ODD, {"k\x00": [ODD, {"\ue0001234": "\ue000"}]}, ["\x00" * 3, 1, None, True], "plain"],
)
def test_escaping_is_reversible(value: Any) -> None:
    stored = storable(value)
    assert "\x00" not in repr(stored).encode().decode("unicode_escape") or value == "plain"
    assert readable(stored) == value


def test_plain_text_is_stored_as_it_is() -> None:
    assert storable({"summary": "Team meeting"}) == {"summary": "Team meeting"}


def test_an_event_with_nul_from_google_is_synced_and_read_back_unchanged(
    alice: GoogleAccount, gcal: Any, alice_client: Client
) -> None:
    created = gcal.events().insert(calendarId="primary", body=EVENT).execute()
    calendar = primary(alice)
    assert calendar_sync(calendar=calendar).mode == "incremental"

    row = Event.objects.get(calendar=calendar, google_id=created["id"])
    assert row.data["description"] == GOOGLES
    assert row.data["extendedProperties"] == EVENT["extendedProperties"]
    shown = alice_client.get(events_url(event_id=created["id"])).json()
    assert shown["description"] == GOOGLES and shown["summary"] == EVENT["summary"]

    later = gcal.events().insert(calendarId="primary", body={**EVENT, "summary": "next"})
    later_id = later.execute()["id"]
    assert calendar_sync(calendar=calendar).mode == "incremental"  # the calendar still syncs
    assert Event.objects.filter(calendar=calendar, google_id=later_id).exists()
    assert Calendar.objects.get(pk=calendar.pk).last_sync_error == ""


def test_an_event_with_nul_through_the_api_is_created_and_stored(
    alice_client: Client, alice: GoogleAccount
) -> None:
    body = {k: v for k, v in EVENT.items() if k != "summary" and k != "location"}
    body["description"] = "plain"  # DRF refuses NUL in plain text fields (400) ...
    body["extendedProperties"] = {"private": {"k": "v\x00"}}  # ... not inside free-form JSON
    response = send(alice_client, "POST", events_url(), body)
    assert response.status_code == 201, response.content[:300]
    event_id = response.json()["id"]
    stored = alice_client.get(events_url(event_id=event_id)).json()
    assert stored["extendedProperties"]["private"] == {"k": "v\x00"}


def test_an_id_with_nul_in_the_path_is_not_found(alice_client: Client) -> None:
    assert alice_client.get(events_url(event_id="abc\x00def")).status_code == 404
    assert alice_client.get("/rest/v1/calendars/a%00b/events/").status_code == 404


def test_a_sync_that_fails_for_any_reason_is_recorded_and_retried(
    alice: GoogleAccount, gcal: Any, alice_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calendar = primary(alice)
    gcal.events().insert(calendarId="primary", body=EVENT).execute()
    queued: list[dict[str, Any]] = []

    def broken(*args: Any, **kwargs: Any) -> int:
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(event_rows, "upsert", broken)
    monkeypatch.setattr(sync, "sync_request", lambda **kw: queued.append(kw))
    assert sync_calendar.call(calendar_id=calendar.pk, attempt=2) == "retrying"

    failed = Calendar.objects.get(pk=calendar.pk)
    assert failed.last_sync_error == "internal_error: DatabaseError"
    assert failed.last_sync_error_at is not None and failed.sync_failures == 1
    assert failed.sync_lease_until is None  # the next try can start
    assert queued and queued[0]["attempt"] == 3 and queued[0]["delay"] > 0
    shown = alice_client.get(f"/rest/v1/calendars/{calendar.google_id}/").json()
    assert shown["last_sync_error"] == "internal_error: DatabaseError"
    assert shown["sync_failures"] == 1

    monkeypatch.undo()
    assert sync_calendar.call(calendar_id=calendar.pk) == "incremental"
    mended = Calendar.objects.get(pk=calendar.pk)
    assert (mended.last_sync_error, mended.sync_failures) == ("", 0)
