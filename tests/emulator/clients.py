"""Official-client helpers for the emulator conformance tests (no browser needed).

Tokens come from the emulator's auto-consent authorize endpoint plus a real code exchange;
the Calendar client is google-api-python-client's own `build(...)` pointed at the emulator.
"""

from __future__ import annotations

import functools
import http.server
import json
import queue
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import googleapiclient
import httplib2
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import Resource, build
from jsonschema import Draft7Validator

CLIENT_ID = "emulator-client-id.apps.googleusercontent.com"
CLIENT_SECRET = "emulator-client-secret"
REDIRECT_URI = "http://127.0.0.1:1/cb"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def tokens(
    base: str, email: str = "alice@example.com", scope: str = CALENDAR_SCOPE
) -> dict[str, Any]:
    """Access and refresh tokens for `email`, through authorize (auto-consent) and /token."""
    query = urlencode(
        {
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": f"openid email {scope}",
            "access_type": "offline",
            "login_hint": email,
        }
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(f"{base}/o/oauth2/auth?{query}")
        raise AssertionError("authorize did not redirect")
    except urllib.error.HTTPError as exc:
        location = exc.headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    form = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ).encode()
    with urllib.request.urlopen(f"{base}/token", data=form) as response:
        return dict(json.load(response))


def credentials(
    base: str, email: str = "alice@example.com", scope: str = CALENDAR_SCOPE
) -> Credentials:
    found = tokens(base, email, scope)
    return Credentials(
        found["access_token"],
        refresh_token=found.get("refresh_token"),
        token_uri=base + "/token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def service(
    base: str,
    email: str = "alice@example.com",
    creds: Credentials | None = None,
    scope: str = CALENDAR_SCOPE,
) -> Resource:
    """A Calendar v3 client from google-api-python-client, pointed at the emulator."""
    return build(
        "calendar",
        "v3",
        credentials=creds or credentials(base, email, scope),
        static_discovery=True,
        client_options={"api_endpoint": base + "/calendar/v3/"},
        cache_discovery=False,
    )


def bare_service(base: str) -> Resource:
    """A Calendar client without credentials (set the Authorization header per request)."""
    return build(
        "calendar",
        "v3",
        http=httplib2.Http(),
        static_discovery=True,
        client_options={"api_endpoint": base + "/calendar/v3/"},
        cache_discovery=False,
    )


def authorized_http(creds: Credentials) -> AuthorizedHttp:
    return AuthorizedHttp(creds, http=httplib2.Http())


def control(base: str, path: str, body: Any = None, method: str = "POST") -> Any:
    """Call an `/__emulator__/` control endpoint."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}/__emulator__/{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


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
