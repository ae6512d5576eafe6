"""Requests handed straight to an ASGI app, as uvicorn hands them over."""

from __future__ import annotations

from typing import Any


def http_scope(
    method: str, path: str, headers: list[tuple[bytes, bytes]], query: str = ""
) -> dict[str, Any]:
    """The ASGI scope of an HTTP/1.1 request from 127.0.0.1 to 127.0.0.1:8000."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
