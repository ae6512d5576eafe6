"""Our own error types for everything that can go wrong with Google.

Each carries the HTTP status and the stable `code` the API answers with, so the HTTP layer maps
them without knowing Google, and says whether the same call may succeed later (`retryable`:
Google unavailable, rate-limited or out of quota) or never will as it stands (`permanent`:
bad input, forbidden, gone, stale, a grant to renew by consent). Handling follows Google's
guide (https://developers.google.com/calendar/api/guides/errors).
"""

from __future__ import annotations


class GoogleError(Exception):
    status_code = 502
    code = "google_error"
    default_message = "Google answered with an error."
    retryable = False

    @property
    def permanent(self) -> bool:
        return not self.retryable

    def __init__(self, message: str = "", *, retry_after: int | None = None) -> None:
        self.message = message or self.default_message
        self.retry_after = retry_after
        super().__init__(self.message)


class GoogleUnavailable(GoogleError):
    """5xx, a timeout or a connection failure: worth retrying later."""

    status_code = 503
    code = "google_unavailable"
    default_message = "Google is unavailable right now; please try again shortly."
    retryable = True


class GoogleBadResponse(GoogleError):
    status_code = 502
    code = "google_bad_response"
    default_message = "Google sent a response we could not understand."
    retryable = True


class InvalidGrant(GoogleError):
    """The code or refresh token is expired, used or revoked (`invalid_grant`)."""

    status_code = 400
    code = "invalid_grant"
    default_message = "The authorization code is invalid, expired or already used."


class ReauthRequired(GoogleError):
    """The stored grant no longer works: the user must connect again."""

    status_code = 401
    code = "reconnect_required"
    default_message = "Google no longer accepts this connection; please connect again."

    def __init__(self, message: str = "", *, google_reason: str = "") -> None:
        super().__init__(message)
        # Google's own words for the refusal (the token endpoint's error_description, e.g.
        # "Token has been expired or revoked."): stored with the account, shown to its user.
        self.google_reason = google_reason


class AccessTokenRejected(GoogleError):
    """A 401 from the API: refresh once, then ReauthRequired."""

    status_code = 401
    code = "access_token_rejected"


class RateLimited(GoogleError):
    """429, or 403 rateLimitExceeded / userRateLimitExceeded: back off and retry."""

    status_code = 429
    code = "google_rate_limited"
    default_message = "Google is rate-limiting requests; please retry later."
    retryable = True


class QuotaExceeded(GoogleError):
    """403 quotaExceeded: the daily quota is spent; pause the account."""

    status_code = 503
    code = "google_quota_exceeded"
    default_message = "The Google Calendar quota is exhausted; please retry later."
    retryable = True


class SyncTokenExpired(GoogleError):
    """410 fullSyncRequired: wipe and sync in full."""

    status_code = 409
    code = "sync_token_expired"


class GoogleNotFound(GoogleError):
    status_code = 404
    code = "not_found"
    default_message = "Not found at Google."


class GoogleGone(GoogleError):
    status_code = 410
    code = "gone"
    default_message = "The resource was deleted at Google."


class GoogleConflict(GoogleError):
    status_code = 409
    code = "conflict"
    default_message = "The identifier already exists at Google."


class PreconditionFailed(GoogleError):
    """412: the etag we sent is stale; someone changed the resource."""

    status_code = 412
    code = "precondition_failed"
    default_message = "The event was changed elsewhere; reload it and try again."


class GoogleForbidden(GoogleError):
    status_code = 403
    code = "google_forbidden"
    default_message = "Google refused this request."


class GoogleBadRequest(GoogleError):
    status_code = 400
    code = "google_bad_request"
    default_message = "Google rejected the request as invalid."


class ScopeMissing(GoogleError):
    """The account's grant lacks the part of access a call needs (google/scopes.py): the
    person unticked it on Google's consent page, or Google answered 403
    ACCESS_TOKEN_SCOPE_INSUFFICIENT. `part` names it (e.g. "events_write"), `scope` the
    narrowest scope that grants it, which "Grant access" asks for. Permanent until granted."""

    status_code = 403
    code = "scope_missing"

    MESSAGES = {
        "events_write": "This account is read-only: Google did not grant the app permission to "
        "change events ({scope}). Grant access to write.",
        "events_read": "Events are not available for this account: Google granted the app "
        "free/busy only, not its events ({scope}).",
        "calendar_list": "Only the primary calendar is available: Google did not grant the "
        "app the list of calendars ({scope}).",
        "free_busy": "Free/busy is not available from Google for this calendar: the app was "
        "not granted it ({scope}).",
    }

    def __init__(self, part: str, scope: str, message: str = "") -> None:
        self.part = part
        self.scope = scope
        template = self.MESSAGES.get(part, "Google did not grant {scope}.")
        super().__init__(message or template.format(scope=scope))
