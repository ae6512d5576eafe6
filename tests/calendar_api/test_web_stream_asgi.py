"""The live stream under ASGI (as uvicorn serves it): an async generator that holds no thread
while it waits, sending what the change log holds after the cursor."""

from __future__ import annotations

import asyncio
import gc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, Client

from calendar_api.models import StoreChange

pytestmark = pytest.mark.django_db(transaction=True)


async def read(client: AsyncClient, after: int) -> tuple[str, bool]:
    response: Any = await client.get("/web/stream/", {"after": after})
    chunks = [chunk async for chunk in response.streaming_content]
    return b"".join(chunks).decode(), response.is_async


def test_the_stream_under_asgi_is_async_and_sends_the_changes(
    alice: Any, visitor: Client, settings: Any
) -> None:
    settings.WEB_STREAM_SECONDS = 0.3
    settings.WEB_STREAM_POLL_SECONDS = 0.05
    change = StoreChange.objects.create(
        user=alice.user,
        calendar=alice.calendars.get(primary=True),
        kind="event.created",
        event_id="asgi0001",
    )
    client = AsyncClient(HTTP_HOST="127.0.0.1:8000")
    client.cookies = visitor.cookies
    # A thread of its own: a browser test before this one may have left an event loop here.
    with ThreadPoolExecutor(1) as pool:
        body, is_async = pool.submit(asyncio.run, read(client, change.pk - 1)).result()
        # The view ran on asgiref's one long-lived thread: its connection is closed there, and
        # those of the loop's executor threads (ended) when freed, so that PostgreSQL can drop
        # the test database.
        pool.submit(asyncio.run, sync_to_async(connections.close_all)()).result()
    gc.collect()
    assert is_async
    assert f"id: {change.pk}\nevent: change\n" in body and "asgi0001" in body
