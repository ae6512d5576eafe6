"""Helpers for tests that talk to a running emulator as a client would: tokens through the
auto-consent authorize endpoint and a real code exchange, the official Calendar client
(google-api-python-client's own `build(...)`) pointed at it, its `/__emulator__/` control API,
and `GoogleControl`, the object the pytest plugin hands to tests.

Everything here goes over HTTP to a base URL, so it works as well against an emulator in
another process (`python -m google_emulator`) as against one started in the test process.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httplib2
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import Resource, build

from google_emulator.state import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

CLIENT_ID = DEMO_CLIENT_ID
CLIENT_SECRET = DEMO_CLIENT_SECRET
REDIRECT_URI = "http://127.0.0.1:1/cb"  # never opened: the code is read from the redirect
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def consent(authorize_url: str) -> str:
    """Let the emulator (auto-consent on) answer an authorize URL: where it redirects, back to
    the client's redirect URI (with `code`, or `error`)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(authorize_url):
            pass  # a 200: the consent page, shown because auto-consent is off
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307) and exc.headers.get("Location"):
            return str(exc.headers["Location"])
        raise
    raise AssertionError(f"authorize did not redirect (is auto-consent on?): {authorize_url}")


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
    location = consent(f"{base}/o/oauth2/auth?{query}")
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
    with urllib.request.urlopen(f"{base}/token", data=form) as response:  # noqa: S310
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
    """Call an `/__emulator__/` control endpoint; its JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the emulator's own base URL
        f"{base}/__emulator__/{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return json.load(response)


class GoogleControl:
    """A running emulator as a test sees it: its base URL, the official client as any of its
    accounts, and its control API (latency, faults, accounts, resets)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._services: dict[str, Resource] = {}

    def service(self, email: str = "alice@example.com") -> Resource:
        """The official Calendar client, signed in as `email` (one per account and test):
        what it changes is changed "at Google"."""
        if email not in self._services:
            self._services[email] = service(self.base_url, email)
        return self._services[email]

    def latency(self, ms: int) -> None:
        """Every call from now on answers `ms` milliseconds late (0: no latency)."""
        control(self.base_url, "latency", {"ms": ms})

    def fault(
        self, method: str, status: int, reason: str = "", times: int = 1, **extra: Any
    ) -> None:
        """The next `times` calls of `method` (a method id such as `calendar.events.list`, or a
        pattern: `calendar.events.*`, `*`) fail with `status` and Google's `reason`. `extra`:
        the control API's other fields (`delay_ms`, `message`, `error`)."""
        body = {"method": method, "status": status, "reason": reason, "times": times, **extra}
        control(self.base_url, "faults", body)

    def clear_faults(self) -> None:
        control(self.base_url, "faults", method="DELETE")

    def add_account(self, email: str) -> None:
        control(self.base_url, "accounts", {"email": email})

    def expire_access_tokens(self) -> None:
        control(self.base_url, "expire-access-tokens", {})

    def reset(self, seed: str = "demo") -> None:
        """Fresh seed data, no faults, no latency (tokens issued before no longer work)."""
        control(self.base_url, "reset", {"seed": seed})
        self._services.clear()
