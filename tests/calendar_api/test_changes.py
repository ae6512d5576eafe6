"""The store's change log: one row per change, written with the change, by sync and by the API."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from calendar_api.models import StoreChange
from calendar_api.reads import owned as selectors
from calendar_api.services.changes import changes_prune
from calendar_api.services.preferences import preferences_get, preferences_update
from calendar_api.services.sync import calendar_sync
from tests.calendar_api.conftest import change_at_google, primary
from tests.emulator.clients import control

pytestmark = pytest.mark.django_db


def kinds(**filters: Any) -> Counter[str]:
    return Counter(StoreChange.objects.filter(**filters).values_list("kind", flat=True))


def test_the_first_sync_records_only_that_the_calendar_was_synced(alice: Any) -> None:
    assert kinds() == Counter({"calendar.synced": 1})
    change = StoreChange.objects.get()
    assert change.data["mode"] == "full"
    assert change.user == alice.user


def test_an_incremental_sync_records_each_change_once(alice: Any, gcal: Any) -> None:
    ids = change_at_google(gcal)
    calendar_sync(calendar=primary(alice))
    events = {c.event_id: c.kind for c in StoreChange.objects.exclude(event_id="")}
    assert events == {
        ids["new"]: "event.created",
        ids["moved"]: "event.updated",
        ids["deleted"]: "event.deleted",
        ids["instance"]: "event.deleted",
    }
    moved = StoreChange.objects.get(event_id=ids["moved"])
    assert moved.data["start"]["dateTime"].startswith("2026-12-02T10:00:00")
    calendar_sync(calendar=primary(alice))  # nothing changed since: nothing more is recorded
    assert kinds(event_id__gt="") == Counter(
        {"event.created": 1, "event.updated": 1, "event.deleted": 2}
    )


def test_a_resync_after_a_410_records_only_the_differences(
    alice: Any, gcal: Any, google: Any
) -> None:
    ids = change_at_google(gcal)
    control(google.base_url, "expire-sync-tokens")
    assert calendar_sync(calendar=primary(alice)).mode == "full"
    recorded = {c.event_id: c.kind for c in StoreChange.objects.exclude(event_id="")}
    assert recorded[ids["new"]] == "event.created"
    assert recorded[ids["moved"]] == "event.updated"
    assert recorded[ids["deleted"]] == "event.deleted"
    assert len(recorded) == 4


def test_a_write_through_the_api_records_its_change(alice: Any, visitor: Any) -> None:
    body = {
        "summary": "Written here",
        "start": {"dateTime": "2026-12-03T09:00:00Z"},
        "end": {"dateTime": "2026-12-03T10:00:00Z"},
    }
    created = visitor.post(
        "/rest/v1/calendars/primary/events/", body, content_type="application/json"
    )
    assert created.status_code in (200, 201), created.content
    event_id = created.json()["id"]
    visitor.delete(f"/rest/v1/calendars/primary/events/{event_id}/")
    assert list(StoreChange.objects.filter(event_id=event_id).values_list("kind", flat=True)) == [
        "event.created",
        "event.deleted",
    ]
    # The sync that brings the same changes back from Google records nothing new.
    calendar_sync(calendar=primary(alice))
    assert StoreChange.objects.filter(event_id=event_id).count() == 2


def test_readers_page_through_their_own_changes_by_cursor(alice: Any, gcal: Any) -> None:
    bob = User.objects.create(username="bob")
    StoreChange.objects.create(user=bob, calendar=primary(alice), kind="calendar.synced")
    change_at_google(gcal)
    calendar_sync(calendar=primary(alice))
    mine = selectors.changes_after(user=alice.user, after_id=0, limit=3)
    assert len(mine) == 3
    assert all(c.user_id == alice.user_id for c in mine)
    rest = selectors.changes_after(user=alice.user, after_id=mine[-1].id)
    assert [c.id for c in rest] == sorted(c.id for c in rest)
    assert all(c.id > mine[-1].id and c.user_id == alice.user_id for c in rest)
    assert len(mine) + len(rest) == 6  # synced, then 4 event changes, then synced


def test_old_changes_are_pruned(alice: Any) -> None:
    StoreChange.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    assert changes_prune() == 1
    assert not StoreChange.objects.exists()


def test_preferences_have_defaults_and_refuse_unknown_names(alice: Any) -> None:
    preferences = preferences_get(user=alice.user)
    assert (preferences.time_zone, preferences.work_days) == ("", [0, 1, 2, 3, 4])
    assert preferences.work_start == dt.time(9)
    preferences_update(user=alice.user, time_zone="Asia/Tokyo")
    assert preferences_get(user=alice.user).time_zone == "Asia/Tokyo"
    with pytest.raises(ValueError, match="colour"):
        preferences_update(user=alice.user, colour="red")


def test_an_item_sync_cannot_store_is_not_recorded_and_stops_nothing(alice: Any) -> None:
    from calendar_api.services.event_rows import events_store

    good = {
        "id": "storedhere01",
        "etag": '"1"',
        "status": "confirmed",
        "start": {"dateTime": "2026-12-03T09:00:00Z"},
        "end": {"dateTime": "2026-12-03T10:00:00Z"},
    }
    assert events_store(calendar=primary(alice), items=[{"summary": "no id"}, good]) == 1
    assert list(StoreChange.objects.exclude(event_id="").values_list("event_id", "kind")) == [
        ("storedhere01", "event.created")
    ]
