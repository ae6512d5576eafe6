"""Least privilege and granular consent: the product asks for narrow scopes and works with
whatever part the person ticked on the emulator's consent page, and with what Google's 403
ACCESS_TOKEN_SCOPE_INSUFFICIENT shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from django.test import Client
from django.utils import timezone

from calendar_api import api, signals
from calendar_api.google.errors import ScopeMissing
from calendar_api.models import Calendar, GoogleAccount, StoreChange
from google_emulator import EmulatorServer
from tests.calendar_api.conftest import INIT, fault, path_of, query

pytestmark = pytest.mark.django_db
AUTH = "https://www.googleapis.com/auth/"
LIST = AUTH + "calendar.calendarlist.readonly"
EVENTS = AUTH + "calendar.events"
EVENTS_READ = AUTH + "calendar.events.readonly"
FREEBUSY = AUTH + "calendar.freebusy"
CONNECTIONS = "/rest/v1/connections/"
EVENTS_URL = "/rest/v1/calendars/primary/events/"
NEW = {
    "summary": "Planning",
    "start": {"dateTime": "2026-03-02T09:00:00Z"},
    "end": {"dateTime": "2026-03-02T10:00:00Z"},
}


def grant(google: EmulatorServer, visitor: Client, ticked: list[str], **init: str) -> Any:
    """Init, then the consent page answered with only `ticked` scopes checked, then our
    redirect view (a second round with prompt=consent is answered the same way)."""
    google.emulator.auto_consent = False
    location = visitor.get(INIT, {"login_hint": "alice@example.com", **init})["Location"]
    for _ in range(2):
        form = {**query(location), "account": "alice@example.com", "decision": "allow"}
        answer = requests.post(
            google.base_url + "/o/oauth2/auth",
            data={**form, "granted_scope": ticked},
            allow_redirects=False,
            timeout=10,
        )
        response = visitor.get(path_of(answer.headers["Location"]))
        if response.status_code != 302 or "prompt=consent" not in response["Location"]:
            return response
        location = response["Location"]
    return response


def connection(visitor: Client) -> dict[str, Any]:
    [found] = visitor.get(CONNECTIONS).json()["results"]
    return dict(found)


def write_refused(visitor: Client) -> dict[str, Any]:
    answer = visitor.post(EVENTS_URL, NEW, content_type="application/json")
    assert answer.status_code == 403, answer.content
    return dict(answer.json()["error"])


def test_the_default_asks_for_the_list_events_and_free_busy_not_full_access(
    google: Any, visitor: Client
) -> None:
    asked = query(visitor.get(INIT)["Location"])["scope"].split()
    assert {LIST, EVENTS, FREEBUSY} <= set(asked) and AUTH + "calendar" not in asked


def test_without_the_events_write_scope_the_account_is_read_only(
    google: Any, visitor: Client, calendar_settings: Any
) -> None:
    calendar_settings.SCOPES = [LIST, EVENTS_READ]  # a host that only reads
    assert grant(google, visitor, [LIST, EVENTS_READ]).status_code == 200
    assert connection(visitor)["access"] == {
        "events": "read_only",
        "calendar_list": True,
        "free_busy": False,
    }
    assert connection(visitor)["missing"] == []  # nothing asked for is missing
    assert visitor.get(EVENTS_URL).status_code == 200
    error = write_refused(visitor)
    assert error["code"] == "scope_missing" and error["scope"] == EVENTS
    assert error["access"] == "events_write" and "read-only" in error["message"]


def test_an_unticked_events_scope_leaves_the_account_read_only_until_granted_again(
    google: Any, visitor: Client, calendar_settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Reading needs an events scope: tick the read-only one beside the asked pair.
    calendar_settings.SCOPES = [LIST, EVENTS, EVENTS_READ]
    commits = django_capture_on_commit_callbacks(execute=True)
    with _received(signals.scope_missing) as missing, commits:
        assert grant(google, visitor, [LIST, EVENTS_READ]).status_code == 200
    assert [call["missing"] for call in missing] == [frozenset({EVENTS})]
    assert not missing[0]["refused"] and missing[0]["account"].email == "alice@example.com"
    assert connection(visitor)["missing"] == [{"access": "events_write", "scope": EVENTS}]
    assert write_refused(visitor)["scope"] == EVENTS
    account = GoogleAccount.objects.get()
    with pytest.raises(ScopeMissing) as raised:
        api.event_create(account.user, "primary", NEW)
    assert raised.value.part == "events_write" and raised.value.scope == EVENTS

    primary = Calendar.objects.get(primary=True)
    token, synced = primary.sync_token, StoreChange.objects.count()
    location = visitor.get(INIT, {"grant": "events_write", "login_hint": "alice@example.com"})
    asked = query(location["Location"])
    calendar_asked = [s for s in asked["scope"].split() if "/auth/calendar" in s]
    assert calendar_asked == [EVENTS] and asked["include_granted_scopes"] == "true"
    assert grant(google, visitor, [EVENTS], grant="events_write").status_code == 200
    assert connection(visitor)["access"]["events"] == "read_write"
    created = visitor.post(EVENTS_URL, NEW, content_type="application/json")
    assert created.status_code == 201, created.content
    primary.refresh_from_db()
    assert primary.sync_token == token  # no new full sync: the old token still serves
    assert StoreChange.objects.count() == synced + 1  # only the event just created


def test_without_the_calendar_list_only_the_primary_calendar_syncs(
    google: Any, visitor: Client
) -> None:
    assert grant(google, visitor, [EVENTS]).status_code == 200
    [primary] = Calendar.objects.all()
    assert primary.primary and primary.sync_enabled and primary.google_id == "alice@example.com"
    assert (
        primary.time_zone
        == google.emulator.state.calendars.calendars["alice@example.com"].time_zone
    )  # learnt from events.list
    assert connection(visitor)["access"]["calendar_list"] is False
    assert connection(visitor)["missing"] == [
        {"access": "calendar_list", "scope": LIST},
        {"access": "free_busy", "scope": FREEBUSY},
    ]
    assert visitor.get(EVENTS_URL).json()["results"]


def test_googles_insufficient_scope_answer_makes_the_account_read_only(
    google: Any, visitor: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert grant(google, visitor, [LIST, EVENTS, FREEBUSY]).status_code == 200
    fault(google, "calendar.events.insert", status=403, reason="insufficientPermissions")
    commits = django_capture_on_commit_callbacks(execute=True)
    with _received(signals.scope_missing) as missing, commits:
        assert write_refused(visitor)["scope"] == EVENTS
    assert [call["missing"] for call in missing] == [frozenset({EVENTS})]
    assert connection(visitor)["access"]["events"] == "none"  # calendar.events was all
    assert EVENTS not in GoogleAccount.objects.get().scopes


def test_free_busy_alone_answers_free_busy_and_says_events_are_not_available(
    google: Any, visitor: Client, calendar_settings: Any
) -> None:
    calendar_settings.SCOPES = ["calendar.freebusy"]
    assert grant(google, visitor, [FREEBUSY]).status_code == 200
    assert connection(visitor)["access"] == {
        "events": "none",
        "calendar_list": False,
        "free_busy": True,
    }
    [primary] = Calendar.objects.all()
    assert not primary.sync_enabled and primary.last_synced_at is None
    refused = visitor.get(EVENTS_URL)
    assert refused.status_code == 403
    assert refused.json()["error"]["access"] == "events_read"
    assert "not available" in refused.json()["error"]["message"]
    now = timezone.now()  # the seed's events are around the time the emulator started
    low, high = now - dt.timedelta(days=14), now + dt.timedelta(days=14)
    window = {"time_min": low.isoformat(), "time_max": high.isoformat()}
    busy = visitor.get("/rest/v1/freebusy/", window)
    assert busy.status_code == 200, busy.content
    assert busy.json()["calendars"]["alice@example.com"]["busy"]  # Google's live answer
    assert (
        visitor.patch(
            "/rest/v1/calendars/primary/", {"sync_enabled": True}, content_type="application/json"
        ).json()["error"]["code"]
        == "scope_missing"
    )


def test_an_unknown_grant_part_is_a_clear_400(google: Any, visitor: Client) -> None:
    answer = visitor.get(INIT, {"grant": "everything"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_grant_part"


class _received:
    """Collect the keyword arguments of every sending of `signal` inside the block."""

    def __init__(self, signal: Any) -> None:
        self.signal = signal
        self.calls: list[dict[str, Any]] = []

    def __enter__(self) -> list[dict[str, Any]]:
        self.signal.connect(self._record, dispatch_uid="test_scopes")
        return self.calls

    def __exit__(self, *exc: object) -> None:
        self.signal.disconnect(dispatch_uid="test_scopes")

    def _record(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def test_metrics_count_accounts_by_missing_part(
    google: Any, visitor: Client, client: Client
) -> None:
    assert grant(google, visitor, [LIST, EVENTS]).status_code == 200  # free/busy unticked
    text = client.get("/metrics").content.decode()
    assert f'gcal_accounts_missing_scope{{access="free_busy",scope="{FREEBUSY}"}} 1.0' in text
    assert f'gcal_accounts_missing_scope{{access="events_write",scope="{EVENTS}"}} 0.0' in text


def test_the_admin_shows_what_an_account_lacks(
    google: Any, visitor: Client, admin_client: Client
) -> None:
    assert grant(google, visitor, [EVENTS, FREEBUSY]).status_code == 200  # list unticked
    listing = admin_client.get("/admin/calendar_api/googleaccount/").content.decode()
    assert "missing: calendar list (primary only)" in listing
    account = GoogleAccount.objects.get()
    page = admin_client.get(f"/admin/calendar_api/googleaccount/{account.pk}/change/")
    assert "missing: calendar list (primary only)" in page.content.decode()


def test_a_setting_granting_no_calendar_access_fails_the_system_check(
    calendar_settings: Any,
) -> None:
    from calendar_api.checks import check_scopes

    assert check_scopes() == []
    calendar_settings.SCOPES = ["calendar.settings.readonly"]
    [error] = check_scopes()
    assert error.id == "calendar_api.E008" and "grants no Calendar access" in error.msg
