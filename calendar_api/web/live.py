"""Live updates: the change log, read as server-sent events.

Every store change (sync or API write) is recorded in `StoreChange` in the same transaction as
the change itself; its id is the cursor. A stream polls the log for the person's changes after
its cursor and sends each as one event whose `id:` is that cursor, so a browser that reconnects
(EventSource does so by itself) sends `Last-Event-ID` and misses nothing. A stream ends after
`WEB_STREAM_SECONDS`; the browser reconnects and catches up, which also frees a worker thread
under WSGI. Under ASGI the loop is an async generator and holds no thread while it waits.

A person holds at most `WEB_STREAMS_PER_USER` streams at once, counted across processes in
Django's cache (a shared one, e.g. Redis, with several processes): each stream holds one of the
person's numbered places, renewed with every keepalive and given back when the response is
closed (the stream ended, or the client went away). A place expires `PLACE_SECONDS` after its
last renewal, so a crashed process holds none for longer.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import close_old_connections

from calendar_api.conf import app_settings
from calendar_api.reads.owned import changes_after

BATCH = 200
KEEPALIVE_SECONDS = 15.0
PLACE_SECONDS = 4 * int(KEEPALIVE_SECONDS)  # a place outlives three missed renewals


class Place:
    """One of a person's stream places in the cache, held by one stream."""

    def __init__(self, key: str) -> None:
        self.key, self.holder = key, secrets.token_hex(8)

    def renew(self) -> None:
        cache.touch(self.key, PLACE_SECONDS)

    def release(self) -> None:
        """Idempotent; a place that expired and was taken by another stream stays theirs."""
        if cache.get(self.key) == self.holder:
            cache.delete(self.key)


def place_take(user: Any) -> Place | None:
    """A free place among the person's `WEB_STREAMS_PER_USER`, or None when all are held."""
    for number in range(int(app_settings.WEB_STREAMS_PER_USER)):
        place = Place(f"web-stream:{user.pk}:{number}")
        if cache.add(place.key, place.holder, PLACE_SECONDS):
            return place
    return None


def _poll_seconds() -> float:
    return float(app_settings.WEB_STREAM_POLL_SECONDS)


def _max_seconds() -> float:
    return float(app_settings.WEB_STREAM_SECONDS)


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


def stream(user: Any, after: int, place: Place) -> Iterator[bytes]:
    """The stream for a threaded (WSGI) server."""
    yield HELLO
    clock = _Clock()
    while not clock.over():
        messages, after = _batch(user, after)
        yield from messages
        if clock.keepalive():
            place.renew()
            yield b": keepalive\n\n"
        if not messages:
            time.sleep(_poll_seconds())


async def astream(user: Any, after: int, place: Place) -> AsyncIterator[bytes]:
    """The same stream for an ASGI server: waiting holds no thread."""
    yield HELLO
    clock = _Clock()
    batch = sync_to_async(_batch_checked, thread_sensitive=False)
    while not clock.over():
        messages, after = await batch(user, after)
        for chunk in messages:
            yield chunk
        if clock.keepalive():
            await sync_to_async(place.renew, thread_sensitive=False)()
            yield b": keepalive\n\n"
        if not messages:
            await asyncio.sleep(_poll_seconds())
