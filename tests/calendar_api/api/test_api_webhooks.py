"""`/rest/v1/webhooks/`: endpoints are created with a secret shown once, changed, rotated,
deleted; every route is scoped to the owner; URLs pass the SSRF guard; errors have one shape."""

from __future__ import annotations

import base64
import socket
from typing import Any

import pytest
from django.test import Client
from standardwebhooks.webhooks import Webhook

from calendar_api.models import GoogleAccount, WebhookDelivery, WebhookEndpoint
from calendar_api.webhooks import services as webhooks
from tests.calendar_api.api.conftest import API, send

pytestmark = pytest.mark.django_db
HOOKS = f"{API}/webhooks/"
PUBLIC_URL = "https://93.184.215.14/hooks/calendar"  # a public address literal: no DNS needed
EVENTS = ["event.created", "event.updated", "event.deleted"]


def create(client: Client, url: str = PUBLIC_URL, events: list[str] = EVENTS) -> Any:
    return send(client, "POST", HOOKS, {"url": url, "events": events})


@pytest.fixture
def guarded(calendar_settings: Any) -> None:
    """The production default: https and public addresses only."""
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False


def test_creating_an_endpoint_shows_its_secret_once_and_stores_it_encrypted(
    alice_client: Client,
) -> None:
    response = create(alice_client, events=["event.deleted", "event.created"])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == PUBLIC_URL and body["enabled"] is True
    assert body["events"] == ["event.created", "event.deleted"]
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) == 32
    stored = WebhookEndpoint.objects.get(pk=body["id"])
    assert body["secret"].removeprefix("whsec_") not in stored.secret_encrypted
    assert stored.secret == body["secret"]

    listed = alice_client.get(HOOKS).json()
    detail = alice_client.get(f"{HOOKS}{body['id']}/").json()
    assert listed["next"] is None and [e["id"] for e in listed["results"]] == [body["id"]]
    assert "secret" not in detail and "secret" not in listed["results"][0]
    assert body["secret"] not in str(listed) + str(detail)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": EVENTS}, "url"),
        ({"url": PUBLIC_URL}, "events"),
        ({"url": PUBLIC_URL, "events": []}, "events"),
        ({"url": PUBLIC_URL, "events": ["event.exploded"]}, "events"),
        ({"url": PUBLIC_URL, "events": "event.created"}, "events"),
        ({"url": "ftp://93.184.215.14/x", "events": EVENTS}, "url"),
        ({"url": "https://", "events": EVENTS}, "url"),
        ({"url": "https://u:p@93.184.215.14/x", "events": EVENTS}, "url"),
        ({"url": "https://93.184.215.14:99999/x", "events": EVENTS}, "url"),
        ({"url": "https://93.184.215.14/" + "x" * 2100, "events": EVENTS}, "url"),
        ({"url": 12, "events": EVENTS}, "url"),
        ({"url": "http://00:]", "events": EVENTS}, "url"),  # an unclosed IPv6 bracket: was 500
        ({"url": PUBLIC_URL, "events": EVENTS, "enabled": 0}, "enabled"),
    ],
)
def test_bad_input_answers_400_naming_the_field(
    alice_client: Client, body: dict[str, Any], field: str
) -> None:
    response = send(alice_client, "POST", HOOKS, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hooks",  # not https
        "https://127.0.0.1/hooks",
        "https://localhost:8443/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.1.1/hooks",
        "https://172.16.0.1/hooks",
        "https://100.64.0.1/hooks",  # shared address space (carrier-grade NAT)
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
        "https://0.0.0.0/hooks",
        "https://[::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 to the cloud metadata address
        "https://224.0.0.1/hooks",
        "https://nowhere.invalid/hooks",  # does not resolve
    ],
)
def test_the_ssrf_guard_refuses_non_public_receivers_by_default(
    alice_client: Client, guarded: None, url: str
) -> None:
    response = create(alice_client, url=url)

    assert response.status_code == 400, response.content
    assert "url" in response.json()["error"]["fields"]


def test_a_name_that_resolves_to_a_private_address_is_refused(
    alice_client: Client, guarded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        ips = {"hooks.example.com": ["93.184.215.14", "10.0.0.7"]}[host]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    response = create(alice_client, url="https://hooks.example.com/calendar")

    assert response.status_code == 400
    assert "10.0.0.7" in response.json()["error"]["fields"]["url"][0]


def test_a_public_https_receiver_is_accepted_with_the_guard_on(
    alice_client: Client, guarded: None
) -> None:
    assert create(alice_client).status_code == 201


def test_patch_changes_url_events_and_enabled(alice_client: Client) -> None:
    endpoint = create(alice_client).json()
    url = f"{HOOKS}{endpoint['id']}/"

    changed = send(alice_client, "PATCH", url, {"events": ["calendar.synced"]})
    assert changed.status_code == 200 and changed.json()["events"] == ["calendar.synced"]
    moved = send(alice_client, "PATCH", url, {"url": "https://93.184.215.15/new"})
    assert moved.json()["url"] == "https://93.184.215.15/new"
    off = send(alice_client, "PATCH", url, {"enabled": False})
    assert off.json()["enabled"] is False and off.json()["disabled_reason"]
    on = send(alice_client, "PATCH", url, {"enabled": True})
    assert on.json()["enabled"] is True and on.json()["disabled_reason"] == ""
    bad = send(alice_client, "PATCH", url, {"events": ["nope"]})
    assert bad.status_code == 400 and "events" in bad.json()["error"]["fields"]
    assert alice_client.get(url).json()["events"] == ["calendar.synced"]


def test_delete_removes_the_endpoint(alice_client: Client) -> None:
    endpoint = create(alice_client).json()
    url = f"{HOOKS}{endpoint['id']}/"

    assert alice_client.delete(url).status_code == 204
    assert alice_client.get(url).status_code == 404
    assert alice_client.delete(url).status_code == 404


def test_rotating_the_secret_signs_with_both_secrets_for_a_day(alice_client: Client) -> None:
    created = create(alice_client).json()

    rotated = alice_client.post(f"{HOOKS}{created['id']}/rotate-secret/")

    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert endpoint.signing_secrets() == [new, created["secret"]]
    delivery = WebhookDelivery(endpoint=endpoint, message_id="msg_1", event_type="x", body="{}")
    headers = webhooks.signed_headers(delivery=delivery, endpoint=endpoint)
    for secret in (new, created["secret"]):  # a receiver on either secret accepts it
        Webhook(secret).verify("{}", headers)


def test_the_endpoint_limit_answers_409(alice_client: Client, monkeypatch: Any) -> None:
    from calendar_api.webhooks import views as webhook_endpoints

    monkeypatch.setattr(webhook_endpoints, "MAX_ENDPOINTS", 2)
    assert create(alice_client).status_code == 201
    assert create(alice_client).status_code == 201

    response = create(alice_client)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_many_endpoints"


def test_deliveries_are_listed_newest_first_and_paged(alice_client: Client, alice: Any) -> None:
    endpoint = create(alice_client, events=["connection.reconnect_required"]).json()
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    for _ in range(3):
        webhooks.reconnect_recorded(account=alice)
    url = f"{HOOKS}{endpoint['id']}/deliveries/"

    first = alice_client.get(url, {"page_size": 2}).json()
    second = alice_client.get(first["next"]).json()
    back = alice_client.get(second["previous"]).json()

    ids = list(stored.deliveries.order_by("-pk").values_list("pk", flat=True))
    assert [d["id"] for d in first["results"]] == ids[:2]
    assert [d["id"] for d in second["results"]] == ids[2:] and second["next"] is None
    assert [d["id"] for d in back["results"]] == ids[:2]
    delivery = first["results"][0]
    assert delivery["status"] == "pending" and delivery["attempts"] == 0
    assert delivery["next_retry_at"] is not None
    assert delivery["payload"]["type"] == "connection.reconnect_required"
    assert delivery["payload"]["data"] == {"connection_id": alice.pk, "email": alice.email}
    assert alice_client.get(url, {"status": "delivered"}).json()["results"] == []
    for query in ({"page_size": 0}, {"status": "lost"}, {"cursor": "garbage"}):
        assert alice_client.get(url, query).status_code == 400


def test_a_replay_is_a_new_delivery_of_the_same_message(alice_client: Client, alice: Any) -> None:
    endpoint = create(alice_client, events=["connection.reconnect_required"]).json()
    webhooks.reconnect_recorded(account=alice)
    original = WebhookDelivery.objects.get()
    url = f"{HOOKS}{endpoint['id']}/deliveries/{original.pk}/replay/"

    response = alice_client.post(url)

    assert response.status_code == 202
    replay = response.json()
    assert replay["id"] != original.pk and replay["replay_of"] == original.pk
    assert replay["message_id"] == original.message_id and replay["status"] == "pending"
    assert WebhookDelivery.objects.get(pk=replay["id"]).body == original.body
    send(alice_client, "PATCH", f"{HOOKS}{endpoint['id']}/", {"enabled": False})
    refused = alice_client.post(url)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "endpoint_disabled"
    assert alice_client.post(f"{HOOKS}{endpoint['id']}/deliveries/999999/replay/").status_code == (
        404
    )


def test_only_enabled_endpoints_subscribed_to_the_type_get_a_delivery(
    alice_client: Client, alice: GoogleAccount
) -> None:
    wanted = create(alice_client, events=["connection.reconnect_required"]).json()
    create(alice_client, events=["event.created"])
    paused = create(alice_client, events=["connection.reconnect_required"]).json()
    send(alice_client, "PATCH", f"{HOOKS}{paused['id']}/", {"enabled": False})

    assert webhooks.reconnect_recorded(account=alice) == 1

    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [wanted["id"]]


def test_another_users_endpoints_answer_404_on_every_route(
    alice_client: Client, bob_client: Client, alice: Any
) -> None:
    created = create(bob_client, events=["connection.reconnect_required"]).json()
    bobs = WebhookEndpoint.objects.get(pk=created["id"])
    bob = GoogleAccount.objects.get(email="bob@example.com")
    webhooks.reconnect_recorded(account=bob)
    delivery = bobs.deliveries.get()
    base = f"{HOOKS}{bobs.pk}/"
    routes = [
        ("GET", base, None),
        ("PATCH", base, {"enabled": False}),
        ("DELETE", base, None),
        ("POST", f"{base}rotate-secret/", None),
        ("GET", f"{base}deliveries/", None),
        ("POST", f"{base}deliveries/{delivery.pk}/replay/", None),
    ]
    secret = bobs.secret_encrypted

    for method, url, body in routes:
        response = send(alice_client, method, url, body)
        assert response.status_code == 404, (method, url)
        assert response.json()["error"]["code"] == "not_found"

    assert alice_client.get(HOOKS).json()["results"] == []
    bobs.refresh_from_db()
    assert bobs.enabled and bobs.secret_encrypted == secret
    assert WebhookDelivery.objects.count() == 1


def test_signed_out_callers_get_401(client: Client) -> None:
    assert client.get(HOOKS).status_code in (401, 403)
    assert client.get(HOOKS).json()["error"]["code"] == "not_authenticated"


def test_the_schema_documents_every_webhook_route_with_examples(client: Client) -> None:
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]

    for path in (
        "/rest/v1/webhooks/",
        "/rest/v1/webhooks/{endpoint_id}/",
        "/rest/v1/webhooks/{endpoint_id}/rotate-secret/",
        "/rest/v1/webhooks/{endpoint_id}/deliveries/",
        "/rest/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay/",
    ):
        assert path in paths, path
    create_op = paths["/rest/v1/webhooks/"]["post"]
    assert create_op["requestBody"]["content"]["application/json"]["examples"]
    assert "secret" in str(create_op["responses"]["201"])
    assert "409" in create_op["responses"] and "400" in create_op["responses"]


@pytest.mark.parametrize("query", ["cursor=", "status=", "page_size=", "page_size=501"])
def test_a_bad_delivery_query_answers_400(alice_client: Client, query: str) -> None:
    """An empty value is refused, not taken for an absent one (as the schema says)."""
    endpoint = create(alice_client).json()
    response = alice_client.get(f"{HOOKS}{endpoint['id']}/deliveries/?{query}")
    assert response.status_code == 400
