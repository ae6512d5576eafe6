"""A body sent in chunks without Content-Length answers 411 in the API's error shape, under the
product's ASGI handler and under a WSGI server alike: Django would read it as empty."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from calendar_api.operations.asgi import OneHopASGIHandler
from calendar_api.services.api_tokens import api_token_create
from tests.calendar_api.api.conftest import events_url
from tests.support.asgi import http_scope
from tests.support.loops import run_apart

pytestmark = pytest.mark.django_db(transaction=True)

BODY = json.dumps({"summary": "Chunked", "start": {"date": "2026-03-02"}}).encode()


async def post_chunked(app: Any, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """A POST as uvicorn hands a chunked one over: no content-length, the body in pieces."""
    scope = http_scope("POST", path, [(k.lower().encode(), v.encode()) for k, v in headers.items()])
    pieces = [BODY[:10], BODY[10:], b""]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pieces:
            piece = pieces.pop(0)
            return {"type": "http.request", "body": piece, "more_body": bool(pieces)}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_a_chunked_post_answers_411_under_asgi(alice: Any, ours: OneHopASGIHandler) -> None:
    token = api_token_create(user=alice.user, name="chunked", scope="read-write").secret
    headers = {
        "Host": "127.0.0.1:8000",
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
    }

    status, body = run_apart(post_chunked(ours, events_url(), headers))

    assert status == 411, body[:300]
    assert json.loads(body)["error"]["code"] == "length_required"


def test_a_chunked_post_answers_411_under_a_wsgi_server(live_server: Any) -> None:
    where = urlsplit(live_server.url)
    chunks = b"%x\r\n%s\r\n0\r\n\r\n" % (len(BODY), BODY)
    head = (
        f"POST {events_url()} HTTP/1.1\r\nHost: {where.netloc}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(head.encode() + chunks)
        answer = b"".join(iter(lambda: sock.recv(65536), b""))

    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"411", answer[:300]
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "length_required"
