"""Personal API tokens for non-browser clients: `Authorization: Bearer gcal_...`."""

from __future__ import annotations

from typing import Any

from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from calendar_api.models import ApiTokenDetails


class ApiTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """knox's hashed, expiring tokens. No session, so no CSRF for token-authenticated calls.
    A use is recorded (at most once a minute); a token that is not printable ASCII is refused
    before any lookup."""

    def authenticate_credentials(self, token: bytes) -> Any:
        if not token.isascii() or not token.decode().isprintable():
            raise exceptions.AuthenticationFailed("Invalid token.")
        user, auth_token = super().authenticate_credentials(token)
        from calendar_api.services.api_tokens import api_token_used

        api_token_used(token=auth_token)
        return user, auth_token


class TokenScopeAllows(BasePermission):
    """A `read` token may only read; session and `read-write` token requests pass."""

    message = "This API token is read-only: use a read-write token to change anything."
    code = "insufficient_scope"

    def has_permission(self, request: Any, view: Any) -> bool:
        details = getattr(request.auth, "details", None) if request.auth is not None else None
        if not isinstance(details, ApiTokenDetails):
            return True
        return details.allows(request.method)
