"""Answers that hold a secret (a new API token, a feed's URL) or a person's events say
`Cache-Control: no-store`, so no browser, proxy or shared cache keeps a copy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import events_url, send

pytestmark = pytest.mark.django_db
SERIES = "teammeet0001"
WEEK = {"start": "2026-12-07T00:00:00Z", "end": "2026-12-14T00:00:00Z"}


def assert_no_store(response: Any, status: int = 200) -> None:
    assert response.status_code == status, response.content
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")


def test_a_new_api_token_is_not_stored(alice_client: Client) -> None:
    assert_no_store(send(alice_client, "POST", "/rest/v1/auth/tokens/", {}), 201)


def test_a_new_or_rotated_feed_url_is_not_stored(alice_client: Client) -> None:
    created = send(alice_client, "POST", "/rest/v1/feeds/", {"calendars": ["primary"]})
    assert_no_store(created, 201)
    rotated = alice_client.post(f"/rest/v1/feeds/{created.json()['id']}/rotate-secret/")
    assert_no_store(rotated)


def test_events_are_not_stored(alice_client: Client) -> None:
    assert_no_store(alice_client.get(events_url()))
    assert_no_store(alice_client.get(events_url(event_id=SERIES)))
    assert_no_store(alice_client.get(events_url(event_id=SERIES, suffix="instances/")))
    assert_no_store(alice_client.get(events_url(event_id="no-such-event")), 404)


def test_the_web_pages_data_is_not_stored(alice_client: Client) -> None:
    assert_no_store(alice_client.get("/web/events/", WEEK))
    assert_no_store(alice_client.get("/web/progress/"))
    assert_no_store(alice_client.get("/web/status/"))
    assert_no_store(alice_client.post("/web/preferences/", {"time_zone": "Asia/Tokyo"}))
    assert_no_store(Client().get("/web/events/", WEEK), 401)
