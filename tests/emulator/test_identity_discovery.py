"""Identity as Google answers it (openid added, any Google scope, certs, userinfo, tokeninfo)
and the discovery documents at Google's two URLs."""

from __future__ import annotations

from typing import Any

import google.auth.transport.requests
import pytest
import requests
from google.oauth2 import id_token
from googleapiclient.discovery import build

from google_emulator import DEMO_CLIENT_ID, EmulatorServer
from google_emulator.__main__ import merge_clients, parse_client
from google_emulator.state import Client
from tests.emulator.clients import CLIENT_SECRET, REDIRECT_URI, credentials
from tests.emulator.test_oauth_helpers import follow_authorize, make_flow, query

EMAIL = "https://www.googleapis.com/auth/userinfo.email"
GMAIL = "https://www.googleapis.com/auth/gmail.readonly"


@pytest.fixture(autouse=True)
def _loopback_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator on plain loopback


def exchange(base: str, scope: str, redirect_uri: str = REDIRECT_URI) -> dict[str, Any]:
    """Authorize (auto-consent) with `scope` and exchange the code: the token response."""
    flow = make_flow(base, scope.split(), redirect_uri=redirect_uri)
    response = follow_authorize(flow.authorization_url()[0])
    assert response.status_code == 302, response.text
    code = query(response.headers["Location"])["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code_verifier": flow.code_verifier or "",
    }
    token = requests.post(base + "/token", data=form, timeout=5)
    assert token.status_code == 200, token.text
    return dict(token.json())


def test_asking_only_email_adds_openid_and_an_id_token(emulator: EmulatorServer) -> None:
    token = exchange(emulator.base_url, "email")
    assert token["scope"].split() == [EMAIL, "openid"]
    claims = id_token.verify_token(
        token["id_token"],
        google.auth.transport.requests.Request(),
        audience=DEMO_CLIENT_ID,
        certs_url=emulator.base_url + "/oauth2/v1/certs",  # X.509 PEMs, google-auth's default
    )
    assert claims["email"] == "alice@example.com"


@pytest.mark.parametrize(
    "scope",
    [
        GMAIL,
        "https://www.googleapis.com/auth/calendar.app.created",
        "https://www.googleapis.com/auth/calendar.events.owned",
        "https://www.googleapis.com/auth/calendar.settings.readonly",
        "https://www.googleapis.com/auth/calendar.acls",
        "https://www.googleapis.com/auth/calendar.freebusy",
    ],
)
def test_any_scope_a_google_api_defines_is_accepted(emulator: EmulatorServer, scope: str) -> None:
    assert scope in exchange(emulator.base_url, f"openid {scope}")["scope"].split()


def test_the_consent_page_names_an_unlisted_scope_in_googles_words(
    emulator: EmulatorServer,
) -> None:
    emulator.emulator.auto_consent = False
    flow = make_flow(emulator.base_url, ["openid", GMAIL])
    page = requests.get(flow.authorization_url()[0], timeout=5).text
    assert "View your email messages and settings" in page


def test_tokeninfo_reads_the_token_from_a_bearer_header(emulator: EmulatorServer) -> None:
    """The raw HTTP form Google's Node client uses: GET tokeninfo, Authorization: Bearer."""
    base = emulator.base_url
    token = exchange(base, "openid email")
    bearer = {"Authorization": "Bearer " + token["access_token"]}
    for path in ("/tokeninfo", "/oauth2/v3/tokeninfo"):
        info = requests.get(base + path, headers=bearer, timeout=5)
        assert info.status_code == 200
        assert (info.json()["aud"], info.json()["email"]) == (DEMO_CLIENT_ID, "alice@example.com")
    refused = requests.get(base + "/tokeninfo", headers={"Authorization": "Bearer x"}, timeout=5)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_token"


def test_userinfo_and_tokeninfo_answer_at_every_google_path(emulator: EmulatorServer) -> None:
    base = emulator.base_url
    token = exchange(base, "openid email profile")
    bearer = {"Authorization": "Bearer " + token["access_token"]}
    oidc = requests.get(base + "/v1/userinfo", headers=bearer, timeout=5).json()
    assert oidc["email"] == "alice@example.com"
    assert "sub" in oidc
    v1 = requests.get(base + "/oauth2/v1/userinfo", headers=bearer, timeout=5).json()
    assert v1["verified_email"] is True
    assert "id" in v1
    info = requests.get(
        base + "/tokeninfo", params={"access_token": token["access_token"]}, timeout=5
    )
    assert info.json()["aud"] == DEMO_CLIENT_ID
    by_id = requests.get(base + "/tokeninfo", params={"id_token": token["id_token"]}, timeout=5)
    assert by_id.json()["email_verified"] == "true"
    assert by_id.json()["iss"] == "https://accounts.google.com"
    bad = requests.get(base + "/tokeninfo", params={"id_token": "x.y.z"}, timeout=5)
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_token"


def test_openid_configuration_names_googles_urls_when_reached_as_google(
    emulator: EmulatorServer,
) -> None:
    url = emulator.base_url + "/.well-known/openid-configuration"
    as_google = requests.get(url, headers={"Host": "accounts.google.com"}, timeout=5).json()
    assert as_google["userinfo_endpoint"] == "https://openidconnect.googleapis.com/v1/userinfo"
    assert as_google["token_endpoint"] == "https://oauth2.googleapis.com/token"
    local = requests.get(url, timeout=5).json()
    assert local["token_endpoint"] == emulator.base_url + "/token"


def test_build_with_live_discovery_calls_the_emulator_back(emulator: EmulatorServer) -> None:
    calendar = build(
        "calendar",
        "v3",
        credentials=credentials(emulator.base_url),
        static_discovery=False,
        discoveryServiceUrl=emulator.base_url + "/discovery/v1/apis/{api}/{apiVersion}/rest",
        cache_discovery=False,
    )
    assert calendar.calendarList().list().execute()["kind"] == "calendar#calendarList"


def test_the_v2_discovery_url_is_rooted_at_the_host_asked(emulator: EmulatorServer) -> None:
    response = requests.get(
        emulator.base_url + "/$discovery/rest",
        params={"version": "v3"},
        headers={"Host": "calendar.googleapis.com"},
        timeout=5,
    )
    document = response.json()
    assert document["rootUrl"] == "http://calendar.googleapis.com/"
    assert document["baseUrl"] == "http://calendar.googleapis.com/calendar/v3/"
    assert "events" in document["resources"]
    missing = requests.get(emulator.base_url + "/discovery/v1/apis/drive/v3/rest", timeout=5)
    assert missing.status_code == 404


def test_a_repeated_client_id_adds_redirect_uris() -> None:
    clients = merge_clients(
        [
            parse_client("web.apps:secret:https://localhost:8443/cb"),
            parse_client("web.apps:secret:http://127.0.0.1:8000/cb"),
            parse_client("other:s:http://127.0.0.1/x"),
        ]
    )
    assert [c.redirect_uris for c in clients] == [
        ["https://localhost:8443/cb", "http://127.0.0.1:8000/cb"],
        ["http://127.0.0.1/x"],
    ]


def test_the_built_in_client_accepts_https_loopback_redirects(emulator: EmulatorServer) -> None:
    token = exchange(emulator.base_url, "openid email", redirect_uri="https://localhost:8443/cb")
    assert token["access_token"].startswith("ya29.")
    assert not Client("x", "y").accepts("https://example.com/cb")
