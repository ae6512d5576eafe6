"""Refresh tokens that Google lets expire (an app in "Testing" status: 7 days; a password
change; a revocation): the account moves to reconnect_required with Google's reason in words,
shown by the API, the page and the admin, and connecting again clears it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from calendar_api.google.errors import ReauthRequired
from calendar_api.models import GoogleAccount
from calendar_api.services.sync import calendar_sync
from calendar_api.services.tokens import account_access_token
from tests.emulator.clients import control

pytestmark = pytest.mark.django_db
GOOGLES_WORDS = "Token has been expired or revoked."


def expire_access(account: GoogleAccount) -> None:
    GoogleAccount.objects.filter(pk=account.pk).update(
        access_token_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    account.refresh_from_db()


def test_a_testing_apps_refresh_token_after_seven_days_asks_for_a_reconnect_with_the_reason(
    alice: Any, google: Any, visitor: Client, connect: Any
) -> None:
    control(google.base_url, "refresh-tokens", {"publishing_status": "testing"})
    state = google.emulator.state
    with state.lock:
        for token in state.refresh_tokens.values():
            token.created_at -= 7 * 24 * 3600 + 60
    expire_access(alice)
    with pytest.raises(ReauthRequired):
        calendar_sync(calendar=alice.calendars.get(primary=True))
    alice.refresh_from_db()
    assert (alice.status, alice.reconnect_reason) == ("reconnect_required", GOOGLES_WORDS)
    [listed] = visitor.get("/rest/v1/connections/").json()["results"]
    assert listed["status"] == "reconnect_required"
    assert listed["reconnect_reason"] == GOOGLES_WORDS
    assert f"alice@example.com ({GOOGLES_WORDS})" in visitor.get("/").content.decode()
    assert connect(prompt="consent").status_code == 200
    alice.refresh_from_db()
    assert (alice.status, alice.reconnect_reason) == ("active", "")


def test_a_password_change_at_google_does_the_same(alice: Any, google: Any) -> None:
    control(google.base_url, "refresh-tokens", {"expire": "alice@example.com"})
    expire_access(alice)
    with pytest.raises(ReauthRequired):
        account_access_token(account=alice)
    alice.refresh_from_db()
    assert (alice.status, alice.reconnect_reason) == ("reconnect_required", GOOGLES_WORDS)


def test_the_admin_shows_the_reason(alice: Any, google: Any, admin_client: Client) -> None:
    GoogleAccount.objects.filter(pk=alice.pk).update(
        status="reconnect_required", reconnect_reason=GOOGLES_WORDS
    )
    page = admin_client.get(f"/admin/calendar_api/googleaccount/{alice.pk}/change/")
    assert page.status_code == 200 and GOOGLES_WORDS in page.content.decode()
