"""OAuth 2.0 conformance: refresh, revoke, id_token, userinfo, discovery and faults.

Refresh goes through google-auth's `Credentials.refresh()`, id_tokens through
`google.oauth2.id_token.verify_token`, API calls through google-auth's `AuthorizedSession` and
google-api-python-client; revoke has no library helper, so it is a plain POST.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2 import id_token
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from google_emulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, EmulatorServer
from google_emulator.state import Client
from tests.emulator.test_oauth_helpers import (
    CAL,
    EMAIL,
    PROFILE,
    SIGN_IN,
    authorized_session,
    follow_authorize,
    make_flow,
    open_consent,
    query,
    record_statuses,
    sign_in,
)

ALICE_SUB = "104365471209375301001"


@pytest.fixture(autouse=True)
def _loopback_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _credentials(base_url: str, refresh_token: str, scopes: list[str] | None = None) -> Credentials:
    return Credentials(
        None,
        refresh_token=refresh_token,
        token_uri=base_url + "/token",
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        scopes=scopes,
    )


def _calendar_events(base_url: str, credentials: Credentials) -> Any:
    service = build(
        "calendar",
        "v3",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": base_url + "/calendar/v3/"},
    )
    return service.events().list(calendarId="primary", maxResults=1).execute()


def test_it_refreshes_through_credentials_refresh(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    credentials = _credentials(emulator.base_url, token["refresh_token"], [*SIGN_IN, CAL])
    credentials.refresh(Request())
    assert str(credentials.token).startswith("ya29.")
    assert credentials.token != token["access_token"]
    assert credentials.valid
    assert credentials.refresh_token == token["refresh_token"]  # Google keeps the same one
    assert set(credentials.granted_scopes or []) == {*SIGN_IN, CAL}
    assert _calendar_events(emulator.base_url, credentials)["kind"] == "calendar#events"


def test_it_returns_the_granted_subset_when_a_refresh_asks_for_less(
    emulator: EmulatorServer,
) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    credentials = _credentials(emulator.base_url, token["refresh_token"], [CAL])
    credentials.refresh(Request())
    assert credentials.granted_scopes == [CAL]
    info = requests.get(
        emulator.base_url + "/oauth2/v3/tokeninfo",
        params={"access_token": credentials.token},
        timeout=5,
    ).json()
    assert info["scope"] == CAL


def test_it_refreshes_to_the_granted_scopes_after_granular_consent(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, _ = flow.authorization_url()
    flow.fetch_token(
        authorization_response=open_consent(url).submit(untick=(CAL,)).headers["Location"]
    )
    credentials = flow.credentials  # still asks for the calendar scope when it refreshes
    credentials.refresh(Request())
    assert set(credentials.granted_scopes or []) == set(SIGN_IN)
    assert credentials.valid


def test_it_rejects_an_unknown_scope_on_refresh(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    credentials = _credentials(emulator.base_url, token["refresh_token"], ["not-a-scope"])
    with pytest.raises(RefreshError, match="invalid_scope"):
        credentials.refresh(Request())


def test_it_refreshes_with_a_basic_authenticated_client_too(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    response = requests.post(
        emulator.base_url + "/token",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["access_token"].startswith("ya29.")
    assert "refresh_token" not in response.json()


def test_it_invalidates_the_oldest_of_101_refresh_tokens(emulator: EmulatorServer) -> None:
    tokens = [sign_in(emulator.base_url, [CAL])[1]["refresh_token"]]
    tokens += [
        sign_in(emulator.base_url, [CAL], prompt="consent")[1]["refresh_token"] for _ in range(100)
    ]
    assert len(set(tokens)) == 101
    with pytest.raises(RefreshError, match="invalid_grant"):
        _credentials(emulator.base_url, tokens[0]).refresh(Request())
    for live in (tokens[1], tokens[-1]):
        credentials = _credentials(emulator.base_url, live)
        credentials.refresh(Request())
        assert credentials.valid


def test_it_keeps_100_refresh_tokens_per_client_and_account(emulator: EmulatorServer) -> None:
    first = sign_in(emulator.base_url, [CAL])[1]["refresh_token"]
    for _ in range(98):
        sign_in(emulator.base_url, [CAL], prompt="consent")
    sign_in(emulator.base_url, [CAL], login_hint="bob@example.com")  # bob's own count
    _credentials(emulator.base_url, first).refresh(Request())  # 99 for alice: still alive
    sign_in(emulator.base_url, [CAL], prompt="consent")  # the 100th
    _credentials(emulator.base_url, first).refresh(Request())


@pytest.mark.parametrize("which", ["refresh_token", "access_token"])
def test_it_revokes_the_whole_grant(emulator: EmulatorServer, which: str) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    response = requests.post(
        emulator.base_url + "/revoke", params={"token": token[which]}, timeout=5
    )
    assert response.status_code == 200
    with pytest.raises(RefreshError, match="invalid_grant") as caught:
        _credentials(emulator.base_url, token["refresh_token"]).refresh(Request())
    assert not caught.value.retryable
    session = authorized_session(token["access_token"])
    for path in ("/oauth2/v3/userinfo", "/calendar/v3/calendars/primary/events"):
        assert session.get(emulator.base_url + path).status_code == 401
    revoked = Credentials(
        token["access_token"],
        refresh_token=token["refresh_token"],
        token_uri=emulator.base_url + "/token",
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
    )
    with pytest.raises(RefreshError, match="invalid_grant"):  # the 401 makes the client refresh
        _calendar_events(emulator.base_url, revoked)


def test_it_accepts_the_token_to_revoke_in_a_form_body(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    response = requests.post(
        emulator.base_url + "/revoke", data={"token": token["refresh_token"]}, timeout=5
    )
    assert response.status_code == 200
    with pytest.raises(RefreshError):
        _credentials(emulator.base_url, token["refresh_token"]).refresh(Request())


def test_it_answers_400_to_revoking_an_unknown_token(emulator: EmulatorServer) -> None:
    response = requests.post(emulator.base_url + "/revoke", params={"token": "nope"}, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_token"


def test_it_issues_a_new_refresh_token_after_a_revoke(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    requests.post(emulator.base_url + "/revoke", params={"token": token["access_token"]}, timeout=5)
    _, again = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    assert again["refresh_token"] != token["refresh_token"]


def test_it_answers_unsupported_grant_type(emulator: EmulatorServer) -> None:
    response = requests.post(
        emulator.base_url + "/token",
        data={
            "grant_type": "password",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_it_answers_invalid_client_to_a_non_ascii_secret(emulator: EmulatorServer) -> None:
    response = requests.post(
        emulator.base_url + "/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "1//x",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": "s\u00e9cret\U0001f642",
        },
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "header", ["Basic \u00e9\U0001f642".encode(), b"Basic %%%", b"Basic " + b"x" * 3000]
)
def test_a_malformed_basic_header_is_a_400_not_a_crash(
    emulator: EmulatorServer, header: bytes
) -> None:
    response = requests.post(
        emulator.base_url + "/token",
        data={"grant_type": "refresh_token"},
        headers={"Authorization": header},
        timeout=5,
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


@pytest.mark.parametrize(
    "path,body",
    [
        ("latency", {"ms": "soon"}),
        ("faults", {"method": "oauth.token", "status": "x", "times": []}),
        ("faults", [1, 2]),
    ],
)
def test_bad_input_to_a_control_endpoint_is_a_400(
    emulator: EmulatorServer, path: str, body: Any
) -> None:
    response = requests.post(f"{emulator.base_url}/__emulator__/{path}", json=body, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400
    assert emulator.emulator.faults == []  # nothing half-added
    after = requests.post(emulator.base_url + "/token", data={"grant_type": "x"}, timeout=5)
    assert after.status_code in (400, 401)


def test_it_answers_invalid_grant_to_an_unknown_refresh_token(emulator: EmulatorServer) -> None:
    with pytest.raises(RefreshError, match="invalid_grant") as caught:
        _credentials(emulator.base_url, "1//not-a-token").refresh(Request())
    assert "Token has been expired or revoked." in str(caught.value)


def test_it_signs_an_id_token_that_verifies_against_its_jwks(emulator: EmulatorServer) -> None:
    flow, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    claims = id_token.verify_token(
        token["id_token"],
        Request(),
        audience=DEMO_CLIENT_ID,
        certs_url=emulator.base_url + "/oauth2/v3/certs",
    )
    assert claims["iss"] == "https://accounts.google.com"
    assert (claims["aud"], claims["azp"]) == (DEMO_CLIENT_ID, DEMO_CLIENT_ID)
    assert (claims["sub"], claims["email"]) == (ALICE_SUB, "alice@example.com")
    assert claims["email_verified"] is True
    assert claims["exp"] - claims["iat"] == 3600
    assert flow.credentials.id_token == token["id_token"]


def test_it_rejects_an_id_token_for_another_audience(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    with pytest.raises(jwt.InvalidAudienceError):
        id_token.verify_token(
            token["id_token"],
            Request(),
            audience="someone-else.apps.googleusercontent.com",
            certs_url=emulator.base_url + "/oauth2/v3/certs",
        )


def test_it_sends_an_id_token_only_when_openid_was_granted(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [CAL])
    assert "id_token" not in token


def test_it_sends_a_fresh_id_token_on_refresh(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    credentials = _credentials(emulator.base_url, token["refresh_token"])
    credentials.refresh(Request())
    claims = id_token.verify_token(
        credentials.id_token,
        Request(),
        audience=DEMO_CLIENT_ID,
        certs_url=emulator.base_url + "/oauth2/v3/certs",
    )
    assert claims["sub"] == ALICE_SUB


def test_it_puts_the_nonce_in_the_id_token(emulator: EmulatorServer) -> None:
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL], nonce="n-0S6_WzA2Mj")
    claims = id_token.verify_token(
        token["id_token"],
        Request(),
        audience=DEMO_CLIENT_ID,
        certs_url=emulator.base_url + "/oauth2/v3/certs",
    )
    assert claims["nonce"] == "n-0S6_WzA2Mj"


def test_it_serves_userinfo_v3_and_v2_shapes(emulator: EmulatorServer) -> None:
    flow, _ = sign_in(emulator.base_url, [*SIGN_IN, CAL], login_hint="bob@example.com")
    session = authorized_session(flow.credentials.token)
    v3 = session.get(emulator.base_url + "/oauth2/v3/userinfo").json()
    assert set(v3) == {
        "sub",
        "email",
        "email_verified",
        "name",
        "given_name",
        "family_name",
        "picture",
        "locale",
    }
    assert (v3["email"], v3["email_verified"], v3["given_name"]) == (
        "bob@example.com",
        True,
        "Bob",
    )
    v2 = session.get(emulator.base_url + "/oauth2/v2/userinfo").json()
    assert set(v2) == {
        "id",
        "email",
        "verified_email",
        "name",
        "given_name",
        "family_name",
        "picture",
        "locale",
    }
    assert (v2["id"], v2["verified_email"]) == (v3["sub"], True)


def test_it_limits_userinfo_to_the_granted_scopes(emulator: EmulatorServer) -> None:
    flow, _ = sign_in(emulator.base_url, ["openid", EMAIL])
    session = authorized_session(flow.credentials.token)
    v3 = session.get(emulator.base_url + "/oauth2/v3/userinfo").json()
    assert set(v3) == {"sub", "email", "email_verified"}
    assert PROFILE not in flow.credentials.scopes


def test_it_answers_userinfo_401_without_a_valid_token(emulator: EmulatorServer) -> None:
    response = authorized_session("ya29.bogus").get(emulator.base_url + "/oauth2/v3/userinfo")
    assert response.status_code == 401


def test_it_points_openid_configuration_at_its_own_base_url(emulator: EmulatorServer) -> None:
    base = emulator.base_url
    config = requests.get(base + "/.well-known/openid-configuration", timeout=5).json()
    assert config["issuer"] == "https://accounts.google.com"
    assert config["authorization_endpoint"] == base + "/o/oauth2/v2/auth"
    assert config["token_endpoint"] == base + "/token"
    assert config["userinfo_endpoint"] == base + "/oauth2/v3/userinfo"
    assert config["revocation_endpoint"] == base + "/revoke"
    assert config["jwks_uri"] == base + "/oauth2/v3/certs"
    assert "S256" in config["code_challenge_methods_supported"]
    keys = requests.get(config["jwks_uri"], timeout=5).json()["keys"]
    assert [k["alg"] for k in keys] == ["RS256"]


def test_it_authorizes_on_the_v2_authorize_path_too(emulator: EmulatorServer) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    flow.client_config["auth_uri"] = emulator.base_url + "/o/oauth2/v2/auth"
    url, state = flow.authorization_url()
    params = query(follow_authorize(url).headers["Location"])
    assert params["state"] == state
    assert flow.fetch_token(code=params["code"])["access_token"].startswith("ya29.")


def test_it_fails_an_injected_oauth_token_fault_exactly_once(emulator: EmulatorServer) -> None:
    fault = {"method": "oauth.token", "status": 503, "times": 1}
    added = requests.post(emulator.base_url + "/__emulator__/faults", json=fault, timeout=5)
    assert added.status_code == 201
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, _ = flow.authorization_url()
    code = query(follow_authorize(url).headers["Location"])["code"]
    statuses = record_statuses(flow)
    with pytest.raises(OAuth2Error):
        flow.fetch_token(code=code)
    token = flow.fetch_token(code=code)  # the fault hit before the code was consumed
    assert token["access_token"].startswith("ya29.")
    assert statuses == [503, 200]
    _credentials(emulator.base_url, token["refresh_token"]).refresh(Request())


def test_it_answers_unauthorized_client_to_a_refresh_by_another_client(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Client("other.apps.googleusercontent.com", "other-secret")
    monkeypatch.setitem(emulator.emulator.state.clients, other.client_id, other)
    _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL])
    credentials = Credentials(
        None,
        refresh_token=token["refresh_token"],
        token_uri=emulator.base_url + "/token",
        client_id=other.client_id,
        client_secret=other.client_secret,
    )
    with pytest.raises(RefreshError, match="unauthorized_client"):
        credentials.refresh(Request())
