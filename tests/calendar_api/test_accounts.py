"""Token lifecycle, disconnect, personal API tokens and key rotation."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from calendar_api import crypto
from calendar_api.google.errors import ReauthRequired
from calendar_api.models import Calendar, Event, GoogleAccount, Instance, WatchChannel
from calendar_api.services.sync import calendar_sync
from calendar_api.services.tokens import account_access_token
from calendar_api.services.watches import watch_start
from calendar_api.tasks import sync_calendar
from tests.calendar_api.conftest import fault
from tests.emulator.clients import CLIENT_ID, control

pytestmark = pytest.mark.django_db


def expire(account: GoogleAccount) -> None:
    GoogleAccount.objects.filter(pk=account.pk).update(
        access_token_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    account.refresh_from_db()


def test_an_expired_access_token_is_refreshed_before_use(alice: Any, google: Any) -> None:
    old = alice.access_token
    expire(alice)
    token = account_access_token(account=alice)
    assert token != old and token.startswith("ya29.")
    alice.refresh_from_db()
    assert alice.access_token == token and not alice.is_expired()


def test_a_401_refreshes_once_and_the_sync_goes_on(alice: Any, google: Any) -> None:
    old = alice.access_token
    control(google.base_url, "expire-access-tokens")  # Google now rejects it before its expiry
    assert calendar_sync(calendar=alice.calendars.get(primary=True)).mode == "incremental"
    alice.refresh_from_db()
    assert alice.access_token != old


def test_invalid_grant_on_refresh_marks_the_account_for_reconnection(
    alice: Any, google: Any
) -> None:
    watch_start(calendar=alice.calendars.get(primary=True))
    google.emulator.state.revoke_grant("alice@example.com", CLIENT_ID)
    expire(alice)
    with pytest.raises(ReauthRequired):
        account_access_token(account=alice)
    alice.refresh_from_db()
    assert alice.status == "reconnect_required"
    assert not WatchChannel.objects.filter(stopped_at=None).exists()
    assert sync_calendar.call(calendar_id=alice.calendars.get(primary=True).pk) == "skipped"


def test_the_api_says_a_reconnect_is_needed_and_reconnecting_restores(
    alice: Any, google: Any, visitor: Client, connect: Any
) -> None:
    google.emulator.state.revoke_grant("alice@example.com", CLIENT_ID)
    expire(alice)
    with pytest.raises(ReauthRequired):
        account_access_token(account=alice)
    [listed] = visitor.get("/rest/v1/connections/").json()["results"]
    assert listed["status"] == "reconnect_required"
    assert connect(prompt="consent").status_code == 200
    alice.refresh_from_db()
    assert alice.status == "active" and alice.refresh_token


def test_disconnect_stops_channels_revokes_and_deletes_everything(
    alice: Any, google: Any, visitor: Client
) -> None:
    watch_start(calendar=alice.calendars.get(primary=True))
    refresh = alice.refresh_token
    response = visitor.delete(f"/rest/v1/connections/{alice.pk}/")
    assert response.status_code == 204
    assert control(google.base_url, "channels", method="GET")["channels"] == []
    assert refresh not in google.emulator.state.refresh_tokens
    assert google.emulator.state.grant_for("alice@example.com", CLIENT_ID) is None
    assert not GoogleAccount.objects.exists()
    assert not Event.objects.exists() and not Calendar.objects.exists()
    assert not Instance.objects.exists()


def test_disconnect_succeeds_locally_when_google_is_down(
    alice: Any, google: Any, visitor: Client
) -> None:
    watch_start(calendar=alice.calendars.get(primary=True))
    fault(google, "oauth.revoke", status=503, times=10)
    fault(google, "calendar.channels.stop", status=503, times=10)
    assert visitor.delete(f"/rest/v1/connections/{alice.pk}/").status_code == 204
    assert not GoogleAccount.objects.exists() and not WatchChannel.objects.exists()


def test_another_users_connection_is_not_found(alice: Any, google: Any, connect: Any) -> None:
    bob = Client(HTTP_HOST="127.0.0.1:8000")
    init = bob.get("/rest/v1/calendar/init/", {"login_hint": "bob@example.com"})
    from tests.calendar_api.conftest import consent, path_of

    assert bob.get(path_of(consent(init["Location"]))).status_code == 200
    assert bob.get(f"/rest/v1/connections/{alice.pk}/").status_code == 404
    assert bob.delete(f"/rest/v1/connections/{alice.pk}/").status_code == 404
    assert bob.post(f"/rest/v1/connections/{alice.pk}/sync/").status_code == 404
    assert [c["email"] for c in bob.get("/rest/v1/connections/").json()["results"]] == [
        "bob@example.com"
    ]
    assert GoogleAccount.objects.filter(pk=alice.pk).exists()


def test_connections_need_authentication() -> None:
    response = Client().get("/rest/v1/connections/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_connection_never_shows_a_token(alice: Any, visitor: Client) -> None:
    text = visitor.get("/rest/v1/connections/").content.decode()
    assert "alice@example.com" in text
    assert "ya29." not in text and "1//" not in text and "token" not in text
    assert "ya29." not in repr(alice) and "1//" not in str(alice)


def test_a_personal_api_token_works_until_revoked(alice: Any, visitor: Client) -> None:
    created = visitor.post("/rest/v1/auth/tokens/", content_type="application/json")
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("gcal_")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/rest/v1/connections/").json()["results"][0]["email"] == "alice@example.com"
    from knox.models import AuthToken

    assert secret not in str(list(AuthToken.objects.values_list()))  # stored hashed
    key = created.json()["token_key"]
    assert visitor.delete(f"/rest/v1/auth/tokens/{key}/").status_code == 204
    assert api.get("/rest/v1/connections/").status_code == 401


def test_an_expired_api_token_is_refused(alice: Any, visitor: Client) -> None:
    from knox.models import AuthToken

    secret = visitor.post("/rest/v1/auth/tokens/", content_type="application/json").json()["token"]
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/rest/v1/connections/").status_code
        == 401
    )


def test_rotating_keys_reencrypts_every_token(alice: Any, calendar_settings: Any) -> None:
    old_keys = list(calendar_settings.TOKEN_ENCRYPTION_KEYS)
    access, refresh = alice.access_token, alice.refresh_token
    new = crypto.generate_key()
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [new, *old_keys]
    out = StringIO()
    call_command("rotate_token_keys", stdout=out)
    assert "1 account" in out.getvalue()
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [new]
    alice.refresh_from_db()
    assert (alice.access_token, alice.refresh_token) == (access, refresh)


def test_a_token_no_key_decrypts_fails_closed(alice: Any, calendar_settings: Any) -> None:
    calendar_settings.TOKEN_ENCRYPTION_KEYS = [crypto.generate_key()]
    alice.refresh_from_db()
    with pytest.raises(crypto.TokenDecryptionError):
        _ = alice.refresh_token


def test_the_management_commands_sync_and_report(alice: Any, google: Any) -> None:
    out = StringIO()
    call_command("sync_calendars", "--user", "alice@example.com", stdout=out)
    assert "incremental" in out.getvalue()
    out = StringIO()
    call_command("sync_status", stdout=out)
    assert "alice@example.com" in out.getvalue() and "polling" in out.getvalue()


def test_every_list_has_the_one_list_shape(alice: Any, visitor: Client) -> None:
    visitor.post("/rest/v1/auth/tokens/", content_type="application/json")
    for path in (
        "/rest/v1/connections/",
        "/rest/v1/calendars/",
        "/rest/v1/auth/tokens/",
        "/rest/v1/calendars/primary/events/",
    ):
        body = visitor.get(path).json()
        assert set(body) == {"next", "previous", "results"}, path
        assert body["results"], path
