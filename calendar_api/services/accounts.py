"""Connecting Google accounts to users, keeping their tokens fresh, and disconnecting them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from calendar_api.crypto import TokenDecryptionError
from calendar_api.exceptions import AccountLinkedElsewhere, ScopeNotGranted
from calendar_api.google import oauth
from calendar_api.google.errors import (
    AccessTokenRejected,
    GoogleBadResponse,
    GoogleError,
    ReauthRequired,
)
from calendar_api.models import Calendar, GoogleAccount, WatchChannel

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Connection:
    account: GoogleAccount
    primary: Calendar


def account_connect(
    *, user: AbstractBaseUser | AnonymousUser, code: str, code_verifier: str
) -> Connection:
    """Exchange the code, check what was granted, store the account and sync its primary
    calendar, all in one transaction: a failure at any step links nothing."""
    from calendar_api.services.calendars import calendars_refresh
    from calendar_api.services.sync import calendar_sync, sync_after_connect

    scope = settings.GOOGLE_CALENDAR_SCOPE
    grant = oauth.exchange_code(code=code, code_verifier=code_verifier, calendar_scope=scope)
    if scope not in grant.scopes:
        _revoke_quietly(grant.access_token)
        raise ScopeNotGranted()
    if grant.identity is None:
        raise GoogleBadResponse("Google's token response had no id_token.")
    with transaction.atomic():
        account = _store_account(user=user, grant=grant, identity=grant.identity)
        calendars_refresh(account=account)
        primary = account.calendars.get(primary=True)
        calendar_sync(calendar=primary)
        transaction.on_commit(lambda: sync_after_connect(account_id=account.pk))
    return Connection(account=account, primary=primary)


def _revoke_quietly(token: str) -> None:
    with contextlib.suppress(GoogleError):  # nothing is stored for this grant either way
        oauth.revoke(token=token)


def _store_account(
    *, user: AbstractBaseUser | AnonymousUser, grant: oauth.TokenGrant, identity: oauth.Identity
) -> GoogleAccount:
    account = GoogleAccount.objects.select_for_update().filter(sub=identity.sub).first()
    if account is None:
        owner: Any = user if user.is_authenticated else _new_user(identity.email)
        account = GoogleAccount(user=owner, sub=identity.sub)
    elif user.is_authenticated and account.user_id != user.pk:
        raise AccountLinkedElsewhere()
    account.email = identity.email
    account.scopes = sorted(grant.scopes)
    account.status = GoogleAccount.Status.ACTIVE
    account.paused_until = None
    account.access_token = grant.access_token
    account.access_token_expires_at = grant.expires_at
    if grant.refresh_token:  # Google resends it only on first consent: never erase the old one
        account.refresh_token = grant.refresh_token
    account.save()
    return account


def _new_user(email: str) -> AbstractBaseUser:
    user_model = get_user_model()
    username = email
    suffix = 1
    while user_model.objects.filter(username=username).exists():
        suffix += 1
        username = f"{email}+{suffix}"
    user = user_model(username=username, email=email)
    user.set_unusable_password()
    user.save()
    return user


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
    """Google refused the grant: stop using it until the user connects again."""
    GoogleAccount.objects.filter(pk=account.pk).update(
        status=GoogleAccount.Status.RECONNECT_REQUIRED,
        access_token_encrypted="",
        updated_at=timezone.now(),
    )
    WatchChannel.objects.filter(calendar__account=account, stopped_at=None).update(
        stopped_at=timezone.now()
    )
    Calendar.objects.filter(account=account).update(sync_requested=False)
    account.status = GoogleAccount.Status.RECONNECT_REQUIRED
    logger.warning("Google account %s needs to be reconnected", account.pk)


def account_disconnect(*, account: GoogleAccount) -> None:
    """Stop push channels, revoke the grant at Google, delete tokens and stored events.

    The local part always happens: an unreachable Google only skips the remote clean-up.
    """
    from calendar_api.services.watches import channels_stop_all

    channels_stop_all(account=account)
    token = ""
    with contextlib.suppress(TokenDecryptionError):
        token = account.refresh_token or account.access_token
    if token:
        try:
            oauth.revoke(token=token)
        except GoogleError:
            logger.warning("Could not revoke the grant of account %s at Google", account.pk)
    with transaction.atomic():
        # Lock the calendars first: a sync writing one of them finishes before we collect its
        # rows (or finds it gone). Without the lock, a sync committing rows between our event
        # and calendar deletes made this delete fail on a foreign key (PostgreSQL).
        list(Calendar.objects.select_for_update().filter(account=account).values_list("pk"))
        account.delete()
