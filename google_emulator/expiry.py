"""Refresh tokens that stop working, as Google's do.

Google's "Using OAuth 2.0 to Access Google APIs" page, section "Refresh token expiration"
(https://developers.google.com/identity/protocols/oauth2#expiration): a refresh token stops
working when the user revokes the app's access, when it has not been used for six months,
when the user changes their password (for tokens with Gmail scopes), when the account holds
more than 100 live tokens for the client (the oldest goes; `state.issue_refresh_token`), and,
for an app whose OAuth consent screen is in "Testing" publishing status, seven days after it
was issued, unless the only scopes asked were a subset of name, email address and profile.
The token endpoint then answers `400 {"error": "invalid_grant", "error_description": "Token has
been expired or revoked."}`, whatever the cause.

The emulator's setting: `--publishing-status testing` (or the control API's
`POST /__emulator__/refresh-tokens {"publishing_status": "testing"}`) gives refresh tokens
that seven-day life; `{"max_age_seconds": N}` any other; `{"expire": EMAIL}` ends an account's
refresh tokens now (a password change, or a revocation seen from Google's side).
"""

from __future__ import annotations

from dataclasses import dataclass

TESTING_MAX_AGE = 7 * 24 * 3600.0
EXPIRED = "Token has been expired or revoked."
# Scopes whose grants do not expire in "Testing" status: name, email address and profile.
IDENTITY_SCOPES = frozenset(
    (
        "openid",
        "email",
        "profile",
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/userinfo.profile",
    )
)
STATUSES = ("production", "testing")


@dataclass
class RefreshExpiry:
    max_age: float = 0.0  # seconds a refresh token lives (0: until revoked)
    default_max_age: float = 0.0  # what a reset goes back to (the command line's)

    @classmethod
    def for_status(cls, status: str) -> RefreshExpiry:
        age = TESTING_MAX_AGE if status == "testing" else 0.0
        return cls(age, age)

    def expired(self, created_at: float, scopes: list[str], now: float) -> bool:
        if self.max_age <= 0 or set(scopes) <= IDENTITY_SCOPES:
            return False
        return now - created_at >= self.max_age

    def as_dict(self) -> dict[str, object]:
        status = "testing" if self.max_age == TESTING_MAX_AGE else "production"
        return {
            "max_age_seconds": self.max_age,
            "publishing_status": status if self.max_age in (0.0, TESTING_MAX_AGE) else "custom",
        }
