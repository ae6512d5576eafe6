"""The Calendar v3 client: building the service, retries, and mapping HttpError to our errors."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import google_auth_httplib2
import httplib2
from django.conf import settings
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from calendar_api.google import errors
from calendar_api.google.config import load_config
from calendar_api.operations.metrics import google_request_count

NUM_RETRIES = 3  # googleapiclient retries 5xx, 429 and 403 rate limits with backoff
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


@cache
def _discovery_document() -> dict[str, Any]:
    """Calendar v3's discovery document, as shipped inside google-api-python-client."""
    path = resources.files("googleapiclient") / "discovery_cache/documents/calendar.v3.json"
    return dict(json.loads(path.read_text()))


def calendar_service(access_token: str) -> Any:
    """A Calendar v3 service authorised with the access token (no silent refresh: the caller
    refreshes and stores tokens). httplib2 is not thread-safe, so each call builds its own."""
    config = load_config()
    http = google_auth_httplib2.AuthorizedHttp(
        Credentials(token=access_token),
        http=httplib2.Http(timeout=config.timeout),
        refresh_status_codes=(),  # a 401 reaches us: we refresh and store the new token
    )
    return build_from_document(
        _discovery_document(),
        http=http,
        client_options={"api_endpoint": config.calendar_endpoint},
    )


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
        raise map_http_error(exc) from exc
    except (TimeoutError, ConnectionError, httplib2.HttpLib2Error, OSError) as exc:
        google_request_count(method, "unreachable")
        raise errors.GoogleUnavailable() from exc
    google_request_count(method, 200)
    return response


def map_http_error(exc: HttpError) -> errors.GoogleError:
    status = exc.status_code
    reasons = {d.get("reason") for d in (exc.error_details or []) if isinstance(d, dict)}
    message = str(exc.reason or "")
    retry_after = _retry_after(exc)
    if status == 401:
        return errors.AccessTokenRejected(message)
    if status == 429 or (status == 403 and reasons & RATE_LIMIT_REASONS):
        return errors.RateLimited(retry_after=retry_after or 30)
    if status == 403 and "quotaExceeded" in reasons:
        return errors.QuotaExceeded(retry_after=retry_after or 3600)
    if status == 410:
        gone = "deleted" in reasons
        return errors.GoogleGone(message) if gone else errors.SyncTokenExpired(message)
    simple: dict[int, type[errors.GoogleError]] = {
        400: errors.GoogleBadRequest,
        403: errors.GoogleForbidden,
        404: errors.GoogleNotFound,
        409: errors.GoogleConflict,
        412: errors.PreconditionFailed,
    }
    if status in simple:
        return simple[status](message)
    return errors.GoogleUnavailable(retry_after=retry_after)


def _retry_after(exc: HttpError) -> int | None:
    value = exc.resp.get("retry-after") if exc.resp is not None else None
    return int(value) if value and str(value).isdigit() else None


def iter_event_pages(
    access_token: str, calendar_id: str, **params: Any
) -> Iterator[dict[str, Any]]:
    """Every page of events.list, one at a time (memory stays flat)."""
    events = calendar_service(access_token).events()
    request = events.list(calendarId=calendar_id, maxResults=2500, **params)
    while request is not None:
        page = execute(request)
        yield page
        request = events.list_next(request, page)


def iter_calendar_list(access_token: str) -> Iterator[dict[str, Any]]:
    """Every calendarList entry of the account."""
    calendar_list = calendar_service(access_token).calendarList()
    request = calendar_list.list(maxResults=250)
    while request is not None:
        page = execute(request)
        yield from page.get("items", [])
        request = calendar_list.list_next(request, page)


def watch_events(access_token: str, calendar_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """events.watch: open a push channel; Google answers with the channel resource."""
    service = calendar_service(access_token)
    return dict(execute(service.events().watch(calendarId=calendar_id, body=body)))


def stop_channel(access_token: str, channel_id: str, resource_id: str) -> None:
    service = calendar_service(access_token)
    execute(service.channels().stop(body={"id": channel_id, "resourceId": resource_id}))


# -- events: writes and single reads (the REST API's write path) ------------------------------


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


def event_get(access_token: str, calendar_id: str, event_id: str) -> dict[str, Any]:
    """events.get (cancelled events are returned too)."""
    events = calendar_service(access_token).events()
    return dict(execute(events.get(calendarId=calendar_id, eventId=event_id)))


def event_instance_at(
    access_token: str, calendar_id: str, series_id: str, original_start: str
) -> dict[str, Any] | None:
    """The instance of a series that originally starts at `original_start` (RFC 3339, or a
    date for an all-day series), found with events.instances' `originalStart`: Google's
    instance ids are opaque, so an instance is addressed by its series and original start."""
    events = calendar_service(access_token).events()
    request = events.instances(
        calendarId=calendar_id, eventId=series_id, originalStart=original_start, showDeleted=True
    )
    items = execute(request).get("items") or []
    return dict(items[0]) if items else None


def event_insert(
    access_token: str,
    calendar_id: str,
    body: dict[str, Any],
    *,
    send_updates: str | None = None,
    conference: bool = False,
) -> dict[str, Any]:
    """events.insert; a client-chosen `id` that already exists answers 409 (GoogleConflict)."""
    events = calendar_service(access_token).events()
    params = _write_params(send_updates, conference)
    return dict(execute(events.insert(calendarId=calendar_id, body=body, **params)))


def event_update(
    access_token: str,
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
    events = calendar_service(access_token).events()
    method = events.patch if partial else events.update
    params = _write_params(send_updates, conference)
    request = method(calendarId=calendar_id, eventId=event_id, body=body, **params)
    return dict(execute(_if_match(request, etag)))


def event_delete(
    access_token: str,
    calendar_id: str,
    event_id: str,
    *,
    etag: str,
    send_updates: str | None = None,
) -> None:
    """events.delete, guarded by If-Match: `etag` (410 when it is already deleted)."""
    events = calendar_service(access_token).events()
    params = _write_params(send_updates, False)
    execute(_if_match(events.delete(calendarId=calendar_id, eventId=event_id, **params), etag))


def freebusy_query(access_token: str, body: dict[str, Any]) -> dict[str, Any]:
    """freeBusy.query: `{timeMin, timeMax, timeZone, items: [{id}]}` -> calendar#freeBusy."""
    return dict(execute(calendar_service(access_token).freebusy().query(body=body)))
