"""Personal API tokens: created from a signed-in session only, named, scoped, capped per user.

The token itself is django-rest-knox's AuthToken (hashed, expiring); ApiTokenDetails holds its
name, scope and last use. A token cannot create tokens (the view asks for a session), so
revoking one never leaves a token that it made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from knox.models import AuthToken

from calendar_api.conf import app_settings
from calendar_api.exceptions import ApiError
from calendar_api.models import ApiTokenDetails
from calendar_api.reads.developer import live_tokens

TOKEN_PREFIX = "gcal_"  # noqa: S105  (tells a leaked token's origin to secret scanners)


class TokenLimitReached(ApiError):
    status_code = 409
    code = "token_limit_reached"
    default_detail = "You have as many API tokens as allowed: revoke one first."


@dataclass(frozen=True)
class NewToken:
    token: AuthToken
    secret: str


@transaction.atomic
def api_token_create(*, user: Any, name: str, scope: str) -> NewToken:
    """A new token (its secret is returned once); TokenLimitReached past the per-user cap."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one at a time
    if live_tokens(user=user).count() >= app_settings.API_TOKENS_PER_USER:
        raise TokenLimitReached()
    token, secret = AuthToken.objects.create(
        user=user, expiry=app_settings.API_TOKEN_TTL, prefix=TOKEN_PREFIX
    )
    ApiTokenDetails.objects.create(token=token, name=name, scope=scope)
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: AuthToken) -> None:
    """Revoke the token: the next request that presents it answers 401."""
    token.delete()
