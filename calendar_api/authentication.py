"""Personal API tokens for non-browser clients: `Authorization: Bearer gcal_...`."""

from __future__ import annotations

from knox.auth import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """knox's hashed, expiring tokens. No session, so no CSRF for token-authenticated calls."""
