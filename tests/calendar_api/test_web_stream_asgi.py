"""The live stream under ASGI (as uvicorn serves it): an async generator that holds no thread
while it waits, sending what the change log holds after the cursor."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.test import AsyncClient, Client

from calendar_api.models import StoreChange
from tests.support.loops import run_apart

pytestmark = pytest.mark.django_db(transaction=True)


async def read(client: AsyncClient, after: int) -> tuple[str, bool]:
    response: Any = await client.get("/web/stream/", {"after": after})
    chunks = [chunk async for chunk in response.streaming_content]
    return b"".join(chunks).decode(), response.is_async


def test_the_stream_under_asgi_is_async_and_sends_the_changes(
    stream_change: Any, visitor: Client
) -> None:
    change = stream_change
    client = AsyncClient(HTTP_HOST="127.0.0.1:8000")
    client.cookies = visitor.cookies
    # A thread of its own: a browser test before this one may have left an event loop here.
    body, is_async = run_apart(read(client, change.pk - 1))
    # The view ran on asgiref's one long-lived thread: its connection is closed there, so that
    # PostgreSQL can drop the test database.
    run_apart(sync_to_async(connections.close_all)())
    assert is_async
    assert f"id: {change.pk}\nevent: change\n" in body and "stream0001" in body


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite cannot tell a closed connection"
)
def test_a_stream_outlives_a_broken_database_connection(alice: Any, calendar_settings: Any) -> None:
    """The database went away under the connection of the thread that polls (a restart): the
    next poll opens a new one instead of failing, as would every later stream on that thread."""
    from calendar_api.web import live

    calendar_settings.WEB_STREAM_SECONDS = 0.4
    calendar_settings.WEB_STREAM_POLL_SECONDS = 0.05
    StoreChange.objects.create(
        user=alice.user, calendar=alice.calendars.get(primary=True), kind="event.created"
    )
    polls = []
    original = live._batch

    def breaking(user: Any, after: int) -> Any:
        found = original(user, after)
        polls.append(after)
        if len(polls) == 1:  # behind Django's back, as a restarted server does
            connections["default"].connection.close()
        return found

    async def whole_stream() -> bytes:
        # One executor thread: every poll runs where the connection broke.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(1))
        return b"".join([chunk async for chunk in live.astream(alice.user, 0, live.Place("test"))])

    with mock.patch.object(live, "_batch", breaking):
        body = run_apart(whole_stream())
    assert len(polls) >= 3
    assert body.count(b"event: change") == StoreChange.objects.filter(user=alice.user).count()
