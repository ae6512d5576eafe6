"""The API's one error shape, and the exception handler that produces it.

Every error answers `{"error": {"code": "<stable code>", "message": "<for people>",
"status": <http status>}}`; validation errors add `"fields": {"<field>": ["<problem>", ...]}`,
and `scope_missing` (403) adds `"scope"` (the Google scope not granted) and `"access"` (the
part of access it gives: events_write, events_read, calendar_list, free_busy).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from calendar_api.google.errors import GoogleError, ScopeMissing
from calendar_api.parsers import RequestTooLarge

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error with a stable machine-readable code."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "bad_request"
    default_detail = "Bad request."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_detail, self.code)


class EventTypeRestricted(ApiError):
    """A write that the event's type does not allow (Google's eventTypeRestriction)."""

    code = "event_type_restricted"
    default_detail = "This kind of event does not allow that change."


class StateMismatch(ApiError):
    """The redirect's `state` matches no flow in flight in this session (one of the three
    below says why)."""

    code = "state_mismatch"
    default_detail = (
        "The OAuth state is missing, unknown or already used. Start again at "
        "/rest/v1/calendar/init/ on the same host as the redirect URI."
    )


class StateMissing(StateMismatch):
    code = "state_missing"
    default_detail = "The redirect has no OAuth state. Start again at /rest/v1/calendar/init/."


class StateUnknown(StateMismatch):
    code = "state_unknown"
    default_detail = (
        "This session started no sign-in with this OAuth state: it was started on another "
        "host name (localhost and 127.0.0.1 are two), in another browser, before the session "
        "ended, or without cookies. Start again at /rest/v1/calendar/init/ on the same host as "
        "the redirect URI."
    )


class StateUsed(StateMismatch):
    code = "state_used"
    default_detail = (
        "This OAuth state was already used: a sign-in link works once. Start again at "
        "/rest/v1/calendar/init/ if you need to."
    )


class StateExpired(ApiError):
    code = "state_expired"
    default_detail = (
        "The sign-in took too long and expired. Start again at /rest/v1/calendar/init/."
    )


class AccessDenied(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "access_denied"
    default_detail = "Access to Google Calendar was not granted."


class OAuthFailed(ApiError):
    code = "oauth_error"
    default_detail = "Google reported an error during sign-in."


class MissingCode(ApiError):
    code = "missing_code"
    default_detail = "Google's answer had no authorization code."


class ScopeNotGranted(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "scope_not_granted"
    default_detail = (
        "Calendar access was not granted. Connect again and tick the box that allows access "
        "to Google Calendar."
    )


class ConnectNotAllowed(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "connect_not_allowed"
    default_detail = "This site does not allow connecting this Google account."


class SignInRequired(ApiError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "sign_in_required"
    default_detail = (
        "Sign in to this site first, then connect Google Calendar: this site does not create "
        "accounts from Google sign-ins."
    )


class AccountLinkedElsewhere(ApiError):
    status_code = status.HTTP_409_CONFLICT
    code = "account_linked_elsewhere"
    default_detail = "This Google account is already connected by another user."


def error_body(code: str, message: str, status_code: int, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status_code, **extra}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, GoogleError):
        return _google_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        return _api_error_response(RequestTooLarge())
    if isinstance(exc, SuspiciousOperation):  # e.g. too many form fields: bad input
        return _api_error_response(exceptions.ParseError(str(exc)[:200]))
    if isinstance(exc, exceptions.APIException):
        return _api_error_response(exc)
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    body = error_body("internal_error", "Something went wrong on our side.", 500)
    return Response(body, status=500)


def _google_error_response(exc: GoogleError) -> Response:
    extra = {"scope": exc.scope, "access": exc.part} if isinstance(exc, ScopeMissing) else {}
    body = error_body(exc.code, exc.message, exc.status_code, **extra)
    response = Response(body, exc.status_code)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def _api_error_response(exc: exceptions.APIException) -> Response:
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body("invalid", "The request is invalid.", exc.status_code, fields=fields)
    else:
        code = getattr(exc, "code", None) or _first_code(exc.get_codes())
        body = error_body(str(code), str(exc.detail), exc.status_code)
    response = Response(body, status=exc.status_code)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        response["Retry-After"] = str(int(wait))
    if auth := getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = auth
    return response


def _first_code(codes: Any) -> str:
    if isinstance(codes, str):
        return codes
    return "error"


def json_handler404(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found.", 404), status=404)


def json_handler500(request: Any) -> JsonResponse:
    return JsonResponse(
        error_body("internal_error", "Something went wrong on our side.", 500), status=500
    )
