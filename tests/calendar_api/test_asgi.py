"""The product's ASGI handler (what uvicorn serves), driven as a server drives it: an API read,
the async readiness view and the live stream all answer; a request crosses from the event loop
to a thread once, not once per middleware hook and signal, its request signals are sent on the
thread that serves it, and requests reuse database connections instead of opening one each."""

from __future__ import annotations

import asyncio
import json
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.test import Client

from calendar_api.operations.asgi import OneHopASGIHandler
from calendar_api.services.api_tokens import api_token_create
from tests.support.asgi import http_scope
from tests.support.loops import run_apart

pytestmark = pytest.mark.django_db(transaction=True)


async def call(app: Any, path: str, query: str = "", headers: dict[str, str] | None = None) -> Any:
    """One GET through the ASGI app: (status, headers, body)."""
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = http_scope("GET", path, [(b"host", b"127.0.0.1:8000"), *extra], query)
    sent: list[dict[str, Any]] = []
    done = asyncio.Event()
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.lower(): v for k, v in start["headers"]}, body


def switches(app: Any, *args: Any, **kwargs: Any) -> tuple[Any, int]:
    """The answer, and how many times the request crossed from the loop to a thread."""
    crossings = 0
    original = SyncToAsync.__call__

    async def counted(self: Any, *a: Any, **k: Any) -> Any:
        nonlocal crossings
        crossings += 1
        return await original(self, *a, **k)

    with mock.patch.object(SyncToAsync, "__call__", counted):
        answer = run_apart(call(app, *args, **kwargs))
    return answer, crossings


@pytest.fixture
def signalled() -> Iterator[list[tuple[str, str]]]:
    """The request signals our handler sent, in order, with the name of the thread each was
    sent on (other servers of the test run, such as a live server's thread, send them too)."""
    sent: list[tuple[str, str]] = []

    def started(sender: Any, **kwargs: Any) -> None:
        if sender is OneHopASGIHandler:
            sent.append(("started", threading.current_thread().name))

    def finished(sender: Any, **kwargs: Any) -> None:
        if sender is OneHopASGIHandler:
            sent.append(("finished", threading.current_thread().name))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield sent
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


def test_an_api_read_answers_and_crosses_to_a_thread_once(
    alice: Any, ours: OneHopASGIHandler
) -> None:
    token = api_token_create(user=alice.user, name="asgi", scope="read").secret
    path, auth = "/rest/v1/calendars/primary/events/", {"Authorization": f"Bearer {token}"}
    (status, headers, body), crossings = switches(ours, path, "page_size=5", auth)
    assert status == 200, body[:300]
    assert headers[b"content-type"].startswith(b"application/json")
    assert len(json.loads(body)["results"]) == 5
    (status, _, theirs_body), theirs = switches(ASGIHandler(), path, "page_size=5", auth)
    assert status == 200 and json.loads(theirs_body) == json.loads(body)
    # Django's own handler crosses once per hook of each middleware, once for request_started
    # and once to close the response; ours does all of that in one crossing.
    assert crossings == 1 < theirs, (crossings, theirs)


def test_the_request_signals_are_sent_on_the_thread_that_serves_the_request(
    alice: Any, ours: OneHopASGIHandler, signalled: list[tuple[str, str]]
) -> None:
    """request_started and request_finished check the database connection of the thread they
    run on: under Django's handler, not the one the request used."""
    token = api_token_create(user=alice.user, name="asgi", scope="read").secret
    auth = {"Authorization": f"Bearer {token}"}
    status, _, _ = run_apart(call(ours, "/rest/v1/calendars/", "", auth))
    assert status == 200
    assert [what for what, _ in signalled] == ["started", "finished"]
    assert {thread for _, thread in signalled} == {"web_0"}


def test_requests_reuse_their_threads_database_connections(
    alice: Any, ours: OneHopASGIHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.backends.signals import connection_created

    token = api_token_create(user=alice.user, name="asgi", scope="read").secret
    auth = {"Authorization": f"Bearer {token}"}
    opened: list[str] = []

    def count(sender: Any, connection: Any, **kwargs: Any) -> None:
        opened.append(connection.alias)

    async def five(app: Any) -> list[int]:
        answers = [await call(app, "/rest/v1/calendars/", "", auth) for _ in range(5)]
        return [status for status, _, _ in answers]

    # Kept for a minute, as by default (whatever this run's environment says).
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    connection_created.connect(count)
    try:
        assert run_apart(five(ours)) == [200] * 5
        mine = len(opened)
        opened.clear()
        assert run_apart(five(ASGIHandler())) == [200] * 5
        theirs = len(opened)
    finally:
        connection_created.disconnect(count)
    # Django's handler runs each request on a thread of its own, with a connection of its own.
    assert mine <= 1 and theirs == 5, (mine, theirs)


def test_the_async_readiness_view_answers_through_the_sync_chain(
    alice: Any, ours: OneHopASGIHandler
) -> None:
    status, _, body = run_apart(call(ours, "/readyz"))
    assert status in (200, 503)
    assert "database" in json.loads(body)["checks"]


def test_the_live_stream_streams_from_the_loop(
    stream_change: Any,
    visitor: Client,
    ours: OneHopASGIHandler,
    signalled: list[tuple[str, str]],
) -> None:
    cookie = "; ".join(f"{k}={v.value}" for k, v in visitor.cookies.items())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, headers, body = run_apart(
            call(ours, "/web/stream/", f"after={stream_change.pk - 1}", {"Cookie": cookie})
        )
    assert [str(w.message) for w in caught if "StreamingHttpResponse" in str(w.message)] == []
    assert status == 200
    assert headers[b"content-type"].startswith(b"text/event-stream")
    assert f"id: {stream_change.pk}\nevent: change\n".encode() in body and b"stream0001" in body
    # The stream is closed too (request_finished), on a serving thread.
    assert [what for what, _ in signalled] == ["started", "finished"]
    assert {thread for _, thread in signalled} == {"web_0"}


def test_a_static_file_streams_from_the_loop_without_djangos_warning(
    ours: OneHopASGIHandler,
) -> None:
    """WhiteNoise answers with a file read synchronously: Django's handler would warn
    ("StreamingHttpResponse must consume synchronous iterators") and read all of it first."""
    icon = Path(settings.BASE_DIR) / "calendar_api/static/calendar_api/favicon.svg"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, headers, body = run_apart(call(ours, "/static/calendar_api/favicon.svg"))
    assert status == 200 and headers[b"content-type"].startswith(b"image/svg+xml")
    assert body == icon.read_bytes()
    assert [str(w.message) for w in caught if "StreamingHttpResponse" in str(w.message)] == []
