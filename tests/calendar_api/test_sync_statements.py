"""The statements an incremental sync of one changed event costs, as a worker runs it (the
task): each costs a worker 0.3 to 0.5 ms of CPU in the ORM and the driver, about half of a
sync's (docs/benchmarks.md, issue 23). The bound fails the test should they grow back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendar_api.models import StoreChange
from calendar_api.tasks import sync_calendar

pytestmark = pytest.mark.django_db(transaction=True)
# 25 before (on SQLite, where BEGIN and COMMIT are logged too; PostgreSQL's 23): the job's
# calendar, the lease taken, the calendar and account read again, BEGIN, the row held, the
# event as stored, the upsert in its savepoint (3), the instance rows (two deletes, the event
# read, an insert), the calendar's sync state and read version, the change log and its webhook
# endpoints, COMMIT, the lease given back.
MOST_STATEMENTS = 18


def test_an_incremental_sync_of_one_changed_event_takes_few_statements(
    alice: Any, gcal: Any
) -> None:
    calendar = alice.calendars.get(primary=True)
    listed = gcal.events().list(calendarId="primary", maxResults=10).execute()["items"]
    single = next(e for e in listed if "recurrence" not in e)
    gcal.events().patch(
        calendarId="primary", eventId=single["id"], body={"summary": "Moved"}
    ).execute()
    with CaptureQueriesContext(connection) as statements:
        assert sync_calendar.call(calendar_id=calendar.pk) == "incremental"
    assert len(statements.captured_queries) <= MOST_STATEMENTS, [
        q["sql"][:100] for q in statements.captured_queries
    ]
    assert calendar.events.get(google_id=single["id"]).summary == "Moved"
    assert calendar.instances.get(key=single["id"]).event.summary == "Moved"
    logged = StoreChange.objects.filter(calendar=calendar).order_by("-pk")[:2]
    assert [(c.kind, c.event_id) for c in logged][::-1] == [
        ("event.updated", single["id"]),
        ("calendar.synced", ""),
    ]
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None and not calendar.sync_requested


def test_a_sync_asked_for_while_one_runs_goes_once_more(
    alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The running sync gives its lease back only if no one asked for another meanwhile."""
    from calendar_api.models import Calendar
    from calendar_api.services import leases, sync

    calendar = alice.calendars.get(primary=True)
    passes: list[str] = []
    real = leases.lease_release

    def release(calendar_id: int, *, unless_requested: bool = False) -> bool:
        if unless_requested and not passes:  # another trigger arrives as the first pass ends
            Calendar.objects.filter(pk=calendar_id).update(sync_requested=True)
        passes.append("pass" if unless_requested else "release")
        return real(calendar_id, unless_requested=unless_requested)

    monkeypatch.setattr(leases, "lease_release", release)
    assert sync.calendar_sync(calendar=calendar).mode == "incremental"
    assert passes == ["pass", "release", "pass"]
    calendar.refresh_from_db()
    assert calendar.sync_lease_until is None and not calendar.sync_requested
