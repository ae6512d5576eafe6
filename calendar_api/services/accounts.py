"""Connecting Google accounts to users, and disconnecting them."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from calendar_api import jobs, signals
from calendar_api.adapter import get_adapter
from calendar_api.conf import app_settings
from calendar_api.crypto import TokenDecryptionError
from calendar_api.exceptions import (
    AccountLinkedElsewhere,
    ConnectNotAllowed,
    ScopeNotGranted,
    SignInRequired,
)
from calendar_api.google import oauth, scopes
from calendar_api.google.errors import (
    GoogleBadResponse,
    GoogleError,
)
from calendar_api.models import Calendar, GoogleAccount
from calendar_api.services.calendars import calendars_refresh
from calendar_api.services.event_rows import events_wipe
from calendar_api.services.first_window import WindowFetch, window_fetch_start, window_store
from calendar_api.services.instances import instances_drop
from calendar_api.services.scheduler import tick_is_stale
from calendar_api.services.sync import calendar_sync, sync_request
from calendar_api.services.watches import channels_stop_all, watch_request

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Connection:
    account: GoogleAccount
    primary: Calendar


class ConsentRequired(GoogleError):
    """Google sent no refresh token and none usable is stored: ask again with prompt=consent
    (Google sends a refresh token only at the first consent, or when consent is asked again)."""

    status_code = 502
    code = "refresh_token_missing"
    default_message = "Google sent no refresh token; please connect again and consent."

    def __init__(self, login_hint: str = "") -> None:
        super().__init__()
        self.login_hint = login_hint


def account_connect(
    *,
    user: AbstractBaseUser | AnonymousUser,
    code: str,
    code_verifier: str,
    sync_primary_now: bool = True,
) -> Connection:
    """Exchange the code, check what was granted, then keep the tokens at once (committed,
    as a `connecting` account): Google sends the refresh token only this once, so a failure of
    a later step, or a crash, must not lose it. Then record the calendars, sync the primary one
    and mark the account active, in one transaction: until that succeeds the account is
    neither shown nor synced, and the next connect picks up its refresh token.

    With `sync_primary_now=False` (a person going back to the web page) the primary calendar's
    first sync is queued like the others' instead, so connecting returns at once whatever the
    calendar's size; the page shows the sync's progress. Before it is queued, the weeks the
    person is about to see are stored (services/first_window.py): fetched from Google while
    the calendars are recorded, so the page shows them at once.

    The account is linked to `user` when signed in. Nobody signed in: SignInRequired (before
    anything is exchanged or stored), unless `GOOGLE_CALENDAR_CREATE_USERS` is on, when the
    account's user (created from the Google identity if new) is the one to sign in. The
    adapter (GOOGLE_CALENDAR['ADAPTER']) may refuse the Google account: ConnectNotAllowed, the
    grant revoked, nothing stored."""
    if not user.is_authenticated and not users_from_google():
        raise SignInRequired()
    wanted = scopes.calendar_scopes()
    grant = oauth.exchange_code(code=code, code_verifier=code_verifier, calendar_scopes=wanted)
    if not scopes.parts_granted(grant.scopes) & {scopes.EVENTS_READ, scopes.FREE_BUSY}:
        _revoke_quietly(grant.access_token)  # no Calendar access at all: nothing to keep
        _scope_missing(user=user, grant=grant, missing=frozenset(wanted))
        raise ScopeNotGranted()
    if grant.identity is None:
        raise GoogleBadResponse("Google's token response had no id_token.")
    if not get_adapter().may_connect(user, grant.identity.email):
        _revoke_quietly(grant.access_token)
        raise ConnectNotAllowed()
    account = _keep_grant(user=user, grant=grant, identity=grant.identity)
    window = None
    if not sync_primary_now:
        window = window_fetch_start(account=account, access_token=grant.access_token)
    with transaction.atomic():
        GoogleAccount.objects.filter(pk=account.pk).update(
            status=GoogleAccount.Status.ACTIVE, reconnect_reason=""
        )
        account.status, account.reconnect_reason = GoogleAccount.Status.ACTIVE, ""
        calendars_refresh(account=account)
        primary = account.calendars.get(primary=True)
        if sync_primary_now and primary.sync_enabled:
            calendar_sync(calendar=primary)
        transaction.on_commit(lambda: _after_connect(account_id=account.pk, window=window))
        signals.send_on_commit(signals.connected, GoogleAccount, user=account.user, account=account)
        _partly_granted(account)
    return Connection(account=account, primary=primary)


def _partly_granted(account: GoogleAccount) -> None:
    """Connected with part of what was asked (granular consent): say which parts are missing
    (signal `scope_missing`, on commit, with the account)."""
    missing = scopes.parts_missing(account.scopes)
    if missing:
        signals.send_on_commit(
            signals.scope_missing,
            GoogleAccount,
            user=account.user,
            account=account,
            email=account.email,
            missing=frozenset(scopes.ASK_FOR[part] for part in missing),
            refused=False,
        )


def _scope_missing(
    *, user: AbstractBaseUser | AnonymousUser, grant: oauth.TokenGrant, missing: frozenset[str]
) -> None:
    """Tell the host (signal `scope_missing`, at once: nothing was stored to roll back)."""
    identity = grant.identity
    account = GoogleAccount.objects.filter(sub=identity.sub).first() if identity else None
    email = identity.email if identity else ""
    signals.send_now(
        signals.scope_missing,
        GoogleAccount,
        user=user,
        account=account,
        email=email,
        missing=missing,
        refused=True,
    )


@transaction.atomic
def _keep_grant(
    *, user: AbstractBaseUser | AnonymousUser, grant: oauth.TokenGrant, identity: oauth.Identity
) -> GoogleAccount:
    """Store the grant's tokens on the account (created if new) in status `connecting`, and
    commit. ConsentRequired when the account would be left without a working refresh token."""
    account = GoogleAccount.objects.select_for_update().filter(sub=identity.sub).first()
    usable = account is not None and account.status != GoogleAccount.Status.RECONNECT_REQUIRED
    if not grant.refresh_token and not (usable and account and account.refresh_token):
        raise ConsentRequired(login_hint=identity.email)
    account = _store_account(user=user, grant=grant, identity=identity, account=account)
    return account


def _after_connect(*, account_id: int, window: WindowFetch | None = None) -> None:
    """Store the primary calendar's first window (before its full sync is queued, so that the
    sync comes after it), sync the enabled calendars not synced yet, open push channels, and
    make sure the scheduler runs."""
    if window is not None:
        window_store(fetch=window, account_id=account_id)
    if tick_is_stale():
        jobs.scheduler_tick()
    for calendar in Calendar.objects.filter(account_id=account_id, sync_enabled=True):
        if not calendar.sync_token:
            sync_request(calendar_id=calendar.pk, priority="interactive")
        watch_request(calendar_id=calendar.pk)


def _revoke_quietly(token: str) -> None:
    with contextlib.suppress(GoogleError):  # nothing is stored for this grant either way
        oauth.revoke(token=token)


def _store_account(
    *,
    user: AbstractBaseUser | AnonymousUser,
    grant: oauth.TokenGrant,
    identity: oauth.Identity,
    account: GoogleAccount | None,
) -> GoogleAccount:
    if account is None:
        owner: Any = user if user.is_authenticated else user_create(email=identity.email)
        account = GoogleAccount(
            user=owner, sub=identity.sub, status=GoogleAccount.Status.CONNECTING
        )
    elif user.is_authenticated and account.user_id != user.pk:
        if account.status != GoogleAccount.Status.CONNECTING:
            raise AccountLinkedElsewhere()
        account.user = user  # type: ignore[assignment]  # a connect that never finished
    account.email = identity.email
    account.scopes = sorted(grant.scopes)
    if account.status != GoogleAccount.Status.ACTIVE:
        account.status = GoogleAccount.Status.CONNECTING
    account.paused_until = None
    account.access_token = grant.access_token
    account.access_token_expires_at = grant.expires_at
    if grant.refresh_token:  # Google resends it only on first consent: never erase the old one
        account.refresh_token = grant.refresh_token
    account.save()
    return account


def users_from_google() -> bool:
    """Whether connecting while signed out creates (or finds) the user from the Google
    identity and signs them in: the demo's way. Off by default: a host has its own sign-in."""
    return bool(app_settings.CREATE_USERS)


def user_create(
    *, email: str, user_model: type[AbstractBaseUser] | None = None
) -> AbstractBaseUser:
    """A new user of the host's user model (or `user_model`) for a Google identity, without a
    usable password. The login field (`USERNAME_FIELD`, whatever its name) holds the e-mail
    address, or `<address>+<n>` when a user already has that; the e-mail field (`EMAIL_FIELD`)
    the address. Through the manager's `create_user` when it has one, as a custom model's
    manager may need to do more."""
    model = user_model or get_user_model()
    login_field: str = model.USERNAME_FIELD  # type: ignore[attr-defined]  # not in the stubs
    fields: dict[str, Any] = {login_field: _free_login(model, login_field, email)}
    email_field = model.get_email_field_name()
    if email_field != login_field and _has_field(model, email_field):
        fields[email_field] = email
    manager: Any = model._default_manager
    if callable(getattr(manager, "create_user", None)):
        user: AbstractBaseUser = manager.create_user(**fields, password=None)
        if user.has_usable_password():
            user.set_unusable_password()
            user.save()
        return user
    user = model(**fields)
    user.set_unusable_password()
    user.save()
    return user


def _free_login(model: type[AbstractBaseUser], login_field: str, email: str) -> str:
    value, suffix = email, 1
    while model._default_manager.filter(**{login_field: value}).exists():
        suffix += 1
        value = f"{email}+{suffix}"
    return value


def _has_field(model: type[AbstractBaseUser], name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def account_disconnect(*, account: GoogleAccount) -> None:
    """Stop push channels, revoke the grant at Google, delete tokens and stored events.

    The local part always happens: an unreachable Google only skips the remote clean-up.
    """
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
        calendars = list(Calendar.objects.select_for_update().filter(account=account))
        for calendar in calendars:  # in a few queries: a cascade would load every event
            instances_drop(calendar=calendar)
            events_wipe(calendar=calendar)
        gone = {"user": account.user, "account": account, "account_id": account.pk}
        account.delete()
        signals.send_on_commit(signals.disconnected, GoogleAccount, **gone)
