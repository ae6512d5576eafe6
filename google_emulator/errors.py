"""Google's error bodies, as the Calendar API and the OAuth endpoints send them."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

# Default (domain, message) for each reason Google uses, so a fault needs only a status/reason.
REASONS: dict[str, tuple[str, str]] = {
    "authError": ("global", "Invalid Credentials"),
    "insufficientPermissions": ("global", "Insufficient Permission"),
    "rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded"),
    "userRateLimitExceeded": ("usageLimits", "User Rate Limit Exceeded"),
    "quotaExceeded": ("usageLimits", "Calendar usage limits exceeded."),
    "notFound": ("global", "Not Found"),
    "duplicate": ("global", "The requested identifier already exists."),
    "deleted": ("global", "Resource has been deleted"),
    "fullSyncRequired": ("global", "Sync token is no longer valid, a full sync is required."),
    "updatedMinTooLongAgo": (
        "global",
        "The requested minimum modification time lies too far in the past.",
    ),
    "conditionNotMet": ("global", "Precondition Failed"),
    "invalid": ("global", "Invalid Value"),
    "required": ("global", "Required"),  # without credentials: "Login Required" (oauth.py)
    "timeRangeEmpty": ("calendar", "The specified time range is empty."),
    "badRequest": ("global", "Bad Request"),
    "backendError": ("global", "Backend Error"),
    "internalError": ("global", "Internal Error"),
    "requiredAccessLevel": ("calendar", "You need to have writer access to this calendar."),
    "cannotDeletePrimaryCalendar": ("calendar", "Cannot delete primary calendar."),
    "cannotRemovePrimaryCalendar": ("calendar", "Cannot remove primary calendar."),
    "cannotChangeOwnAcl": ("calendar", "Cannot change your own access level."),
    "forbiddenForNonOrganizer": (
        "calendar",
        "Shared properties can only be changed by the organizer of the event.",
    ),
}

DEFAULT_REASON = {
    400: "badRequest",
    401: "authError",
    403: "rateLimitExceeded",
    404: "notFound",
    409: "duplicate",
    410: "fullSyncRequired",
    412: "conditionNotMet",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}


class GoogleError(Exception):
    """Raised by handlers; rendered as Google's JSON error body."""

    def __init__(
        self,
        status: int,
        reason: str | None = None,
        message: str | None = None,
        *,
        location: str | None = None,
        location_type: str = "parameter",
        retry_after: int | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after  # seconds, sent as Retry-After (RFC 9110 10.2.3)
        self.reason = reason or DEFAULT_REASON.get(status, "backendError")
        domain, default_message = REASONS.get(self.reason, ("global", "Error"))
        self.domain = domain
        self.message = message or default_message
        self.location = location
        self.location_type = location_type
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "domain": self.domain,
            "reason": self.reason,
            "message": self.message,
        }
        if self.location:
            item["locationType"] = self.location_type
            item["location"] = self.location
        return {
            "error": {
                "errors": [item],
                "code": self.status,
                "message": self.message,
                "status": STATUS_NAMES.get(self.status, "UNKNOWN"),
            }
        }

    def response(self) -> Response:
        headers = (
            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
            if self.status == 401
            else {}
        )
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return json_response(self.body(), self.status, headers=headers)


class InsufficientScope(GoogleError):
    """A token without any scope the method accepts. Google's answer (as seen from the
    Calendar API, e.g. googleapis/google-api-python-client#1296): 403 PERMISSION_DENIED,
    "Request had insufficient authentication scopes.", reason insufficientPermissions, an
    ErrorInfo detail ACCESS_TOKEN_SCOPE_INSUFFICIENT naming the method, and a
    `WWW-Authenticate: Bearer ... error="insufficient_scope"` header (RFC 6750 section 3.1)."""

    def __init__(self, method_id: str) -> None:
        super().__init__(403, "insufficientPermissions", "Insufficient Permission")
        self.method_id = method_id

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["error"]["message"] = "Request had insufficient authentication scopes."
        body["error"]["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "calendar-json.googleapis.com",
                    "method": _rpc_method(self.method_id),
                },
            }
        ]
        return body

    def response(self) -> Response:
        challenge = 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"'
        return json_response(self.body(), 403, headers={"WWW-Authenticate": challenge})


def _rpc_method(method_id: str) -> str:
    """`calendar.events.list` -> `calendar.v3.Events.List`, as Google's ErrorInfo names it."""
    api, *rest = method_id.split(".")
    return ".".join([api, "v3", *(part[:1].upper() + part[1:] for part in rest)])


class OAuthError(Exception):
    """An OAuth endpoint error: `{"error": ..., "error_description": ...}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(description)

    def response(self) -> Response:
        return json_response(
            {"error": self.error, "error_description": self.description}, self.status
        )


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, indent=1),
        status=status,
        headers=headers or {},
        content_type="application/json; charset=UTF-8",
    )
