"""The two OAuth endpoints end to end: real google-auth-oauthlib against the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from calendar_api.models import GoogleAccount
from google_emulator import EmulatorServer
from tests.calendar_api.conftest import INIT, REDIRECT_URI, consent, path_of, query

pytestmark = pytest.mark.django_db
CALENDAR = "https://www.googleapis.com/auth/calendar"
NARROW = {CALENDAR + ".calendarlist.readonly", CALENDAR + ".events", CALENDAR + ".freebusy"}


def alice_event_ids(google: EmulatorServer) -> set[str]:
    calendar = google.emulator.state.calendars.calendars["alice@example.com"]
    return {e["id"] for e in calendar.events.values() if e.get("status") != "cancelled"}


def test_init_redirects_to_google_with_state_pkce_and_offline_access(
    google: Any, visitor: Client
) -> None:
    response = visitor.get(INIT, {"login_hint": "bob@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith(google.base_url + "/o/oauth2/auth?")
    params = query(response["Location"])
    assert params["response_type"] == "code"
    assert params["access_type"] == "offline"
    assert params["include_granted_scopes"] == "true"
    assert set(params["scope"].split()) >= {"openid", *NARROW}  # least privilege
    assert CALENDAR not in params["scope"].split()
    assert "email" in params["scope"]
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 22  # 128+ random bits, base64url
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["login_hint"] == "bob@example.com"
    assert response["Cache-Control"] == "no-store"


def test_each_init_gets_a_fresh_state_and_challenge(google: Any, visitor: Client) -> None:
    first, second = (query(visitor.get(INIT)["Location"]) for _ in range(2))
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


def test_it_starts_the_flow_on_the_redirect_uris_host(google: Any) -> None:
    response = Client(HTTP_HOST="localhost:8000").get(INIT, {"next": "/x"})
    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:8000/rest/v1/calendar/init/?next=%2Fx"


def test_the_whole_flow_returns_the_primary_calendars_events(connect: Any, google: Any) -> None:
    response = connect()
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["account"] == {"email": "alice@example.com"}
    assert {e["id"] for e in body["events"]} == alice_event_ids(google)
    for event in body["events"]:
        assert {"id", "status", "start", "end"} <= event.keys()
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_it_creates_the_user_and_logs_them_in(connect: Any, visitor: Client) -> None:
    connect()
    account = GoogleAccount.objects.get()
    assert account.user.email == "alice@example.com"
    assert not account.user.has_usable_password()
    assert visitor.session["_auth_user_id"] == str(account.user.pk)


def test_it_stores_tokens_encrypted_and_decryptable(connect: Any, google: Any) -> None:
    connect()
    account = GoogleAccount.objects.get()
    assert account.access_token.startswith("ya29.")
    assert account.refresh_token in google.emulator.state.refresh_tokens
    assert set(account.scopes) >= NARROW
    assert not account.is_expired()


def test_the_database_holds_no_plaintext_token(connect: Any, google: Any) -> None:
    response = connect()
    assert response.status_code == 200
    dump: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the DB
            dump.extend(str(row) for row in cursor.fetchall())
    text = "\n".join(dump)
    assert "alice@example.com" in text  # the dump is real
    assert "ya29." not in text
    assert "1//" not in text


def test_no_code_or_token_appears_in_the_response(connect: Any) -> None:
    response = connect()
    text = response.content.decode()
    assert "ya29." not in text and "1//" not in text and "4/0A" not in text


def test_a_safe_next_redirects_there_with_303(connect: Any) -> None:
    response = connect(next="/dashboard/?tab=week")
    assert response.status_code == 303
    assert response["Location"] == "/dashboard/?tab=week"
    assert GoogleAccount.objects.count() == 1


@pytest.mark.parametrize(
    "unsafe",
    [
        "//evil.com",
        "/\\evil.com",
        "https:evil.com",
        "javascript:alert(1)",
        "https://evil.com/",
        "evil.com",
        "///evil.com",
    ],
)
def test_an_unsafe_next_falls_back_to_the_json_answer(connect: Any, unsafe: str) -> None:
    response = connect(next=unsafe)
    assert response.status_code == 200
    assert response.json()["account"]["email"] == "alice@example.com"


def test_a_replayed_redirect_is_refused(google: Any, visitor: Client) -> None:
    init = visitor.get(INIT)
    back = path_of(consent(init["Location"]))
    assert visitor.get(back).status_code == 200
    replay = visitor.get(back)
    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "state_used"


def test_a_tampered_state_is_refused_before_the_code_is_used(google: Any, visitor: Client) -> None:
    init = visitor.get(INIT)
    back = query(consent(init["Location"]))
    response = visitor.get("/rest/v1/calendar/redirect/", {**back, "state": back["state"] + "x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "state_unknown"
    assert back["code"] in google.emulator.state.codes  # never exchanged
    assert GoogleAccount.objects.count() == 0


@pytest.mark.parametrize("odd", ["\U0001f642", "\x00", "x" * 5000, ""])
def test_an_odd_state_is_refused_cleanly(google: Any, visitor: Client, odd: str) -> None:
    visitor.get(INIT)
    response = visitor.get("/rest/v1/calendar/redirect/", {"state": odd, "code": "4/0Ax"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == ("state_unknown" if odd else "state_missing")


def test_a_redirect_from_another_session_is_refused(google: Any, visitor: Client) -> None:
    back = path_of(consent(visitor.get(INIT)["Location"]))
    response = Client(HTTP_HOST="127.0.0.1:8000").get(back)
    assert response.json()["error"]["code"] == "state_unknown"


def test_an_expired_state_is_refused(google: Any, visitor: Client, calendar_settings: Any) -> None:
    calendar_settings.OAUTH_STATE_TTL = -1
    back = path_of(consent(visitor.get(INIT)["Location"]))
    response = visitor.get(back)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "state_expired"


def test_two_flows_in_flight_in_one_session_both_complete(google: Any, visitor: Client) -> None:
    first = visitor.get(INIT, {"login_hint": "alice@example.com"})
    second = visitor.get(INIT, {"login_hint": "bob@example.com"})
    bob = visitor.get(path_of(consent(second["Location"])))
    assert bob.json()["account"]["email"] == "bob@example.com"
    response = visitor.get(path_of(consent(first["Location"])))
    # alice's Google account is new to this product, but the session is bob's user now:
    # the account is linked to the signed-in user.
    assert response.status_code == 200
    assert set(GoogleAccount.objects.values_list("email", flat=True)) == {
        "alice@example.com",
        "bob@example.com",
    }


def test_access_denied_at_google_answers_403(google: Any, visitor: Client) -> None:
    google.emulator.auto_consent = False
    init = visitor.get(INIT)
    state = query(init["Location"])["state"]
    response = visitor.get(
        "/rest/v1/calendar/redirect/", {"error": "access_denied", "state": state}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "access_denied"
    assert GoogleAccount.objects.count() == 0


def test_any_other_google_error_answers_400(google: Any, visitor: Client) -> None:
    state = query(visitor.get(INIT)["Location"])["state"]
    response = visitor.get("/rest/v1/calendar/redirect/", {"error": "server_error", "state": state})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "oauth_error"


def test_a_missing_code_answers_400(google: Any, visitor: Client) -> None:
    state = query(visitor.get(INIT)["Location"])["state"]
    response = visitor.get("/rest/v1/calendar/redirect/", {"state": state})
    assert response.json()["error"]["code"] == "missing_code"


def test_an_unticked_calendar_scope_stores_nothing(google: Any, visitor: Client) -> None:
    import requests

    google.emulator.auto_consent = False
    init = visitor.get(INIT)
    page_params = query(init["Location"])
    form = {**page_params, "account": "alice@example.com", "decision": "allow"}  # no granted_scope
    answer = requests.post(
        google.base_url + "/o/oauth2/auth", data=form, allow_redirects=False, timeout=10
    )
    assert CALENDAR not in query(answer.headers["Location"])["scope"]
    response = visitor.get(path_of(answer.headers["Location"]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_not_granted"
    assert "tick" in response.json()["error"]["message"]
    assert GoogleAccount.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert google.emulator.state.grant_for("alice@example.com", page_params["client_id"]) is None


def test_a_garbage_code_answers_invalid_grant(google: Any, visitor: Client) -> None:
    state = query(visitor.get(INIT)["Location"])["state"]
    response = visitor.get("/rest/v1/calendar/redirect/", {"state": state, "code": "4/garbage"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_grant"
    assert GoogleAccount.objects.count() == 0


def test_a_google_5xx_on_the_token_endpoint_answers_503(google: Any, visitor: Client) -> None:
    back = path_of(consent(visitor.get(INIT)["Location"]))
    google.emulator.add_fault(_fault("oauth.token", status=503))
    response = visitor.get(back)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "google_unavailable"
    assert GoogleAccount.objects.count() == 0


def test_a_token_endpoint_timeout_answers_503(
    google: Any, visitor: Client, calendar_settings: Any
) -> None:
    calendar_settings.HTTP_TIMEOUT = 1
    back = path_of(consent(visitor.get(INIT)["Location"]))
    google.emulator.add_fault(_fault("oauth.token", delay_ms=2500))
    response = visitor.get(back)
    assert response.status_code == 503
    assert GoogleAccount.objects.count() == 0


def test_a_failure_reading_events_links_nothing_but_keeps_the_tokens(
    google: Any, visitor: Client
) -> None:
    back = path_of(consent(visitor.get(INIT)["Location"]))
    google.emulator.add_fault(_fault("calendar.events.list", status=404, times=5))
    response = visitor.get(back)
    assert response.status_code == 404
    kept = GoogleAccount.objects.get()  # only so the next connect has the refresh token
    assert kept.status == GoogleAccount.Status.CONNECTING and kept.refresh_token
    assert not kept.calendars.exists()
    assert "_auth_user_id" not in visitor.session  # nobody signed in


def test_reconnecting_keeps_the_stored_refresh_token(connect: Any, google: Any) -> None:
    connect()
    first = GoogleAccount.objects.get()
    refresh = first.refresh_token
    response = connect()
    assert response.status_code == 200
    again = GoogleAccount.objects.get()
    assert again.pk == first.pk and again.user_id == first.user_id
    assert again.refresh_token == refresh
    assert again.access_token != first.access_token


def test_the_json_error_shape_is_documented(google: Any, visitor: Client) -> None:
    body = visitor.get("/rest/v1/calendar/redirect/").json()
    assert body == {
        "error": {"code": "state_missing", "message": body["error"]["message"], "status": 400}
    }
    assert json.dumps(body)  # plain JSON


def _fault(method: str, **kwargs: Any) -> Any:
    from google_emulator.server import Fault

    return Fault(method=method, **kwargs)
