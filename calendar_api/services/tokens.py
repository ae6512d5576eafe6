"""Access tokens of connected accounts: refreshed before they expire (one refresh for any
number of concurrent callers), a 401 refreshed once, invalid_grant marks the account for
reconnection. Every call to Google for an account goes through the client `google_for`
gives."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from calendar_api import signals
from calendar_api.google import oauth, scopes
from calendar_api.google.client import GoogleClient
from calendar_api.google.errors import AccessTokenRejected, ReauthRequired, ScopeMissing
from calendar_api.models import Calendar, GoogleAccount, WatchChannel
from calendar_api.webhooks.services import reconnect_recorded

logger = logging.getLogger(__name__)
# Why an account needs reconnecting (the `reason` of the reconnect_required signal).
GRANT_REFUSED = "grant_refused"  # Google refused to renew the access token (invalid_grant)
ACCESS_REJECTED = "token_rejected"  # Google rejected an access token it had just renewed
REASON_WORDS = {
    GRANT_REFUSED: "Google refused to renew the access (invalid_grant).",
    ACCESS_REJECTED: "Google rejected an access token it had just issued.",
}


def account_access_token(*, account: GoogleAccount, rejected: str = "") -> str:
    """A usable access token, refreshed first when it is (about to be) expired, or when Google
    just rejected `rejected`. Concurrent callers make one refresh call: the row is locked and
    the expiry re-checked under the lock."""
    if not rejected and account.status == account.Status.ACTIVE and not account.is_expired():
        return account.access_token
    try:
        token = _refresh_locked(account.pk, rejected)
    except ReauthRequired as exc:
        account_mark_reconnect(account=account, detail=exc.google_reason)
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


class AccountTokens:
    """An account's access token for its GoogleClient (google.client.Tokens).

    On the thread that made it, a renewal is the locked, stored refresh of
    `account_access_token`. On another thread (a sync fetches its next page on one while its
    own thread holds the write transaction, which on SQLite locks the whole database) the
    renewal asks Google only, and the new token is stored when the client is done with
    (`store_pending`): the sync's writes and the renewal never wait for each other."""

    def __init__(self, account: GoogleAccount) -> None:
        self.account = account
        self.owner = threading.get_ident()
        self.pending: oauth.TokenGrant | None = None
        self.lock = threading.Lock()

    def current(self) -> tuple[str, dt.datetime | None]:
        with self.lock:
            if self.pending is not None:
                return self.pending.access_token, self.pending.expires_at
        token = account_access_token(account=self.account)
        return token, self.account.access_token_expires_at

    def renew(self, rejected: str) -> tuple[str, dt.datetime]:
        with self.lock:
            if threading.get_ident() == self.owner:
                token = account_access_token(account=self.account, rejected=rejected)
                expires = self.account.access_token_expires_at or timezone.now()
                return token, expires
            if self.pending is None or self.pending.access_token == rejected:
                self.pending = oauth.refresh(refresh_token=self.account.refresh_token)
            return self.pending.access_token, self.pending.expires_at

    def store_pending(self) -> None:
        grant, self.pending = self.pending, None
        if grant is None:
            return
        account = self.account
        account.access_token = grant.access_token
        account.access_token_expires_at = grant.expires_at
        GoogleAccount.objects.filter(pk=account.pk, status=GoogleAccount.Status.ACTIVE).update(
            access_token_encrypted=account.access_token_encrypted,
            access_token_expires_at=grant.expires_at,
            updated_at=timezone.now(),
        )


@contextlib.contextmanager
def google_for(account: GoogleAccount) -> Iterator[GoogleClient]:
    """The account's Google client for the calls in the `with` block. A grant Google no longer
    accepts (a second 401, or invalid_grant on renewal) marks the account for reconnection
    and raises ReauthRequired (Google's guide: refresh once, then ask the user to
    re-consent); a token renewed on another thread is stored on the way out."""
    tokens = AccountTokens(account)
    try:
        yield GoogleClient(tokens, user=account.sub)
    except ScopeMissing as exc:  # Google: 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT
        account_scope_lost(account=account, part=exc.part)
        raise
    except (AccessTokenRejected, ReauthRequired) as exc:
        tokens.pending = None
        rejected = isinstance(exc, AccessTokenRejected)
        account_mark_reconnect(
            account=account,
            reason=ACCESS_REJECTED if rejected else GRANT_REFUSED,
            detail=getattr(exc, "google_reason", ""),
        )
        if isinstance(exc, ReauthRequired):
            raise
        raise ReauthRequired() from exc
    finally:
        tokens.store_pending()


def account_scope_lost(*, account: GoogleAccount, part: str) -> None:
    """Google refused a call for want of a scope the account's stored grant lists: from now
    on the account is treated as granted without that part (read-only, primary only, ...),
    as if the person had unticked it, until they grant it again. The first time, the
    `scope_missing` signal is sent (on commit)."""
    remaining = scopes.without_part(account.scopes, part)
    if remaining == sorted(account.scopes):
        return  # known already (or the product's own check, before asking Google)
    with transaction.atomic():
        GoogleAccount.objects.filter(pk=account.pk).update(
            scopes=remaining, updated_at=timezone.now()
        )
        account.scopes = remaining
        signals.send_on_commit(
            signals.scope_missing,
            GoogleAccount,
            user=account.user,
            account=account,
            email=account.email,
            missing=frozenset({scopes.ASK_FOR[part]}),
            refused=False,
        )
    logger.warning("Google account %s lacks the scope for %s", account.pk, part)


def account_mark_reconnect(
    *, account: GoogleAccount, reason: str = GRANT_REFUSED, detail: str = ""
) -> None:
    """Google refused the grant: stop using it until the user connects again. The first time,
    the user's webhook endpoints are told (connection.reconnect_required), the
    `reconnect_required` signal is sent (on commit) with `reason`, and the account keeps
    `detail` (Google's words) or the reason's own as its `reconnect_reason`."""
    words = (detail or REASON_WORDS.get(reason, reason))[:255]
    with transaction.atomic():
        active = GoogleAccount.objects.filter(pk=account.pk, status=GoogleAccount.Status.ACTIVE)
        if active.update(status=GoogleAccount.Status.RECONNECT_REQUIRED, reconnect_reason=words):
            account.reconnect_reason = words
            reconnect_recorded(account=account)
            signals.send_on_commit(
                signals.reconnect_required,
                GoogleAccount,
                user=account.user,
                account=account,
                reason=reason,
            )
        _stop_using(account)
        account.status = GoogleAccount.Status.RECONNECT_REQUIRED  # as receivers will see it
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
