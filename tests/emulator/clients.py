"""Helpers for the emulator conformance tests (no browser needed): the official-client ones
(tokens, `service`, `control`) live in google_emulator.testing, shipped with the emulator for
hosts' tests too, and are re-exported here; a webhook listener and the discovery schemas'
validation are the conformance suite's own."""

from __future__ import annotations

import functools
import http.server
import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import googleapiclient
from jsonschema import Draft7Validator

from google_emulator.testing import (
    CALENDAR_SCOPE,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    authorized_http,
    bare_service,
    control,
    credentials,
    service,
    tokens,
)

__all__ = [
    "CALENDAR_SCOPE",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "REDIRECT_URI",
    "Listener",
    "authorized_http",
    "bare_service",
    "control",
    "credentials",
    "listener",
    "service",
    "tokens",
    "validate",
]


class Listener:
    """A tiny webhook receiver on a free loopback port; notifications land in `received`."""

    def __init__(self) -> None:
        self.received: queue.Queue[dict[str, str]] = queue.Queue()
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                received.put({**dict(self.headers.items()), "__body__": body.decode()})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/notify"

    def next(self, timeout: float = 5.0) -> dict[str, str]:
        return self.received.get(timeout=timeout)


@contextmanager
def listener() -> Iterator[Listener]:
    found = Listener()
    found.thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


# -- the discovery document's schemas as JSON Schema ---------------------------------------

DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache/documents/calendar.v3.json"
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
INT64 = r"^-?\d+$"


def _convert(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"$ref": "#/definitions/" + schema["$ref"]}
    kind = schema.get("type")
    if kind == "object":
        extra = schema.get("additionalProperties")
        return {
            "type": "object",
            "properties": {k: _convert(v) for k, v in schema.get("properties", {}).items()},
            "additionalProperties": _convert(extra) if extra else False,
        }
    if kind == "array":
        return {"type": "array", "items": _convert(schema.get("items", {}))}
    if kind == "string":
        pattern = {"int64": INT64, "uint64": INT64, "date-time": RFC3339, "date": DATE}
        fmt = schema.get("format", "")
        return {"type": "string", **({"pattern": pattern[fmt]} if fmt in pattern else {})}
    if kind in ("integer", "boolean", "number"):
        return {"type": kind}
    return {}


@functools.cache
def _definitions() -> dict[str, Any]:
    document = json.loads(DISCOVERY.read_text())
    return {name: _convert(schema) for name, schema in document["schemas"].items()}


def validate(resource: Any, name: str) -> Any:
    """Fail unless `resource` matches discovery schema `name`: known fields, right types."""
    definitions = _definitions()
    schema = {"definitions": definitions, **definitions[name]}
    errors = sorted(Draft7Validator(schema).iter_errors(resource), key=str)
    assert not errors, (
        f"{name} does not match the discovery document: {errors[0].message} at {list(errors[0].absolute_path)}"
    )
    return resource
