"""Refresh tokens that expire as Google's do (google_emulator/expiry.py names Google's page):
seven days after they were issued for an app in "Testing" status, at once after a password
change; the official google-auth client then meets `invalid_grant` with Google's words."""

from __future__ import annotations

import subprocess
import sys

import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from google_emulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, EmulatorServer
from google_emulator.expiry import TESTING_MAX_AGE
from tests.emulator.clients import control
from tests.emulator.test_oauth_helpers import CAL, SIGN_IN, sign_in

DAY = 24 * 3600.0


@pytest.fixture(autouse=True)
def _loopback_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _refreshable(emulator: EmulatorServer, scopes: list[str]) -> tuple[str, Credentials]:
    _, token = sign_in(emulator.base_url, scopes)
    credentials = Credentials(
        None,
        refresh_token=token["refresh_token"],
        token_uri=emulator.base_url + "/token",
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
    )
    return token["refresh_token"], credentials


def _age(emulator: EmulatorServer, refresh_token: str, seconds: float) -> None:
    """Issued `seconds` ago (the emulator's own record of the token)."""
    with emulator.emulator.state.lock:
        emulator.emulator.state.refresh_tokens[refresh_token].created_at -= seconds


def test_a_testing_apps_refresh_token_works_for_seven_days_then_answers_invalid_grant(
    emulator: EmulatorServer,
) -> None:
    setting = control(emulator.base_url, "refresh-tokens", {"publishing_status": "testing"})
    assert setting["max_age_seconds"] == TESTING_MAX_AGE
    refresh_token, credentials = _refreshable(emulator, [*SIGN_IN, CAL])
    _age(emulator, refresh_token, 6.9 * DAY)
    credentials.refresh(Request())  # six days and a bit: still good
    _age(emulator, refresh_token, 0.2 * DAY)
    with pytest.raises(RefreshError) as caught:
        credentials.refresh(Request())
    assert caught.value.args[1] == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }
    assert not caught.value.retryable


def test_sign_in_only_grants_do_not_expire_in_testing_status(emulator: EmulatorServer) -> None:
    control(emulator.base_url, "refresh-tokens", {"publishing_status": "testing"})
    refresh_token, credentials = _refreshable(emulator, SIGN_IN)
    _age(emulator, refresh_token, 30 * DAY)
    credentials.refresh(Request())


def test_in_production_status_refresh_tokens_do_not_age_and_a_reset_goes_back(
    emulator: EmulatorServer,
) -> None:
    refresh_token, credentials = _refreshable(emulator, [*SIGN_IN, CAL])
    _age(emulator, refresh_token, 60 * DAY)
    credentials.refresh(Request())
    control(emulator.base_url, "refresh-tokens", {"max_age_seconds": 10})
    emulator.emulator.reset()
    assert control(emulator.base_url, "refresh-tokens", method="GET")["max_age_seconds"] == 0


def test_a_password_change_ends_the_accounts_refresh_tokens(emulator: EmulatorServer) -> None:
    _, credentials = _refreshable(emulator, [*SIGN_IN, CAL])
    ended = control(emulator.base_url, "refresh-tokens", {"expire": "alice@example.com"})
    assert ended["expired"] == 1
    with pytest.raises(RefreshError, match="Token has been expired or revoked"):
        credentials.refresh(Request())


def test_the_command_line_takes_the_publishing_status() -> None:
    found = subprocess.run(
        [sys.executable, "-m", "google_emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "--publishing-status {production,testing}" in found.stdout
