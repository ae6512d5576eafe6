"""A person holds at most WEB_STREAMS_PER_USER live streams: one more answers 429; a stream
gives its place back when it ends or its client goes away, and a crashed process's places
expire."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.test import Client

from calendar_api.operations.asgi import OneHopASGIHandler
from calendar_api.web import live
from tests.support.asgi import http_scope
from tests.support.loops import run_apart

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "/web/stream/"


@pytest.fixture
def two_places(calendar_settings: Any, stream_change: Any) -> None:
    calendar_settings.WEB_STREAMS_PER_USER = 2
    calendar_settings.WEB_STREAM_SECONDS = 30  # longer than the test: only closing ends a stream


def test_one_stream_more_than_the_cap_answers_429(two_places: None, visitor: Client) -> None:
    first, second = visitor.get(STREAM), visitor.get(STREAM)
    third = visitor.get(STREAM)

    assert first.status_code == second.status_code == 200
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "too_many_streams"
    first.close()  # what a server does once a stream ended
    assert visitor.get(STREAM).status_code == 200
    second.close()


def test_a_place_held_by_a_crashed_process_expires(
    two_places: None, alice: Any, visitor: Client, time_machine: Any
) -> None:
    time_machine.move_to("2026-03-02T09:00:00Z", tick=False)
    live.place_take(alice.user), live.place_take(alice.user)  # never given back
    assert visitor.get(STREAM).status_code == 429

    time_machine.shift(live.PLACE_SECONDS + 1)

    assert visitor.get(STREAM).status_code == 200


async def open_then_leave(app: Any, cookie: str) -> int:
    """A stream through the ASGI handler whose client goes away after its first bytes."""
    headers = [(b"host", b"127.0.0.1:8000"), (b"cookie", cookie.encode())]
    scope = http_scope("GET", STREAM, headers)
    started = asyncio.Event()
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        if not status:
            status.append(0)
            return {"type": "http.request", "body": b"", "more_body": False}
        await started.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        elif message.get("body"):
            started.set()

    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return status[0]


def test_a_client_that_goes_away_gives_its_place_back(
    two_places: None, visitor: Client, ours: OneHopASGIHandler
) -> None:
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in visitor.cookies.items())

    statuses = [run_apart(open_then_leave(ours, cookie)) for _ in range(3)]

    assert statuses == [200, 200, 200]
    held = [visitor.get(STREAM), visitor.get(STREAM)]
    assert [response.status_code for response in held] == [200, 200]
    for response in held:
        response.close()
