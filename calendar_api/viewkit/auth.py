"""Personal API tokens for non-browser clients: `Authorization: Bearer gcal_...`."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from calendar_api.db.prepared import Prepared
from calendar_api.models import ApiTokenDetails


class ApiTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """knox's hashed, expiring tokens. No session, so no CSRF for token-authenticated calls.

    The lookup is knox's (candidates by the token's key prefix, then a constant-time digest
    comparison; an expired token is deleted and refused), in one query that also reads the
    user and the token's details; knox's sweep of the user's other expired tokens on every
    request is left to the scheduler's daily housekeeping. A use is recorded at most once a
    minute. A token that is not printable ASCII is refused before any lookup."""

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"  # the app's own, whatever the host's REST_KNOX says

    def authenticate_credentials(self, token: bytes) -> Any:
        if not token.isascii() or not token.decode().isprintable():
            raise exceptions.AuthenticationFailed("Invalid token.")
        text = token.decode()
        for auth_token in TOKENS.rows([text[: CONSTANTS.TOKEN_KEY_LENGTH]]):
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error) as exc:
                raise exceptions.AuthenticationFailed("Invalid token.") from exc
            if compare_digest(digest, auth_token.digest):
                details = getattr(auth_token, "details", None)
                if isinstance(details, ApiTokenDetails):  # knox tokens made elsewhere have none
                    details.record_use()
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed("Invalid token.")


# The read of every token-authenticated request, compiled once (see prepared.py): the ORM
# building its SQL took most of the 1.9 ms it took in a request here.
TOKENS = Prepared(
    lambda shape, key: AuthToken.objects.filter(token_key=key).select_related("user", "details")
)


class TokenScopeAllows(BasePermission):
    """A `read` token may only read; session and `read-write` token requests pass."""

    message = "This API token is read-only: use a read-write token to change anything."
    code = "insufficient_scope"

    def has_permission(self, request: Any, view: Any) -> bool:
        details = getattr(request.auth, "details", None) if request.auth is not None else None
        if not isinstance(details, ApiTokenDetails):
            return True
        return details.allows(request.method)
