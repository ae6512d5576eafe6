"""Bad bodies answer 400 or 413 in the one error shape, never 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.calendar_api.api.conftest import events_url

pytestmark = pytest.mark.django_db


def post_raw(
    client: Client, raw: str | bytes, content_type: str = "application/json"
) -> dict[str, Any]:
    response = client.post(events_url(), data=raw, content_type=content_type)
    return {"status": response.status_code, **response.json()["error"]}


@pytest.mark.parametrize("depth", [33, 2000, 100_000])
def test_deeply_nested_json_answers_400(alice_client: Client, depth: int) -> None:
    body = '{"summary": ' + "[" * depth + "]" * depth + "}"
    answer = post_raw(alice_client, body)
    assert answer["status"] == 400 and answer["code"] == "parse_error"


def test_a_body_over_the_upload_limit_answers_413(alice_client: Client, settings: object) -> None:
    big = json.dumps({"summary": "x", "description": "y" * 2_700_000})
    answer = post_raw(alice_client, big)
    assert answer["status"] == 413 and answer["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("a=1&" * 2000, "application/x-www-form-urlencoded"),
        ("a=" + "y" * 2_700_000, "application/x-www-form-urlencoded"),
        (
            "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--",
            "multipart/form-data; boundary=x",
        ),
        ("summary=x", "text/plain"),
    ],
)
def test_a_body_that_is_not_json_answers_415(
    alice_client: Client, raw: str, content_type: str
) -> None:
    """The API reads JSON only (the web page's forms post to its own views)."""
    answer = post_raw(alice_client, raw, content_type)
    assert answer["status"] == 415 and answer["code"] == "unsupported_media_type"


def test_json_that_is_not_utf8_answers_400(alice_client: Client) -> None:
    assert post_raw(alice_client, b"\xff\xfe{}")["status"] == 400
