"""Personal API tokens: created from a session only, named and scoped, capped per user, and the
last use recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from calendar_api.models import ApiTokenDetails
from tests.calendar_api.api.conftest import events_url, send
from tests.calendar_api.api.test_api_events import MEETING

pytestmark = pytest.mark.django_db
TOKENS = "/rest/v1/auth/tokens/"


def bearer(secret: str) -> Client:
    return Client(HTTP_HOST="127.0.0.1:8000", HTTP_AUTHORIZATION=f"Bearer {secret}")


def create(client: Client, **body: Any) -> Any:
    return send(client, "POST", TOKENS, body)


def test_a_token_has_a_name_a_scope_and_a_last_use(alice_client: Client) -> None:
    made = create(alice_client, name="reporting", scope="read")
    assert made.status_code == 201
    body = made.json()
    assert (body["name"], body["scope"], body["last_used_at"]) == ("reporting", "read", None)
    assert bearer(body["token"]).get(events_url()).status_code == 200
    [listed] = alice_client.get(TOKENS).json()["results"]
    assert listed["name"] == "reporting" and listed["last_used_at"] is not None
    assert "token" not in listed


def test_a_read_token_cannot_change_anything(alice_client: Client) -> None:
    secret = create(alice_client, name="read", scope="read").json()["token"]
    refused = send(bearer(secret), "POST", events_url(), MEETING)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"


def test_a_read_write_token_can_write(alice_client: Client) -> None:
    secret = create(alice_client, name="rw", scope="read-write").json()["token"]
    assert send(bearer(secret), "POST", events_url(), MEETING).status_code == 201


def test_a_token_cannot_create_tokens(alice_client: Client) -> None:
    secret = create(alice_client).json()["token"]
    refused = send(bearer(secret), "POST", TOKENS, {"name": "child"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "session_required"
    assert ApiTokenDetails.objects.count() == 1


def test_revoking_a_token_leaves_no_token_behind(alice_client: Client) -> None:
    made = create(alice_client).json()
    send(bearer(made["token"]), "POST", TOKENS, {"name": "child"})
    assert alice_client.delete(f"{TOKENS}{made['token_key']}/").status_code == 204
    assert alice_client.get(TOKENS).json()["results"] == []


def test_the_per_user_cap_is_enforced(alice_client: Client, calendar_settings: Any) -> None:
    calendar_settings.API_TOKENS_PER_USER = 3
    for n in range(3):
        assert create(alice_client, name=f"t{n}").status_code == 201
    refused = create(alice_client, name="one too many")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "token_limit_reached"


@pytest.mark.parametrize("body", [{"scope": "admin"}, {"name": "x" * 101}, {"name": None}])
def test_a_bad_token_request_answers_400(alice_client: Client, body: dict[str, Any]) -> None:
    assert create(alice_client, **body).status_code == 400


@pytest.mark.parametrize("header", [b"Bearer \xff\xfe", b"Bearer gcal_\x00abc"])
def test_a_garbled_bearer_token_answers_401(header: bytes) -> None:
    client = Client(HTTP_HOST="127.0.0.1:8000", HTTP_AUTHORIZATION=header.decode("latin-1"))
    assert client.get(events_url()).status_code == 401


def test_an_odd_token_key_to_revoke_is_404(alice_client: Client) -> None:
    assert alice_client.delete(f"{TOKENS}a%00b/").status_code == 404


def test_an_expired_token_is_refused_and_deleted_and_housekeeping_sweeps_the_others(
    alice_client: Client,
) -> None:
    import datetime as dt

    from django.utils import timezone
    from knox.models import AuthToken

    from calendar_api.services.scheduler import housekeeping_due

    used = create(alice_client, name="used", scope="read").json()["token"]
    idle = create(alice_client, name="idle", scope="read").json()["token"]
    kept = create(alice_client, name="kept", scope="read").json()["token"]
    AuthToken.objects.filter(details__name__in=["used", "idle"]).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )
    assert bearer(used).get(events_url()).status_code == 401
    assert bearer(kept).get(events_url()).status_code == 200
    names = set(ApiTokenDetails.objects.values_list("name", flat=True))
    assert names == {"idle", "kept"}  # the refused one is gone; the idle one waits
    housekeeping_due()
    assert set(ApiTokenDetails.objects.values_list("name", flat=True)) == {"kept"}
    assert bearer(idle).get(events_url()).status_code == 401
