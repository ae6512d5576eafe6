"""Full and incremental sync against the emulator, with faults: the store ends equal to Google."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from calendar_api.db import bulk
from calendar_api.google.errors import GoogleUnavailable
from calendar_api.kits.prefetch import prefetched
from calendar_api.models import Calendar, Event, Instance
from calendar_api.services.sync import calendar_sync
from calendar_api.tasks import sync_calendar
from tests.calendar_api.conftest import change_at_google, fault, primary, stored, truth
from tests.emulator.clients import control
from tests.support.jobs import job_results

pytestmark = pytest.mark.django_db


def test_the_first_sync_stores_every_event_with_its_etag_and_status(alice: Any, gcal: Any) -> None:
    calendar = primary(alice)
    assert calendar.sync_token
    assert stored(calendar) == truth(gcal)
    assert len(stored(calendar)) >= 50


def test_it_records_the_accounts_calendars_and_syncs_only_the_primary(alice: Any) -> None:
    calendars = list(alice.calendars.all())
    assert len(calendars) >= 2
    assert [c.primary for c in calendars if c.sync_enabled] == [True]
    assert all(c.access_role == "owner" for c in calendars)


def test_an_incremental_sync_applies_inserts_moves_deletes_and_cancelled_instances(
    alice: Any, gcal: Any
) -> None:
    ids = change_at_google(gcal)
    outcome = calendar_sync(calendar=primary(alice))
    assert outcome.mode == "incremental"
    assert 4 <= outcome.changed < 20  # only what changed travelled
    store = stored(primary(alice))
    assert store == truth(gcal)
    assert store[ids["deleted"]][1] == "cancelled"
    assert store[ids["instance"]][1] == "cancelled"
    moved = Event.objects.get(google_id=ids["moved"])
    assert moved.start == dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)


def test_an_expired_sync_token_wipes_and_syncs_in_full_once(
    alice: Any, gcal: Any, google: Any
) -> None:
    change_at_google(gcal)
    control(google.base_url, "expire-sync-tokens")
    outcome = calendar_sync(calendar=primary(alice))
    assert outcome.mode == "full"
    assert stored(primary(alice)) == truth(gcal)


@pytest.mark.parametrize(
    "injected",
    [
        {"status": 429},
        {"status": 403, "reason": "rateLimitExceeded"},
        {"status": 403, "reason": "userRateLimitExceeded"},
        {"status": 500},
        {"status": 503},
    ],
)
def test_transient_errors_are_retried_and_the_store_converges(
    alice: Any, gcal: Any, google: Any, injected: dict[str, Any]
) -> None:
    change_at_google(gcal)
    fault(google, "calendar.events.list", times=2, **injected)
    assert calendar_sync(calendar=primary(alice)).mode == "incremental"
    assert stored(primary(alice)) == truth(gcal)


def test_a_timeout_is_retried(alice: Any, gcal: Any, google: Any, calendar_settings: Any) -> None:
    calendar_settings.HTTP_TIMEOUT = 1
    change_at_google(gcal)
    fault(google, "calendar.events.list", times=1, delay_ms=1500)
    calendar_sync(calendar=primary(alice))
    assert stored(primary(alice)) == truth(gcal)


def test_a_failed_sync_keeps_the_last_good_state(alice: Any, gcal: Any, google: Any) -> None:
    calendar = primary(alice)
    before, token = stored(calendar), calendar.sync_token
    change_at_google(gcal)
    fault(google, "calendar.events.list", times=10, status=503)
    with pytest.raises(GoogleUnavailable):
        calendar_sync(calendar=calendar)
    calendar.refresh_from_db()
    assert stored(calendar) == before and calendar.sync_token == token
    assert calendar.sync_lease_until is None  # the lease is given back
    google.emulator.clear_faults()
    calendar_sync(calendar=calendar)
    assert stored(calendar) == truth(gcal)


def test_a_failed_full_resync_keeps_the_last_good_state(alice: Any, gcal: Any, google: Any) -> None:
    calendar = primary(alice)
    before = stored(calendar)
    control(google.base_url, "expire-sync-tokens")
    fault(google, "calendar.events.list", times=1, status=410, reason="fullSyncRequired")
    fault(google, "calendar.events.list", times=10, status=500)
    with pytest.raises(GoogleUnavailable):
        calendar_sync(calendar=calendar)
    assert stored(calendar) == before


def test_a_full_sync_inserts_instance_rows_behind_and_their_failure_rolls_it_all_back(
    alice: Any, gcal: Any, google: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calendar = primary(alice)
    rows = Instance.objects.filter(calendar=calendar).values_list("key", "start", "end")
    before, rows_before = stored(calendar), set(rows)
    change_at_google(gcal)
    control(google.base_url, "expire-sync-tokens")
    threads = []

    def insert_then_fail(cursor: Any, *args: Any) -> None:
        threads.append(threading.current_thread().name)
        real_insert(cursor, *args)  # written, then the transaction must undo it
        cursor.execute("INSERT INTO no_such_table VALUES (1)")

    real_insert = bulk._write_behind
    monkeypatch.setattr(bulk, "_write_behind", insert_then_fail)
    with pytest.raises(Exception, match=r"no.such.table"):
        calendar_sync(calendar=calendar)
    assert threads and set(threads) == {"bulk-behind"}  # not on the sync's own thread
    assert stored(calendar) == before and set(rows) == rows_before
    monkeypatch.setattr(bulk, "_write_behind", real_insert)
    assert calendar_sync(calendar=calendar).mode == "full"
    assert stored(calendar) == truth(gcal)


def test_the_job_backs_off_and_requeues_on_a_temporary_failure(
    alice: Any, google: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from calendar_api import tasks

    fault(google, "calendar.events.list", times=10, status=503)
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_calendar.call(calendar_id=primary(alice).pk) == "retrying"
    [queued] = job_results(tasks.sync_calendar)  # on the database queue or on RQ
    assert queued.task.run_after > started + dt.timedelta(seconds=2)
    assert primary(alice).last_sync_error == "google_unavailable"


def test_a_spent_quota_pauses_the_account(alice: Any, google: Any) -> None:
    fault(google, "calendar.events.list", times=1, status=403, reason="quotaExceeded")
    assert sync_calendar.call(calendar_id=primary(alice).pk) == "paused"
    alice.refresh_from_db()
    assert alice.paused_until is not None
    assert sync_calendar.call(calendar_id=primary(alice).pk) == "skipped"


def test_a_sync_already_running_collapses_new_triggers_into_one_follow_up(alice: Any) -> None:
    calendar = primary(alice)
    Calendar.objects.filter(pk=calendar.pk).update(
        sync_lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    )
    assert calendar_sync(calendar=calendar).mode == "busy"
    assert calendar_sync(calendar=calendar).mode == "busy"
    calendar.refresh_from_db()
    assert calendar.sync_requested  # the running sync will go once more


def test_a_lease_left_by_a_crashed_worker_is_taken_over_once_it_expires(
    alice: Any, gcal: Any
) -> None:
    calendar = primary(alice)
    change_at_google(gcal)
    Calendar.objects.filter(pk=calendar.pk).update(
        sync_lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    assert calendar_sync(calendar=calendar).mode == "incremental"
    assert stored(calendar) == truth(gcal)


def test_pages_are_fetched_one_ahead_of_the_store_and_no_further() -> None:
    fetched: list[int] = []

    def pages() -> Iterator[int]:
        for number in range(6):
            fetched.append(number)
            yield number

    seen = []
    for page in prefetched(pages()):
        time.sleep(0.02)  # storing the page: the next one is fetched meanwhile
        assert len(fetched) <= page + 2  # this page and the next, never a third
        seen.append(page)
    assert seen == list(range(6))


def test_a_failed_fetch_is_raised_to_the_sync_after_the_pages_before_it() -> None:
    def pages() -> Iterator[int]:
        yield 1
        raise GoogleUnavailable()

    seen = []
    with pytest.raises(GoogleUnavailable):
        for page in prefetched(pages()):
            seen.append(page)
    assert seen == [1]


def test_each_event_keeps_its_attendees_reduced_in_a_column_of_their_own(
    alice: Any, gcal: Any
) -> None:
    """Analytics reads `attendees` instead of decoding every event: it must follow Google's
    list through full and incremental syncs, and be emptied when the list goes."""
    import json

    calendar = primary(alice)
    listed = gcal.events().list(calendarId="primary", maxResults=2500).execute()["items"]
    invited = [e for e in listed if e.get("attendees")]
    assert invited
    for event in Event.objects.filter(calendar=calendar):
        expected = [
            {
                k: a[k]
                for k in ("email", "displayName", "responseStatus", "self", "resource")
                if k in a
            }
            for a in event.data.get("attendees", [])
        ]
        assert (json.loads(event.attendees) if event.attendees else []) == expected

    target = invited[0]
    guests = [*target["attendees"], {"email": "NEW@example.com", "comment": "not kept"}]
    gcal.events().patch(
        calendarId="primary", eventId=target["id"], body={"attendees": guests}
    ).execute()
    lone = invited[-1] if len(invited) > 1 else None
    if lone:
        gcal.events().patch(
            calendarId="primary", eventId=lone["id"], body={"attendees": []}
        ).execute()
    assert calendar_sync(calendar=calendar).mode == "incremental"
    kept = json.loads(Event.objects.get(calendar=calendar, google_id=target["id"]).attendees)
    assert kept[-1]["email"] == "NEW@example.com" and "comment" not in kept[-1]
    if lone:
        assert Event.objects.get(calendar=calendar, google_id=lone["id"]).attendees == ""


def test_the_migration_fills_the_attendees_of_events_stored_before_it(alice: Any) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("calendar_api.migrations.0008_event_attendees")
    calendar = primary(alice)
    written = dict(calendar.events.values_list("pk", "attendees"))
    assert any(written.values())
    calendar.events.update(attendees="")
    migration.fill(apps, None)
    assert dict(calendar.events.values_list("pk", "attendees")) == written
