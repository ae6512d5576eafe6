"""Narrow unit tests of the token endpoint's error paths, with `responses` standing in for Google."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests
import responses

from calendar_api.exceptions import ScopeNotGranted
from calendar_api.google import oauth
from calendar_api.google.config import load_config
from calendar_api.google.errors import (
    GoogleBadResponse,
    GoogleUnavailable,
    InvalidGrant,
    ReauthRequired,
)
from calendar_api.models import GoogleAccount
from calendar_api.services.accounts import account_connect

CALENDAR = "https://www.googleapis.com/auth/calendar"


@pytest.fixture
def token_uri(calendar_settings: Any) -> str:
    calendar_settings.EMULATOR_URL = "http://127.0.0.1:9"
    calendar_settings.CLIENT_SECRETS_FILE = ""
    return load_config().token_uri


def exchange() -> oauth.TokenGrant:
    return oauth.exchange_code(code="4/0Acode", code_verifier="v" * 64, calendar_scopes=[CALENDAR])


@responses.activate
def test_it_maps_invalid_grant_to_our_error(token_uri: str) -> None:
    responses.post(
        token_uri, status=400, json={"error": "invalid_grant", "error_description": "Bad Request"}
    )
    with pytest.raises(InvalidGrant):
        exchange()


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503])
def test_it_maps_a_5xx_to_google_unavailable(token_uri: str, status: int) -> None:
    responses.post(token_uri, status=status, body="<html>oops</html>")
    with pytest.raises(GoogleUnavailable):
        exchange()


@responses.activate
def test_it_maps_a_timeout_to_google_unavailable(token_uri: str) -> None:
    responses.post(token_uri, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(GoogleUnavailable):
        exchange()


@responses.activate
def test_it_sends_the_code_verifier_and_the_exact_redirect_uri(
    token_uri: str, calendar_settings: Any
) -> None:
    responses.post(
        token_uri,
        json={
            "access_token": "ya29.x",
            "expires_in": 3599,
            "scope": CALENDAR,
            "token_type": "Bearer",
        },
    )
    exchange()
    sent = responses.calls[0].request.body
    assert isinstance(sent, str)
    assert "code_verifier=" + "v" * 64 in sent
    assert "redirect_uri=" + quote(calendar_settings.REDIRECT_URI, safe="") in sent


@responses.activate
def test_a_missing_refresh_token_is_reported_as_none(token_uri: str) -> None:
    responses.post(
        token_uri,
        json={
            "access_token": "ya29.x",
            "expires_in": 3599,
            "scope": f"openid {CALENDAR}",
            "token_type": "Bearer",
        },
    )
    grant = exchange()
    assert grant.refresh_token is None
    assert grant.scopes == {"openid", CALENDAR}


@responses.activate
def test_a_response_without_access_token_is_a_bad_response(token_uri: str) -> None:
    responses.post(token_uri, json={"token_type": "Bearer"})
    with pytest.raises((GoogleBadResponse, InvalidGrant)):
        exchange()


@responses.activate
@pytest.mark.django_db
def test_a_missing_calendar_scope_stores_nothing_and_revokes(token_uri: str) -> None:
    responses.post(
        token_uri,
        json={
            "access_token": "ya29.x",
            "expires_in": 3599,
            "scope": "openid email",
            "token_type": "Bearer",
        },
    )
    revoke = responses.post(load_config().revoke_uri, json={})
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ScopeNotGranted):
        account_connect(user=AnonymousUser(), code="4/0Acode", code_verifier="v" * 64)
    assert revoke.call_count == 1
    assert GoogleAccount.objects.count() == 0


@responses.activate
def test_a_refresh_answered_with_invalid_grant_requires_reconnect(token_uri: str) -> None:
    responses.post(
        token_uri,
        status=400,
        json={"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
    )
    with pytest.raises(ReauthRequired):
        oauth.refresh(refresh_token="1//stale")


@responses.activate
def test_a_refresh_answered_with_5xx_is_temporary(token_uri: str) -> None:
    responses.post(token_uri, status=503, json={"error": "internal_failure"})
    with pytest.raises(GoogleUnavailable):
        oauth.refresh(refresh_token="1//ok")


@responses.activate
def test_revoke_reports_a_google_outage(token_uri: str) -> None:
    responses.post(load_config().revoke_uri, status=503)
    with pytest.raises(GoogleUnavailable):
        oauth.revoke(token="1//x")
