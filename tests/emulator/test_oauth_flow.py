"""OAuth 2.0 conformance: the authorization-code flow, driven by google-auth-oauthlib's Flow."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidClientError,
    InvalidGrantError,
    OAuth2Error,
)

from google_emulator import DEMO_CLIENT_ID, EmulatorServer
from tests.emulator.test_oauth_helpers import (
    CAL,
    EMAIL,
    PROFILE,
    REDIRECT_URI,
    SIGN_IN,
    follow_authorize,
    make_flow,
    open_consent,
    query,
    record_statuses,
    sign_in,
)


@pytest.fixture(autouse=True)
def _loopback_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _code(emulator: EmulatorServer, scopes: list[str], **params: str) -> tuple[Flow, str]:
    flow = make_flow(emulator.base_url, scopes)
    url, _ = flow.authorization_url(**params)
    return flow, query(follow_authorize(url).headers["Location"])["code"]


def test_it_completes_the_flow_with_pkce_s256(emulator: EmulatorServer) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, state = flow.authorization_url(login_hint="bob@example.com")
    assert query(url)["code_challenge_method"] == "S256"
    response = follow_authorize(url)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    params = query(location)
    assert params["state"] == state
    assert params["code"].startswith("4/")
    assert set(params["scope"].split()) == {*SIGN_IN, CAL}
    stored = emulator.emulator.state.codes[params["code"]]
    assert (stored.code_challenge_method, stored.email) == ("S256", "bob@example.com")
    token = flow.fetch_token(code=params["code"])
    assert token["access_token"].startswith("ya29.")
    assert token["refresh_token"].startswith("1//")
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3599)
    assert set(token["scope"]) == {*SIGN_IN, CAL}
    assert flow.credentials.valid and flow.credentials.refresh_token == token["refresh_token"]


def test_it_verifies_a_plain_pkce_challenge(emulator: EmulatorServer) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    flow.code_verifier = "plain-verifier-" + "x" * 40
    url, _ = flow.authorization_url(
        code_challenge=flow.code_verifier, code_challenge_method="plain"
    )
    code = query(follow_authorize(url).headers["Location"])["code"]
    assert flow.fetch_token(code=code)["access_token"].startswith("ya29.")


def test_it_accepts_a_code_only_once(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    flow.fetch_token(code=code)
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=code)


def test_it_rejects_an_expired_code(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    emulator.emulator.state.codes[code].expires_at = time.time() - 1
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=code)


def test_it_gives_a_code_ten_minutes(emulator: EmulatorServer) -> None:
    _, code = _code(emulator, [*SIGN_IN, CAL])
    left = emulator.emulator.state.codes[code].expires_at - time.time()
    assert 590 < left <= 600


def test_it_rejects_a_wrong_code_verifier(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    flow.code_verifier = "w" * 128
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=code)


def test_it_rejects_a_missing_code_verifier(emulator: EmulatorServer) -> None:
    _, code = _code(emulator, [*SIGN_IN, CAL])
    fresh = make_flow(emulator.base_url, [*SIGN_IN, CAL])  # a callback that lost the verifier
    with pytest.raises(InvalidGrantError, match="Missing code verifier"):
        fresh.fetch_token(code=code)


def test_it_rejects_another_redirect_uri_at_the_token_endpoint(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    other = make_flow(
        emulator.base_url, [*SIGN_IN, CAL], redirect_uri="http://127.0.0.1:8000/other/"
    )
    other.code_verifier = flow.code_verifier
    statuses = record_statuses(other)
    with pytest.raises(OAuth2Error) as caught:
        other.fetch_token(code=code)
    assert caught.value.error == "redirect_uri_mismatch"
    assert statuses == [400]


def test_it_shows_an_invalid_client_page_for_an_unknown_client(emulator: EmulatorServer) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL], client_id="nobody.apps.example")
    url, _ = flow.authorization_url()
    response = follow_authorize(url)
    assert response.status_code == 401
    assert "text/html" in response.headers["Content-Type"]
    assert "invalid_client" in response.text
    assert "The OAuth client was not found." in response.text


def test_it_answers_401_invalid_client_to_a_wrong_secret(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    wrong = make_flow(emulator.base_url, [*SIGN_IN, CAL], client_secret="not-the-secret")
    wrong.code_verifier = flow.code_verifier
    statuses = record_statuses(wrong)
    with pytest.raises(InvalidClientError):
        wrong.fetch_token(code=code)
    assert statuses == [401]


def test_it_answers_401_invalid_client_to_an_unknown_client(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    stranger = make_flow(emulator.base_url, [*SIGN_IN, CAL], client_id="nobody.apps.example")
    stranger.code_verifier = flow.code_verifier
    statuses = record_statuses(stranger)
    with pytest.raises(InvalidClientError, match="The OAuth client was not found"):
        stranger.fetch_token(code=code)
    assert statuses == [401]


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://app.example.com/callback", "http://example.com/callback", "ftp://127.0.0.1/cb"],
)
def test_it_shows_redirect_uri_mismatch_for_an_unregistered_uri(
    emulator: EmulatorServer, redirect_uri: str
) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL], redirect_uri=redirect_uri)
    url, _ = flow.authorization_url()
    response = follow_authorize(url)
    assert response.status_code == 400
    assert "Location" not in response.headers  # never redirected to an unregistered URI
    assert "redirect_uri_mismatch" in response.text


def test_it_accepts_any_loopback_port_and_localhost_for_the_demo_client(
    emulator: EmulatorServer,
) -> None:
    for uri in ("http://localhost:5173/cb", "http://127.0.0.1:1/x/y?keep=1"):
        _, token = sign_in(emulator.base_url, [*SIGN_IN, CAL], redirect_uri=uri)
        assert token["access_token"].startswith("ya29.")


def test_it_redirects_access_denied_with_the_state_when_the_user_cancels(
    emulator: EmulatorServer,
) -> None:
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, state = flow.authorization_url()
    response = open_consent(url).submit(decision="deny")
    assert response.status_code == 302
    assert query(response.headers["Location"]) == {"error": "access_denied", "state": state}
    with pytest.raises(AccessDeniedError):
        flow.fetch_token(authorization_response=response.headers["Location"])
    assert not emulator.emulator.state.grants


def test_it_lets_the_user_choose_the_account(emulator: EmulatorServer) -> None:
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, state = flow.authorization_url()
    page = open_consent(url)
    assert page.accounts == ["alice@example.com", "bob@example.com"]
    location = page.submit(account="bob@example.com").headers["Location"]
    flow.fetch_token(authorization_response=location)
    assert query(location)["state"] == state
    assert emulator.emulator.state.grant_for("bob@example.com", DEMO_CLIENT_ID) is not None


def test_it_grants_only_the_ticked_scopes(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, _ = flow.authorization_url()
    page = open_consent(url)
    assert page.checkboxes == [CAL]  # sign-in scopes are not optional
    location = page.submit(untick=(CAL,)).headers["Location"]
    assert CAL not in query(location)["scope"].split()
    token = flow.fetch_token(authorization_response=location)
    assert set(token["scope"]) == set(SIGN_IN)
    assert flow.credentials.granted_scopes is not None
    assert set(flow.credentials.granted_scopes) == set(SIGN_IN)


def test_it_makes_flow_warn_about_a_narrowed_scope_unless_relaxed(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, _ = flow.authorization_url()
    location = open_consent(url).submit(untick=(CAL,)).headers["Location"]
    with pytest.raises(Warning, match="Scope has changed"):
        flow.fetch_token(authorization_response=location)


def test_it_merges_earlier_grants_with_include_granted_scopes(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    sign_in(emulator.base_url, SIGN_IN)
    _, merged = sign_in(emulator.base_url, [CAL], include_granted_scopes="true")
    assert set(merged["scope"]) == {*SIGN_IN, CAL}
    assert "id_token" in merged  # openid was granted earlier
    _, alone = sign_in(emulator.base_url, [CAL + ".readonly"])
    assert alone["scope"] == [CAL + ".readonly"]


def test_it_maps_the_short_sign_in_scopes_to_their_urls(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    _, token = sign_in(emulator.base_url, ["openid", "email", "profile", CAL])
    assert set(token["scope"]) == {"openid", EMAIL, PROFILE, CAL}


def test_it_issues_a_refresh_token_only_on_first_offline_consent_or_prompt_consent(
    emulator: EmulatorServer,
) -> None:
    scopes = [*SIGN_IN, CAL]
    _, online = sign_in(emulator.base_url, scopes, access_type="online")
    assert "refresh_token" not in online
    _, first = sign_in(emulator.base_url, scopes)  # Flow asks access_type=offline by default
    assert first["refresh_token"].startswith("1//")
    _, again = sign_in(emulator.base_url, scopes)
    assert "refresh_token" not in again
    _, forced = sign_in(emulator.base_url, scopes, prompt="consent")
    assert forced["refresh_token"].startswith("1//")
    assert forced["refresh_token"] != first["refresh_token"]


def test_it_rejects_an_invalid_scope_with_a_page(emulator: EmulatorServer) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, "https://www.googleapis.com/auth/nothing"])
    response = follow_authorize(flow.authorization_url()[0])
    assert response.status_code == 400
    assert "invalid_scope" in response.text


def test_it_redirects_unsupported_response_type(emulator: EmulatorServer) -> None:
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, state = flow.authorization_url()
    response = follow_authorize(url.replace("response_type=code", "response_type=magic"))
    assert response.status_code == 302
    assert query(response.headers["Location"]) == {
        "error": "unsupported_response_type",
        "state": state,
    }


def _without(url: str, name: str) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k != name]
    return urlunsplit(parts._replace(query=urlencode(kept)))


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("client_id", "Missing required parameter: client_id"),
        ("redirect_uri", "Missing required parameter: redirect_uri"),
        ("response_type", "Required parameter is missing: response_type"),
        ("scope", "Missing required parameter: scope"),
    ],
)
def test_it_shows_invalid_request_for_a_missing_parameter(
    emulator: EmulatorServer, missing: str, message: str
) -> None:
    url, _ = make_flow(emulator.base_url, [*SIGN_IN, CAL]).authorization_url()
    response = follow_authorize(_without(url, missing))
    assert response.status_code == 400
    assert "invalid_request" in response.text
    assert message in response.text


def test_it_answers_prompt_none_silently_once_consented(emulator: EmulatorServer) -> None:
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, [*SIGN_IN, CAL])
    url, state = flow.authorization_url(prompt="none")
    location = follow_authorize(url).headers["Location"]
    assert query(location) == {"error": "consent_required", "state": state}
    open_consent(flow.authorization_url()[0]).submit()
    url, state = flow.authorization_url(prompt="none", login_hint="alice@example.com")
    params = query(follow_authorize(url).headers["Location"])
    assert params["state"] == state
    token = flow.fetch_token(code=params["code"])
    assert token["access_token"].startswith("ya29.")
    assert "refresh_token" not in token


def test_it_answers_400_when_the_token_request_names_no_client(emulator: EmulatorServer) -> None:
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    response = requests.post(
        emulator.base_url + "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": flow.code_verifier,
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Could not determine client ID from request.",
    }


def test_a_code_issued_with_a_challenge_is_refused_without_a_verifier_in_a_raw_request(
    emulator: EmulatorServer,
) -> None:
    """A PKCE downgrade (pentest issue 19): the token request simply leaves code_verifier out."""
    flow, code = _code(emulator, [*SIGN_IN, CAL])
    assert emulator.emulator.state.codes[code].code_challenge_method == "S256"
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    answer = requests.post(
        emulator.base_url + "/token",
        data=form,
        auth=(DEMO_CLIENT_ID, flow.client_config["client_secret"]),
        timeout=5,
    )

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "Missing code verifier.",
    }
