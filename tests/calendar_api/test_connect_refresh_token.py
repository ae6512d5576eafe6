"""A connect never ends with an account that looks usable but has no refresh token.

Google sends the refresh token only at the first consent. It is kept the moment the code is
exchanged, even when a later step fails; when none is stored and Google sends none, the person
is sent through consent again with prompt=consent."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from calendar_api.models import GoogleAccount
from calendar_api.services.sync import calendar_sync
from google_emulator import EmulatorServer
from tests.calendar_api.conftest import INIT, consent, fault, path_of, primary

pytestmark = pytest.mark.django_db
CALENDAR_LIST = "calendar.calendarList.list"


def expire_and_sync(google: EmulatorServer, account: GoogleAccount) -> GoogleAccount:
    """Let the access token expire at Google, then sync: only a stored refresh token helps."""
    requests.post(f"{google.base_url}/__emulator__/expire-access-tokens", timeout=10)
    GoogleAccount.objects.filter(pk=account.pk).update(access_token_expires_at=None)
    calendar_sync(calendar=primary(GoogleAccount.objects.get(pk=account.pk)))
    return GoogleAccount.objects.get(pk=account.pk)


def test_a_first_connect_that_fails_after_the_exchange_keeps_the_refresh_token(
    connect: Any, google: EmulatorServer, visitor: Client
) -> None:
    fault(google, CALENDAR_LIST, status=503, times=4)  # our client tries 4 times
    assert connect().status_code == 503

    kept = GoogleAccount.objects.get()
    assert kept.refresh_token
    assert kept.status == GoogleAccount.Status.CONNECTING
    assert not kept.calendars.exists()
    assert visitor.get("/rest/v1/connections/").status_code in (401, 403)  # not signed in

    assert connect().status_code == 200  # Google sends no refresh token this time
    account = GoogleAccount.objects.get()
    assert account.status == GoogleAccount.Status.ACTIVE
    assert account.refresh_token == kept.refresh_token
    account = expire_and_sync(google, account)
    assert account.status == GoogleAccount.Status.ACTIVE  # the refresh worked


def test_an_unfinished_connect_is_neither_listed_nor_synced(
    connect: Any, google: EmulatorServer, sign_in_bob: Client
) -> None:
    fault(google, CALENDAR_LIST, status=503, times=4)
    assert connect().status_code == 503
    listed = sign_in_bob.get("/rest/v1/connections/").json()["results"]
    assert [c["email"] for c in listed] == ["bob@example.com"]


def test_with_no_refresh_token_anywhere_it_asks_google_for_consent_again(
    connect: Any, google: EmulatorServer, visitor: Client
) -> None:
    assert connect().status_code == 200
    GoogleAccount.objects.update(refresh_token_encrypted="")  # e.g. lost before this fix

    init = visitor.get(INIT, {"login_hint": "alice@example.com"})
    again = visitor.get(path_of(consent(init["Location"])))
    assert again.status_code == 302
    assert parse_qs(urlsplit(again["Location"]).query)["prompt"] == ["consent"]
    done = visitor.get(path_of(consent(again["Location"])))

    assert done.status_code == 200
    account = GoogleAccount.objects.get()
    assert account.refresh_token
    assert expire_and_sync(google, account).status == GoogleAccount.Status.ACTIVE


def test_reconnecting_an_account_whose_grant_died_asks_for_consent(
    connect: Any, google: EmulatorServer, visitor: Client
) -> None:
    assert connect().status_code == 200
    GoogleAccount.objects.update(status=GoogleAccount.Status.RECONNECT_REQUIRED)

    init = visitor.get(INIT, {"login_hint": "alice@example.com"})
    again = visitor.get(path_of(consent(init["Location"])))
    assert again.status_code == 302 and "prompt=consent" in again["Location"]
    assert visitor.get(path_of(consent(again["Location"]))).status_code == 200
    account = GoogleAccount.objects.get()
    assert account.status == GoogleAccount.Status.ACTIVE
    assert expire_and_sync(google, account).status == GoogleAccount.Status.ACTIVE


@pytest.fixture
def sign_in_bob(google: EmulatorServer) -> Client:
    client = Client(HTTP_HOST="127.0.0.1:8000")
    init = client.get(INIT, {"login_hint": "bob@example.com"})
    assert client.get(path_of(consent(init["Location"]))).status_code == 200
    return client
