"""A bare ASGI app that answers every request with the bytes of one file (BENCH_BODY_FILE) as
JSON: what the HTTP server and the client cost alone, with no Django and no work behind. The
read model's benchmark serves a week's page from it, to show the floor under its HTTP figure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BODY = Path(os.environ.get("BENCH_BODY_FILE", os.devnull)).read_bytes()
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
