"""Access tokens of connected accounts: refreshed before they expire (one refresh for any
number of concurrent callers), a 401 refreshed once, invalid_grant marks the account for
reconnection. Every call to Google for an account goes through `call_google`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from calendar_api.google import oauth
from calendar_api.google.errors import AccessTokenRejected, ReauthRequired
from calendar_api.models import Calendar, GoogleAccount, WatchChannel
from calendar_api.services.webhooks import reconnect_recorded

logger = logging.getLogger(__name__)
T = TypeVar("T")


def account_access_token(*, account: GoogleAccount, rejected: str = "") -> str:
    """A usable access token, refreshed first when it is (about to be) expired, or when Google
    just rejected `rejected`. Concurrent callers make one refresh call: the row is locked and
    the expiry re-checked under the lock."""
    if not rejected and account.status == account.Status.ACTIVE and not account.is_expired():
        return account.access_token
    try:
        token = _refresh_locked(account.pk, rejected)
    except ReauthRequired:
        account_mark_reconnect(account=account)
        raise
    account.refresh_from_db()
    return token


@transaction.atomic
def _refresh_locked(account_id: int, rejected: str) -> str:
    locked = GoogleAccount.objects.select_for_update().filter(pk=account_id).first()
    if locked is None or locked.status != GoogleAccount.Status.ACTIVE:
        raise ReauthRequired()  # disconnected meanwhile, or already marked
    current = locked.access_token
    if not locked.is_expired() and current and current != rejected:
        return current  # someone else refreshed while we waited for the lock
    if not locked.refresh_token:
        raise ReauthRequired("No refresh token is stored; please connect again.")
    grant = oauth.refresh(refresh_token=locked.refresh_token)
    locked.access_token = grant.access_token
    locked.access_token_expires_at = grant.expires_at
    locked.save(update_fields=["access_token_encrypted", "access_token_expires_at", "updated_at"])
    return grant.access_token


def call_google(*, account: GoogleAccount, call: Callable[[str], T]) -> T:
    """Run `call(access_token)`. On a 401, refresh once and replay; a second 401 means the
    grant is gone (Google's guide: refresh once, then ask the user to re-consent)."""
    token = account_access_token(account=account)
    try:
        return call(token)
    except AccessTokenRejected:
        token = account_access_token(account=account, rejected=token)
    try:
        return call(token)
    except AccessTokenRejected as exc:
        account_mark_reconnect(account=account)
        raise ReauthRequired() from exc


def account_mark_reconnect(*, account: GoogleAccount) -> None:
    """Google refused the grant: stop using it until the user connects again. The first time,
    the user's webhook endpoints are told (connection.reconnect_required)."""
    with transaction.atomic():
        active = GoogleAccount.objects.filter(pk=account.pk, status=GoogleAccount.Status.ACTIVE)
        if active.update(status=GoogleAccount.Status.RECONNECT_REQUIRED):
            reconnect_recorded(account=account)
        _stop_using(account)
    account.status = GoogleAccount.Status.RECONNECT_REQUIRED
    logger.warning("Google account %s needs to be reconnected", account.pk)


def _stop_using(account: GoogleAccount) -> None:
    GoogleAccount.objects.filter(pk=account.pk).update(
        status=GoogleAccount.Status.RECONNECT_REQUIRED,
        access_token_encrypted="",
        updated_at=timezone.now(),
    )
    WatchChannel.objects.filter(calendar__account=account, stopped_at=None).update(
        stopped_at=timezone.now()
    )
    Calendar.objects.filter(account=account).update(sync_requested=False)
