"""One Google client per account: a 401 renews the token once and replays only that HTTP
request, so a sync's database work runs once per page whatever Google answers; errors say
whether they are worth retrying."""

from __future__ import annotations

from typing import Any

import pytest

from calendar_api.google import client, errors
from calendar_api.models import Event
from calendar_api.services import event_rows, sync
from calendar_api.tasks import sync_calendar
from google_emulator.calendar.generate import generate
from tests.emulator.clients import control

pytestmark = pytest.mark.django_db
PAGE = 2500  # events.list's largest page, which the sync asks for


def test_a_401_in_the_middle_of_a_full_sync_replays_only_that_page(
    alice: Any, google: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = google.emulator.state
    calendar = alice.calendars.get(primary=True)
    with state.lock:
        generate(state.calendars, state.calendars.calendars["alice@example.com"], 2 * PAGE)
    fetched: list[int] = []
    real_execute, real_upsert = client.execute, event_rows.upsert

    def execute(request: Any, **kwargs: Any) -> Any:
        answer = real_execute(request, **kwargs)
        fetched.append(len(answer.get("items", [])))
        if len(fetched) == 1:  # Google stops accepting the token after the first page
            control(google.base_url, "expire-access-tokens")
        return answer

    stored: list[int] = []

    def upsert(calendar: Any, items: list[Any], **kwargs: Any) -> Any:
        stored.append(len(items))
        return real_upsert(calendar, items, **kwargs)

    monkeypatch.setattr(client, "execute", execute)
    monkeypatch.setattr(event_rows, "upsert", upsert)
    old_token = alice.access_token
    calendar.sync_token = ""
    calendar.save(update_fields=["sync_token"])

    assert sync.calendar_sync(calendar=calendar).mode == "full"
    assert stored == fetched and len(fetched) == 3  # each page stored once, none twice
    assert Event.objects.filter(calendar=calendar).count() == sum(fetched)
    alice.refresh_from_db()
    assert alice.access_token != old_token  # the renewed token is stored
    assert alice.status == "active"


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (errors.GoogleUnavailable(), True),
        (errors.RateLimited(), True),
        (errors.QuotaExceeded(), True),
        (errors.GoogleBadRequest(), False),
        (errors.GoogleForbidden(), False),
        (errors.PreconditionFailed(), False),
        (errors.ReauthRequired(), False),
        (errors.GoogleNotFound(), False),
    ],
)
def test_each_error_says_whether_it_is_worth_retrying(
    error: errors.GoogleError, retryable: bool
) -> None:
    assert error.retryable is retryable and error.permanent is not retryable


def test_a_sync_retries_a_retryable_error_and_not_a_permanent_one(alice: Any, google: Any) -> None:
    from tests.calendar_api.conftest import fault

    calendar = alice.calendars.get(primary=True)
    fault(google, "calendar.events.list", status=503, times=10)
    assert sync_calendar.call(calendar_id=calendar.pk) == "retrying"
    google.emulator.clear_faults()
    fault(google, "calendar.events.list", status=404, reason="notFound", times=10)
    assert sync_calendar.call(calendar_id=calendar.pk) == "failed"


def test_accounts_share_one_built_service_and_the_processs_connections(
    alice: Any, connect: Any, google: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service is built once for every account, and an HTTP object (its open connection
    with a server that keeps it, as Google does) serves the next request, whatever thread
    reads it: here four syncs of two accounts, their pages read on threads of their own."""
    import httplib2
    from googleapiclient.discovery import build_from_document

    from calendar_api.google import transport

    assert connect("bob@example.com").status_code == 200
    bob = type(alice).objects.get(email="bob@example.com")
    transport._collection.cache_clear()
    monkeypatch.setattr(transport, "_connections", transport._Connections())
    made: list[str] = []

    def build(*args: Any, **kwargs: Any) -> Any:
        made.append("service")
        return build_from_document(*args, **kwargs)

    class Http(httplib2.Http):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            made.append("http")
            super().__init__(**kwargs)

    monkeypatch.setattr("calendar_api.google.transport.build_from_document", build)
    monkeypatch.setattr(httplib2, "Http", Http)
    for account in (alice, bob, alice, bob):
        calendar = account.calendars.get(primary=True)
        assert sync.calendar_sync(calendar=calendar).mode == "incremental"
    assert made == ["service", "http"]  # the events collection, and one HTTP object
