"""The Calendar service and its connections, shared: the service is built from the discovery
document once per process (and endpoint), not per call, since building it makes every method
of the resource and costs milliseconds of CPU. Each request it makes runs on an account's
credentials over one of the process's open connections (a pool of `httplib2.Http`, each
taken by one request at a time: httplib2 objects are not thread-safe, and a sync may read its
next page on another thread than the one that made the request).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document


@cache
def _discovery_document() -> dict[str, Any]:
    """Calendar v3's discovery document, as shipped inside google-api-python-client."""
    path = resources.files("googleapiclient") / "discovery_cache/documents/calendar.v3.json"
    return dict(json.loads(path.read_text()))


class _NoHttp:
    """The shared service's own http: a request must be bound to an account's first."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("A Calendar request was run without an account's credentials.")


@lru_cache(maxsize=8)
def _collection(endpoint: str, name: str) -> Any:
    """One collection (`events`, `calendarList`, ...) of the Calendar service at `endpoint`,
    built once per process; it only builds requests, which is safe from any thread."""
    service = build_from_document(
        _discovery_document(), http=_NoHttp(), client_options={"api_endpoint": endpoint}
    )
    return getattr(service, name)()


class _Connections:
    """The process's connections to Google: an `httplib2.Http` is taken for one request and
    given back after it, so each is used by one thread at a time (httplib2 is not
    thread-safe) and its open connection serves the next request, whatever thread or
    account makes it. A sync reads its later pages on a thread of its own, so a pool per
    thread would open a connection per sync."""

    KEEP = 64  # idle objects kept; more than the requests a process has in flight

    def __init__(self) -> None:
        self._free: list[httplib2.Http] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def one(self, timeout: int) -> Iterator[httplib2.Http]:
        with self._lock:
            http = self._free.pop() if self._free else None
        if http is None or http.timeout != timeout:
            http = httplib2.Http(timeout=timeout)
        yield http  # not given back after an error: its connection may be half-used
        with self._lock:
            if len(self._free) < self.KEEP:
                self._free.append(http)


_connections = _Connections()


class AccountHttp:
    """An account's credentials over one of the process's connections:
    google-auth's `AuthorizedHttp` adds the token, renews it before a request when it has
    expired, and after a 401 once, replaying only that HTTP request."""

    def __init__(self, credentials: Credentials, timeout: int) -> None:
        self.credentials, self.timeout = credentials, timeout

    def request(self, uri: str, method: str = "GET", **kwargs: Any) -> Any:
        with _connections.one(self.timeout) as http:
            authorized = google_auth_httplib2.AuthorizedHttp(
                self.credentials,
                http=http,
                refresh_status_codes=(401,),
                max_refresh_attempts=1,  # Google's guide: refresh once, then ask to re-consent
            )
            return authorized.request(uri, method, **kwargs)


class _Bound:
    """A shared collection whose requests run on one account's http."""

    def __init__(self, collection: Any, http: AccountHttp) -> None:
        self._collection, self._http = collection, http

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._collection, name)

        def bound(*args: Any, **kwargs: Any) -> Any:
            request = method(*args, **kwargs)
            if request is not None:  # list_next's None: no more pages
                request.http = self._http
            return request

        return bound


class Service:
    """The collections of the shared service, their requests bound to one account's http."""

    def __init__(self, endpoint: str, http: AccountHttp) -> None:
        self.endpoint, self.http = endpoint, http

    def _bound(self, name: str) -> Any:
        return _Bound(_collection(self.endpoint, name), self.http)

    def events(self) -> Any:
        return self._bound("events")

    def calendarList(self) -> Any:
        return self._bound("calendarList")

    def calendars(self) -> Any:
        return self._bound("calendars")

    def channels(self) -> Any:
        return self._bound("channels")

    def freebusy(self) -> Any:
        return self._bound("freebusy")
