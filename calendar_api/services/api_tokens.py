"""Personal API tokens: created from a signed-in session only, named, scoped, capped per user.

The token itself is django-rest-knox's AuthToken (hashed, expiring); ApiTokenDetails holds its
name, scope and last use. A token cannot create tokens (the view asks for a session), so
revoking one never leaves a token that it made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from calendar_api.exceptions import ApiError
from calendar_api.models import ApiTokenDetails

LAST_USED_PRECISION = dt.timedelta(minutes=1)  # at most one write per token per minute


class TokenLimitReached(ApiError):
    status_code = 409
    code = "token_limit_reached"
    default_detail = "You have as many API tokens as allowed: revoke one first."


@dataclass(frozen=True)
class NewToken:
    token: AuthToken
    secret: str


def live_tokens(*, user: Any) -> Any:
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(live, user=user).select_related("details")


@transaction.atomic
def api_token_create(*, user: Any, name: str, scope: str) -> NewToken:
    """A new token (its secret is returned once); TokenLimitReached past the per-user cap."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one at a time
    if live_tokens(user=user).count() >= settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]:
        raise TokenLimitReached()
    token, secret = AuthToken.objects.create(user=user, expiry=settings.REST_KNOX["TOKEN_TTL"])
    ApiTokenDetails.objects.create(token=token, name=name, scope=scope)
    return NewToken(token=token, secret=secret)


def api_token_used(*, token: AuthToken) -> None:
    """Record a use, at most once a minute per token (no write at all when the details, read
    with the token, show a use within the minute)."""
    now = timezone.now()
    details = getattr(token, "details", None)
    if details is None:  # a knox token made without our details: nothing to record it in
        return
    last = details.last_used_at
    if last is not None and last >= now - LAST_USED_PRECISION:
        return
    ApiTokenDetails.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION),
        token=token,
    ).update(last_used_at=now)
