"""The Calendar v3 client: one object per account, Google's retries, and HttpError mapped to
our errors (each says whether it is worth retrying: `GoogleError.retryable`).

`GoogleClient` is the only way the product calls the Calendar API. It gets its access token
from a `Tokens` source (services/tokens.py stores and renews an account's), and lets
google-auth's own transport renew it: before a request when it has expired, and after a 401
once, replaying only that HTTP request (`AuthorizedHttp` with `max_refresh_attempts=1`); a
second 401 is `AccessTokenRejected`. Nothing the caller does with an answer is ever run twice.

The service and the connections to Google are shared by the process (google/transport.py).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from typing import Any, Protocol

import httplib2
from google.auth import exceptions as auth_exceptions
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from calendar_api.conf import app_settings
from calendar_api.google import budget, errors, scopes
from calendar_api.google.config import load_config
from calendar_api.google.transport import AccountHttp, Service
from calendar_api.kits.event_types import ALL as EVENT_TYPES
from calendar_api.metrics import google_request_count

NUM_RETRIES = 3  # tries after the first: 5xx, transport failures, 429 and 403 rate limits
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
# A token without the scope a method needs: the ErrorInfo reason of Google's newer error body
# (which the client reads first), and the older `errors[].reason`.
SCOPE_REASONS = {"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"}


def execute(request: Any, *, user: str = "", work: budget.Work | None = None) -> Any:
    """Run one API request, raising only our errors. Each try spends a token of the call
    budget (google/budget.py) as `user` at `work`'s priority (the caller's by default). 5xx
    answers and transport failures are tried again with exponential backoff and jitter;
    rate-limit answers block the budget's bucket for every process (Retry-After, or backoff),
    and the next try waits for it there, as Google's error guide asks."""
    method = str(getattr(request, "methodId", "") or "batch")
    project = load_config().client_id
    work = work or budget.current()
    for attempt in range(NUM_RETRIES + 1):
        budget.spend(project=project, user=user, work=work)
        try:
            return _once(request, method)
        except _TryAgain as again:
            blocked = _rate_limit_applied(again, project, user)
            if attempt == NUM_RETRIES:
                raise again.error from again.__cause__
            if not blocked:  # a 5xx or a transport failure (or no budget): back off here
                _backoff(attempt)
    raise errors.GoogleUnavailable()  # pragma: no cover (the last try returns or raises)


def _rate_limit_applied(again: _TryAgain, project: str, user: str) -> float:
    """Block the budget's bucket for a rate-limit answer; the seconds it is blocked (0: none)."""
    if again.http is None or not isinstance(again.error, errors.RateLimited):
        return 0.0
    reason, retry_after = _reason(again.http), _retry_after(again.http)
    return budget.rate_limited(project=project, user=user, reason=reason, retry_after=retry_after)


class _TryAgain(Exception):
    """A try that may succeed later: a rate limit, a 5xx, a transport failure."""

    def __init__(self, error: errors.GoogleError, http: HttpError | None = None) -> None:
        self.error, self.http = error, http
        super().__init__(str(error))


def _once(request: Any, method: str) -> Any:
    try:
        response = request.execute(num_retries=0)
    except HttpError as exc:
        google_request_count(method, exc.status_code)
        error = map_http_error(exc, method)
        if isinstance(error, errors.RateLimited) or exc.status_code >= 500:
            raise _TryAgain(error, exc) from exc
        raise error from exc
    except (TimeoutError, ConnectionError, httplib2.HttpLib2Error, OSError) as exc:
        google_request_count(method, "unreachable")
        raise _TryAgain(errors.GoogleUnavailable()) from exc
    except auth_exceptions.RefreshError as exc:  # a renewed token google-auth refused
        raise errors.GoogleBadResponse(str(exc)) from exc
    google_request_count(method, 200)
    return response


def _backoff(attempt: int) -> None:
    """Sleep before another try (googleapiclient's schedule: rand() * 2**n seconds). After a
    rate limit the budget's bucket does the waiting instead, for every process."""
    time.sleep(random.random() * 2 ** (attempt + 1) * app_settings.RETRY_BACKOFF)  # noqa: S311


def _reason(exc: HttpError) -> str:
    for detail in exc.error_details or []:
        if isinstance(detail, dict) and detail.get("reason") in RATE_LIMIT_REASONS:
            return str(detail["reason"])
    return "rateLimitExceeded"


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
    """An account's Calendar v3 calls. Each call takes the account's current token; the
    service and the connections are shared by the process (see above)."""

    def __init__(self, tokens: Tokens, *, user: str = "") -> None:
        self.tokens = tokens
        self.user = user  # the Google user (its subject id) whose per-user budget calls spend

    def _execute(self, request: Any) -> Any:
        return execute(request, user=self.user)

    def _service(self) -> Service:
        config = load_config()
        token, expiry = self.tokens.current()
        credentials = Credentials(token=token, expiry=_naive_utc(expiry))

        def renew(request: Any, scopes: Any = None) -> tuple[str, dt.datetime | None]:
            fresh, until = self.tokens.renew(rejected=str(credentials.token or ""))
            return fresh, _naive_utc(until)

        credentials.refresh_handler = renew
        return Service(config.calendar_endpoint, AccountHttp(credentials, config.timeout))

    # -- reads that page ---------------------------------------------------------------------

    def event_pages(self, calendar_id: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of events.list, one at a time (memory stays flat). The service and its
        token are made now, on the caller's thread; the pages may be read on another."""
        events = self._service().events()
        args = {"calendarId": calendar_id, "maxResults": 2500, **params}
        args["eventTypes"] = list(EVENT_TYPES)
        return _token_pages(events.list, args, self.user, budget.current())

    def calendar_list(self) -> Iterator[dict[str, Any]]:
        """Every calendarList entry of the account."""
        calendars = self._service().calendarList()
        for page in _pages(calendars, calendars.list(maxResults=250), self.user, budget.current()):
            yield from page.get("items", [])

    def calendar_get(self, calendar_id: str) -> dict[str, Any]:
        """calendars.get: the Calendar resource (with `workingHours` on a primary calendar of
        a Workspace user, since November 2026)."""
        return dict(self._execute(self._service().calendars().get(calendarId=calendar_id)))

    # -- push channels -----------------------------------------------------------------------

    def watch_events(self, calendar_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """events.watch: open a push channel; Google answers with the channel resource. It
        names the same eventTypes as event_pages, so the channel hears of what the sync lists."""
        events = self._service().events()
        request = events.watch(calendarId=calendar_id, body=body, eventTypes=list(EVENT_TYPES))
        return dict(self._execute(request))

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        channels = self._service().channels()
        self._execute(channels.stop(body={"id": channel_id, "resourceId": resource_id}))

    # -- events: writes and single reads (the REST API's write path) -------------------------

    def event_get(self, calendar_id: str, event_id: str) -> dict[str, Any]:
        """events.get (cancelled events are returned too)."""
        events = self._service().events()
        return dict(self._execute(events.get(calendarId=calendar_id, eventId=event_id)))

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
        items = self._execute(request).get("items") or []
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
        return dict(self._execute(events.insert(calendarId=calendar_id, body=body, **params)))

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
        return dict(self._execute(_if_match(request, etag)))

    def event_delete(
        self, calendar_id: str, event_id: str, *, etag: str, send_updates: str | None = None
    ) -> None:
        """events.delete, guarded by If-Match: `etag` (410 when it is already deleted)."""
        events = self._service().events()
        params = _write_params(send_updates, False)
        request = events.delete(calendarId=calendar_id, eventId=event_id, **params)
        self._execute(_if_match(request, etag))

    def freebusy_query(self, body: dict[str, Any]) -> dict[str, Any]:
        """freeBusy.query: `{timeMin, timeMax, timeZone, items: [{id}]}` -> calendar#freeBusy."""
        return dict(self._execute(self._service().freebusy().query(body=body)))


def _pages(collection: Any, request: Any, user: str, work: budget.Work) -> Iterator[dict[str, Any]]:
    """The pages of a list; `work` is the caller's, as the pages may be read on a thread of
    their own (context variables do not cross threads)."""
    while request is not None:
        page = execute(request, user=user, work=work)
        yield page
        request = collection.list_next(request, page)


def _token_pages(
    method: Any, args: dict[str, Any], user: str, work: budget.Work
) -> Iterator[dict[str, Any]]:
    """Every page of a list call, each asked for with the last page's `nextPageToken`:
    googleapiclient's `list_next` refuses a URL that repeats a parameter ("URL-encoded content
    contains a repeated value"), and `eventTypes` is repeated. `work` as in _pages."""
    request = method(**args)
    while True:
        page = execute(request, user=user, work=work)
        yield page
        token = page.get("nextPageToken")
        if not token:
            return
        request = method(**args, pageToken=token)


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
