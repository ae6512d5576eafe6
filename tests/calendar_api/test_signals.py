"""The signals a host connects to (calendar_api.signals), against the emulator: each is
received once, with the right arguments, after the transaction commits, and never for a
change that was rolled back. The tests run inside a transaction, so the on-commit callbacks
are run by `django_capture_on_commit_callbacks(execute=True)`, as a commit would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from django.db import transaction
from django.dispatch import Signal
from django.test import Client
from django.utils import timezone

from calendar_api import api, signals
from calendar_api.google.errors import ReauthRequired
from calendar_api.models import Calendar, GoogleAccount, StoreChange
from calendar_api.services.accounts import account_disconnect
from calendar_api.services.event_rows import events_store
from calendar_api.services.tokens import account_access_token
from calendar_api.tasks import sync_calendar
from tests.calendar_api.conftest import INIT, path_of, query
from tests.emulator.clients import CALENDAR_SCOPE, CLIENT_ID

LIST_SCOPE = CALENDAR_SCOPE + ".calendarlist.readonly"
EVENTS_SCOPE = CALENDAR_SCOPE + ".events"
FREEBUSY_SCOPE = CALENDAR_SCOPE + ".freebusy"

pytestmark = pytest.mark.django_db


@contextmanager
def received(signal: Signal) -> Iterator[list[dict[str, Any]]]:
    """The keyword arguments of every sending of `signal` while the block runs."""
    calls: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        calls.append(kwargs)

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


def expire(account: GoogleAccount) -> None:
    GoogleAccount.objects.filter(pk=account.pk).update(
        access_token_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    account.refresh_from_db()


def insert_at_google(gcal: Any, summary: str = "Added at Google") -> dict[str, Any]:
    body = {
        "summary": summary,
        "start": {"dateTime": "2026-12-01T15:00:00Z"},
        "end": {"dateTime": "2026-12-01T16:00:00Z"},
    }
    return dict(gcal.events().insert(calendarId="primary", body=body).execute())


def test_a_change_at_google_then_a_sync_sends_events_changed_and_sync_completed_once(
    alice: Any, gcal: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary = alice.calendars.get(primary=True)
    new = insert_at_google(gcal)
    with (
        received(signals.events_changed) as changed,
        received(signals.sync_completed) as done,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sync_calendar.call(calendar_id=primary.pk) == "incremental"
        assert changed == [] and done == []  # nothing before the commit
    [event] = changed
    assert event["sender"] is Calendar and event["calendar"] == primary
    assert [(c.kind, c.event_id) for c in event["changes"]] == [("event.created", new["id"])]
    assert all(isinstance(c, StoreChange) and c.pk for c in event["changes"])
    [sync] = done
    assert sync["sender"] is Calendar and sync["calendar"] == primary
    assert (sync["mode"], sync["changed"]) == ("incremental", 1)


def test_a_sync_that_finds_nothing_new_completes_without_events_changed(
    alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary = alice.calendars.get(primary=True)
    with (
        received(signals.events_changed) as changed,
        received(signals.sync_completed) as done,
        django_capture_on_commit_callbacks(execute=True),
    ):
        sync_calendar.call(calendar_id=primary.pk)
    assert changed == []
    assert [(d["mode"], d["changed"]) for d in done] == [("incremental", 0)]


def test_a_write_through_the_api_sends_events_changed_once(
    alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = {
        "summary": "Planning",
        "start": {"dateTime": "2027-02-10T10:00:00Z"},
        "end": {"dateTime": "2027-02-10T11:00:00Z"},
    }
    with received(signals.events_changed) as changed:
        with django_capture_on_commit_callbacks(execute=True):
            created = api.event_create(alice.user, "primary", body)
        with django_capture_on_commit_callbacks(execute=True):
            api.event_delete(alice.user, "primary", created["id"], etag=created["etag"])
    kinds = [[(c.kind, c.event_id) for c in call["changes"]] for call in changed]
    assert kinds == [[("event.created", created["id"])], [("event.deleted", created["id"])]]


def test_a_rolled_back_change_sends_nothing(
    alice: Any, gcal: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary = alice.calendars.get(primary=True)
    new = insert_at_google(gcal)
    with (
        received(signals.events_changed) as changed,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events_store(calendar=primary, items=[new])
        raise RuntimeError("rolled back")
    assert changed == []
    assert not primary.events.filter(google_id=new["id"]).exists()


def test_a_receiver_that_fails_is_logged_and_the_change_stands(
    alice: Any, gcal: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise ValueError("a bug in the host")

    signals.events_changed.connect(broken)
    try:
        with (
            received(signals.events_changed) as changed,
            django_capture_on_commit_callbacks(execute=True),
        ):
            sync_calendar.call(calendar_id=alice.calendars.get(primary=True).pk)
            insert_at_google(gcal)
            sync_calendar.call(calendar_id=alice.calendars.get(primary=True).pk)
    finally:
        signals.events_changed.disconnect(broken)
    assert len(changed) == 1  # the other receivers still heard of it
    assert "a bug in the host" in caplog.text


def test_connecting_sends_connected_once_and_again_on_reconnect(
    google: Any, connect: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with received(signals.connected) as connected:
        with django_capture_on_commit_callbacks(execute=True):
            assert connect().status_code == 200
        account = GoogleAccount.objects.get(email="alice@example.com")
        assert len(connected) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert connect(prompt="consent").status_code == 200
    assert [(c["sender"], c["account"].pk, c["user"]) for c in connected] == [
        (GoogleAccount, account.pk, account.user)
    ] * 2
    assert connected[0]["account"].status == "active"


def test_disconnecting_sends_disconnected_once(
    alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pk, user = alice.pk, alice.user
    with (
        received(signals.disconnected) as disconnected,
        django_capture_on_commit_callbacks(execute=True),
    ):
        account_disconnect(account=alice)
    [gone] = disconnected
    assert gone["sender"] is GoogleAccount and gone["user"] == user
    assert gone["account_id"] == pk and gone["account"].email == "alice@example.com"
    assert not GoogleAccount.objects.filter(pk=pk).exists()


def test_a_grant_revoked_at_google_sends_reconnect_required_once(
    alice: Any, google: Any, django_capture_on_commit_callbacks: Any
) -> None:
    google.emulator.state.revoke_grant("alice@example.com", CLIENT_ID)
    expire(alice)
    primary = alice.calendars.get(primary=True)
    with received(signals.reconnect_required) as required:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ReauthRequired):
            account_access_token(account=alice)
        assert len(required) == 1
        with django_capture_on_commit_callbacks(execute=True):  # already marked: not again
            assert sync_calendar.call(calendar_id=primary.pk) == "skipped"
            with pytest.raises(ReauthRequired):
                account_access_token(account=alice)
    [call] = required
    assert call["sender"] is GoogleAccount and call["user"] == alice.user
    assert call["account"].pk == alice.pk and call["account"].status == "reconnect_required"
    assert call["reason"] == "grant_refused"


def test_a_revoked_grant_found_by_a_sync_sends_reconnect_required_once(
    alice: Any, google: Any, django_capture_on_commit_callbacks: Any
) -> None:
    google.emulator.state.revoke_grant("alice@example.com", CLIENT_ID)
    expire(alice)
    with (
        received(signals.reconnect_required) as required,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = sync_calendar.call(calendar_id=alice.calendars.get(primary=True).pk)
    assert result == "reconnect_required"
    assert [(c["account"].pk, c["reason"]) for c in required] == [(alice.pk, "grant_refused")]


def test_an_unticked_calendar_scope_sends_scope_missing_once(google: Any, visitor: Client) -> None:
    google.emulator.auto_consent = False
    init = visitor.get(INIT)
    form = {**query(init["Location"]), "account": "alice@example.com", "decision": "allow"}
    answer = requests.post(
        google.base_url + "/o/oauth2/auth", data=form, allow_redirects=False, timeout=10
    )
    with received(signals.scope_missing) as missing:
        assert visitor.get(path_of(answer.headers["Location"])).status_code == 403
    [call] = missing
    assert call["sender"] is GoogleAccount and call["account"] is None
    assert call["email"] == "alice@example.com" and not call["user"].is_authenticated
    assert call["missing"] == frozenset({LIST_SCOPE, EVENTS_SCOPE, FREEBUSY_SCOPE})
    assert call["refused"]
