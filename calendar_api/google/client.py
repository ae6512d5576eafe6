"""The Calendar v3 client: one object per account, Google's retries, and HttpError mapped to
our errors (each says whether it is worth retrying: `GoogleError.retryable`).

`GoogleClient` is the only way the product calls the Calendar API. It gets its access token
from a `Tokens` source (services/tokens.py stores and renews an account's), and lets
google-auth's own transport renew it: before a request when it has expired, and after a 401
once, replaying only that HTTP request (`AuthorizedHttp` with `max_refresh_attempts=1`); a
second 401 is `AccessTokenRejected`. Nothing the caller does with an answer is ever run twice.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, Protocol

import google_auth_httplib2
import httplib2
from django.conf import settings
from google.auth import exceptions as auth_exceptions
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from calendar_api.google import errors, scopes
from calendar_api.google.config import load_config
from calendar_api.metrics import google_request_count

NUM_RETRIES = 3  # googleapiclient retries 5xx, 429 and 403 rate limits with backoff
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
# A token without the scope a method needs: the ErrorInfo reason of Google's newer error body
# (which the client reads first), and the older `errors[].reason`.
SCOPE_REASONS = {"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"}


@cache
def _discovery_document() -> dict[str, Any]:
    """Calendar v3's discovery document, as shipped inside google-api-python-client."""
    path = resources.files("googleapiclient") / "discovery_cache/documents/calendar.v3.json"
    return dict(json.loads(path.read_text()))


def execute(request: Any) -> Any:
    """Run one API request with Google's recommended retries, raising only our errors."""
    scale = settings.GOOGLE_RETRY_BACKOFF
    if scale != 1:  # googleapiclient sleeps rand() * 2**n seconds between tries
        request._sleep = lambda seconds: time.sleep(seconds * scale)
    method = str(getattr(request, "methodId", "") or "batch")
    try:
        response = request.execute(num_retries=NUM_RETRIES)
    except HttpError as exc:
        google_request_count(method, exc.status_code)
        raise map_http_error(exc, method) from exc
    except (TimeoutError, ConnectionError, httplib2.HttpLib2Error, OSError) as exc:
        google_request_count(method, "unreachable")
        raise errors.GoogleUnavailable() from exc
    except auth_exceptions.RefreshError as exc:  # a renewed token google-auth refused
        raise errors.GoogleBadResponse(str(exc)) from exc
    google_request_count(method, 200)
    return response


# Google's answers by status (https://developers.google.com/calendar/api/guides/errors); a
# 403 or 410 depends on its reason too (see _by_reason), anything else is worth a retry later.
BY_STATUS: dict[int, type[errors.GoogleError]] = {
    400: errors.GoogleBadRequest,
    401: errors.AccessTokenRejected,
    403: errors.GoogleForbidden,
    404: errors.GoogleNotFound,
    409: errors.GoogleConflict,
    410: errors.SyncTokenExpired,
    412: errors.PreconditionFailed,
}


def map_http_error(exc: HttpError, method: str = "") -> errors.GoogleError:
    reasons = {str(d.get("reason")) for d in (exc.error_details or []) if isinstance(d, dict)}
    message = str(exc.reason or "")
    retry_after = _retry_after(exc)
    if exc.status_code == 403 and reasons & SCOPE_REASONS:
        part = scopes.PART_OF_METHOD.get(method, scopes.EVENTS_READ)
        return errors.ScopeMissing(part, scopes.ASK_FOR[part])
    special = _by_reason(exc.status_code, reasons, retry_after, message)
    if special is not None:
        return special
    kind = BY_STATUS.get(exc.status_code)
    if kind is None:
        return errors.GoogleUnavailable(retry_after=retry_after)
    return kind(message)


def _by_reason(
    status: int, reasons: set[str], retry_after: int | None, message: str
) -> errors.GoogleError | None:
    """Rate limits (429, or 403 with a rate-limit reason), a spent quota, a deleted resource."""
    if status == 429 or (status == 403 and reasons & RATE_LIMIT_REASONS):
        return errors.RateLimited(retry_after=retry_after or 30)
    if status == 403 and "quotaExceeded" in reasons:
        return errors.QuotaExceeded(retry_after=retry_after or 3600)
    if status == 410 and "deleted" in reasons:
        return errors.GoogleGone(message)
    return None


def _retry_after(exc: HttpError) -> int | None:
    value = exc.resp.get("retry-after") if exc.resp is not None else None
    return int(value) if value and str(value).isdigit() else None


class Tokens(Protocol):
    """Where a client gets an account's access token (and its expiry, aware UTC, or None)."""

    def current(self) -> tuple[str, dt.datetime | None]: ...

    def renew(self, rejected: str) -> tuple[str, dt.datetime]:
        """A token other than `rejected`, which Google refused or which has expired."""
        ...


class FixedToken:
    """A token that is never renewed: for scripts and benchmarks that hold one."""

    def __init__(self, token: str) -> None:
        self.token = token

    def current(self) -> tuple[str, dt.datetime | None]:
        return self.token, None

    def renew(self, rejected: str) -> tuple[str, dt.datetime]:
        raise errors.AccessTokenRejected("A fixed token cannot be renewed.")


def _naive_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """google-auth compares expiries with a naive UTC clock."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment is not None else None


class GoogleClient:
    """An account's Calendar v3 calls. Each call builds its own service: httplib2 objects are
    not thread-safe, and a sync fetches its next page on a thread of its own."""

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens

    def _service(self) -> Any:
        config = load_config()
        token, expiry = self.tokens.current()
        credentials = Credentials(token=token, expiry=_naive_utc(expiry))

        def renew(request: Any, scopes: Any = None) -> tuple[str, dt.datetime | None]:
            fresh, until = self.tokens.renew(rejected=str(credentials.token or ""))
            return fresh, _naive_utc(until)

        credentials.refresh_handler = renew
        http = google_auth_httplib2.AuthorizedHttp(
            credentials,
            http=httplib2.Http(timeout=config.timeout),
            refresh_status_codes=(401,),
            max_refresh_attempts=1,  # Google's guide: refresh once, then ask to re-consent
        )
        return build_from_document(
            _discovery_document(),
            http=http,
            client_options={"api_endpoint": config.calendar_endpoint},
        )

    # -- reads that page ---------------------------------------------------------------------

    def event_pages(self, calendar_id: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of events.list, one at a time (memory stays flat). The service and its
        token are made now, on the caller's thread; the pages may be read on another."""
        events = self._service().events()
        return _pages(events, events.list(calendarId=calendar_id, maxResults=2500, **params))

    def calendar_list(self) -> Iterator[dict[str, Any]]:
        """Every calendarList entry of the account."""
        calendars = self._service().calendarList()
        for page in _pages(calendars, calendars.list(maxResults=250)):
            yield from page.get("items", [])

    # -- push channels -----------------------------------------------------------------------

    def watch_events(self, calendar_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """events.watch: open a push channel; Google answers with the channel resource."""
        events = self._service().events()
        return dict(execute(events.watch(calendarId=calendar_id, body=body)))

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        channels = self._service().channels()
        execute(channels.stop(body={"id": channel_id, "resourceId": resource_id}))

    # -- events: writes and single reads (the REST API's write path) -------------------------

    def event_get(self, calendar_id: str, event_id: str) -> dict[str, Any]:
        """events.get (cancelled events are returned too)."""
        events = self._service().events()
        return dict(execute(events.get(calendarId=calendar_id, eventId=event_id)))

    def event_instance_at(
        self, calendar_id: str, series_id: str, original_start: str
    ) -> dict[str, Any] | None:
        """The instance of a series that originally starts at `original_start` (RFC 3339, or
        a date for an all-day series), found with events.instances' `originalStart`: Google's
        instance ids are opaque, so an instance is addressed by its series and original
        start."""
        events = self._service().events()
        request = events.instances(
            calendarId=calendar_id,
            eventId=series_id,
            originalStart=original_start,
            showDeleted=True,
        )
        items = execute(request).get("items") or []
        return dict(items[0]) if items else None

    def event_insert(
        self,
        calendar_id: str,
        body: dict[str, Any],
        *,
        send_updates: str | None = None,
        conference: bool = False,
    ) -> dict[str, Any]:
        """events.insert; a client-chosen `id` that already exists answers 409."""
        events = self._service().events()
        params = _write_params(send_updates, conference)
        return dict(execute(events.insert(calendarId=calendar_id, body=body, **params)))

    def event_update(
        self,
        calendar_id: str,
        event_id: str,
        body: dict[str, Any],
        *,
        etag: str,
        partial: bool = False,
        send_updates: str | None = None,
        conference: bool = False,
    ) -> dict[str, Any]:
        """events.update (or events.patch when `partial`), guarded by If-Match: `etag`."""
        events = self._service().events()
        method = events.patch if partial else events.update
        params = _write_params(send_updates, conference)
        request = method(calendarId=calendar_id, eventId=event_id, body=body, **params)
        return dict(execute(_if_match(request, etag)))

    def event_delete(
        self, calendar_id: str, event_id: str, *, etag: str, send_updates: str | None = None
    ) -> None:
        """events.delete, guarded by If-Match: `etag` (410 when it is already deleted)."""
        events = self._service().events()
        params = _write_params(send_updates, False)
        request = events.delete(calendarId=calendar_id, eventId=event_id, **params)
        execute(_if_match(request, etag))

    def freebusy_query(self, body: dict[str, Any]) -> dict[str, Any]:
        """freeBusy.query: `{timeMin, timeMax, timeZone, items: [{id}]}` -> calendar#freeBusy."""
        return dict(execute(self._service().freebusy().query(body=body)))


def _pages(collection: Any, request: Any) -> Iterator[dict[str, Any]]:
    while request is not None:
        page = execute(request)
        yield page
        request = collection.list_next(request, page)


def _if_match(request: Any, etag: str) -> Any:
    """Send the stored etag so a change made meanwhile at Google answers 412."""
    if etag:
        request.headers["If-Match"] = etag
    return request


def _write_params(send_updates: str | None, conference: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"conferenceDataVersion": 1} if conference else {}
    if send_updates:
        params["sendUpdates"] = send_updates
    return params
