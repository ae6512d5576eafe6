"""Live updates: the change log, read as server-sent events.

Every store change (sync or API write) is recorded in `StoreChange` in the same transaction as
the change itself; its id is the cursor. A stream polls the log for the person's changes after
its cursor and sends each as one event whose `id:` is that cursor, so a browser that reconnects
(EventSource does so by itself) sends `Last-Event-ID` and misses nothing. A stream ends after
`WEB_STREAM_SECONDS`; the browser reconnects and catches up, which also frees a worker thread
under WSGI. Under ASGI the loop is an async generator and holds no thread while it waits.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from calendar_api.selectors import changes_after

BATCH = 200
KEEPALIVE_SECONDS = 15.0


def _poll_seconds() -> float:
    return float(settings.WEB_STREAM_POLL_SECONDS)


def _max_seconds() -> float:
    return float(settings.WEB_STREAM_SECONDS)


def message(change: Any) -> bytes:
    data = {
        "kind": change.kind,
        "calendar": change.calendar.google_id,
        "event_id": change.event_id or "",
    }
    return f"id: {change.pk}\nevent: change\ndata: {json.dumps(data)}\n\n".encode()


def _batch(user: Any, after: int) -> tuple[list[bytes], int]:
    changes = list(changes_after(user=user, after_id=after, limit=BATCH))
    for change in changes:
        after = max(after, change.pk)
    return [message(change) for change in changes], after


def _batch_checked(user: Any, after: int) -> tuple[list[bytes], int]:
    """`_batch` on one of the event loop's executor threads, which no request's signals reach:
    the thread's database connection is checked first, as at a request's start (closed once
    older than CONN_MAX_AGE, health-checked before its next use). Unchecked, a connection
    broken once (the database restarted) failed every later stream served by that thread."""
    close_old_connections()
    return _batch(user, after)


class _Clock:
    def __init__(self) -> None:
        self.started = self.beat = time.monotonic()

    def over(self) -> bool:
        return time.monotonic() - self.started >= _max_seconds()

    def keepalive(self) -> bool:
        if time.monotonic() - self.beat < KEEPALIVE_SECONDS:
            return False
        self.beat = time.monotonic()
        return True


HELLO = b"retry: 1000\n: connected\n\n"


def stream(user: Any, after: int) -> Iterator[bytes]:
    """The stream for a threaded (WSGI) server."""
    yield HELLO
    clock = _Clock()
    while not clock.over():
        messages, after = _batch(user, after)
        yield from messages
        if clock.keepalive():
            yield b": keepalive\n\n"
        if not messages:
            time.sleep(_poll_seconds())


async def astream(user: Any, after: int) -> AsyncIterator[bytes]:
    """The same stream for an ASGI server: waiting holds no thread."""
    yield HELLO
    clock = _Clock()
    batch = sync_to_async(_batch_checked, thread_sensitive=False)
    while not clock.over():
        messages, after = await batch(user, after)
        for chunk in messages:
            yield chunk
        if clock.keepalive():
            yield b": keepalive\n\n"
        if not messages:
            await asyncio.sleep(_poll_seconds())
