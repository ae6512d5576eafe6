"""The Developer page through Django's test client: tokens, feeds and webhooks of the signed-in
person only, each secret shown once, and curl examples that work against this very server."""

from __future__ import annotations

import re
import shlex
from html import unescape
from typing import Any

import pytest
from django.test import Client
from knox.models import AuthToken

from calendar_api.models import CalendarFeed, WebhookEndpoint
from calendar_api.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db
PAGE = "/developer/"


def shown_code(page: str) -> list[str]:
    return [unescape(c) for c in re.findall(r"<code[^>]*>(.*?)</code>", page, re.S)]


def run_curl(client: Client, command: str) -> Any:
    """Do what a curl example of the page says, through the test client (no session)."""
    words = shlex.split(command.replace("$TOKEN", "TOKEN-NOT-SET"))
    assert words[0] == "curl"
    headers, body, url = {}, None, words[-1]
    for flag, value in zip(words[1:-1:2], words[2:-1:2], strict=True):
        if flag == "-H":
            name, _, text = value.partition(": ")
            headers[name] = text
        else:
            assert flag == "-d"
            body = value
    assert url.startswith("http://127.0.0.1:8000/"), url
    auth = {"Authorization": headers["Authorization"]}
    path = url.removeprefix("http://127.0.0.1:8000")
    if body is None:
        return client.get(path, headers=auth)
    return client.post(path, body, content_type=headers["Content-Type"], headers=auth)


def test_the_page_needs_a_signed_in_person() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "next=/developer/" in response["Location"]
    assert Client().post(PAGE + "tokens/", {"name": "x", "scope": "read"}).status_code == 302
    assert AuthToken.objects.count() == 0


def test_it_is_in_the_navigation_under_the_strict_policy(alice: Any, visitor: Client) -> None:
    home = visitor.get("/").content.decode()
    assert '<a href="/developer/">Developer</a>' in home
    response = visitor.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200 and 'aria-current="page">Developer' in page
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "calendar_api/build/copy.js" in page and "no-store" in response["Cache-Control"]
    assert (
        "curl -H &quot;Authorization: Bearer $TOKEN&quot; http://127.0.0.1:8000/rest/v1/calendars/"
        in page
    )


def test_a_token_made_on_the_page_is_shown_once_and_its_example_works(
    alice: Any, visitor: Client
) -> None:
    made = visitor.post(PAGE + "tokens/", {"name": "My script", "scope": "read-write"})
    assert made.status_code == 201 and "no-store" in made["Cache-Control"]
    page = made.content.decode()
    secret = re.search(r'<code id="new-token">(gcal_[^<]+)</code>', page)
    assert secret is not None
    examples = [c for c in shown_code(page) if c.startswith("curl")]
    assert all(secret.group(1) in c for c in examples if "Bearer" in c)
    listed = run_curl(Client(HTTP_HOST="127.0.0.1:8000"), examples[0])
    assert listed.status_code == 200 and listed.json()["results"][0]["id"]
    create = next(c for c in examples if "-d" in c and "/events/" in c)
    assert run_curl(Client(HTTP_HOST="127.0.0.1:8000"), create).status_code == 201
    again = visitor.get(PAGE).content.decode()
    assert secret.group(1) not in again and "My script" in again and "read and write" in again


def test_a_read_only_token_cannot_write(alice: Any, visitor: Client) -> None:
    page = visitor.post(PAGE + "tokens/", {"name": "Reports", "scope": "read"}).content.decode()
    create = next(c for c in shown_code(page) if c.startswith("curl") and "-d" in c)
    answer = run_curl(Client(HTTP_HOST="127.0.0.1:8000"), create)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "insufficient_scope"


def test_bad_token_input_is_answered_on_the_page_with_every_error(
    alice: Any, visitor: Client
) -> None:
    answer = visitor.post(PAGE + "tokens/", {"name": "", "scope": "admin"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="token-name-error">This field is required.' in page
    assert 'id="token-scope-error">Select a valid choice.' in page
    assert AuthToken.objects.count() == 0


def test_revoking_a_token_stops_it(alice: Any, visitor: Client) -> None:
    page = visitor.post(PAGE + "tokens/", {"name": "Old", "scope": "read"}).content.decode()
    secret = re.search(r'<code id="new-token">(gcal_[^<]+)</code>', page).group(1)  # type: ignore[union-attr]
    key = AuthToken.objects.get().token_key
    assert visitor.post(PAGE + f"tokens/{key}/revoke/").status_code == 302
    assert "The token \u201cOld\u201d is revoked" in visitor.get(PAGE).content.decode()
    api = Client(HTTP_HOST="127.0.0.1:8000", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/rest/v1/calendars/").status_code == 401


def test_another_persons_token_feed_and_webhook_cannot_be_touched(
    alice: Any, visitor: Client, django_user_model: Any
) -> None:
    other = django_user_model.objects.create(username="mallory")
    token, _ = AuthToken.objects.create(user=other)
    feed = CalendarFeed.objects.create(user=other, secret_hash="x" * 64)
    endpoint, _ = endpoint_create(user=other, url="https://example.com/h", events=["event.created"])
    assert visitor.post(PAGE + f"tokens/{token.token_key}/revoke/").status_code == 404
    assert visitor.post(PAGE + f"feeds/{feed.pk}/delete/").status_code == 404
    assert visitor.post(PAGE + f"webhooks/{endpoint.pk}/delete/").status_code == 404
    assert AuthToken.objects.filter(user=other).exists() and CalendarFeed.objects.exists()
    assert WebhookEndpoint.objects.exists()


def test_a_feed_made_on_the_page_shows_its_address_once(alice: Any, visitor: Client) -> None:
    calendar = alice.calendars.get(primary=True)
    answer = visitor.post(PAGE + "feeds/", {"name": "Phone", "calendars": [calendar.pk]})
    assert answer.status_code == 201
    url = re.search(r'<code id="new-feed-url">([^<]+)</code>', answer.content.decode())
    assert url is not None
    ics = Client().get(url.group(1).removeprefix("http://127.0.0.1:8000"))
    assert ics.status_code == 200 and ics.content.startswith(b"BEGIN:VCALENDAR")
    feed = CalendarFeed.objects.get()
    rotated = visitor.post(PAGE + f"feeds/{feed.pk}/new-url/")
    assert rotated.status_code == 200 and url.group(1) not in rotated.content.decode()
    assert Client().get(url.group(1).removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert visitor.post(PAGE + f"feeds/{feed.pk}/delete/").status_code == 302
    assert not CalendarFeed.objects.exists()


def test_a_feed_needs_a_calendar(alice: Any, visitor: Client) -> None:
    answer = visitor.post(PAGE + "feeds/", {"name": "Nothing"})
    assert answer.status_code == 400 and "Choose at least one calendar." in answer.content.decode()


def test_webhook_endpoints_show_their_deliveries_and_can_be_rotated_and_deleted(
    alice: Any, visitor: Client
) -> None:
    endpoint, _ = endpoint_create(
        user=alice.user, url="https://example.com/hooks", events=["event.created"]
    )
    endpoint.deliveries.create(message_id="msg_1", event_type="event.created", body="{}")
    page = visitor.get(PAGE).content.decode()
    assert "https://example.com/hooks" in page and "event.created" in page and "Pending" in page
    assert f"/rest/v1/webhooks/{endpoint.pk}/deliveries/" in page
    rotated = visitor.post(PAGE + f"webhooks/{endpoint.pk}/new-secret/").content.decode()
    assert re.search(r"<code>whsec_[^<]+</code>", rotated)
    assert visitor.post(PAGE + f"webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()
