"""Connecting Google accounts to users, and keeping their tokens."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from calendar_api.exceptions import AccountLinkedElsewhere, ScopeNotGranted
from calendar_api.google import client, oauth
from calendar_api.google.errors import GoogleBadResponse, GoogleError
from calendar_api.models import GoogleAccount


@dataclass(frozen=True)
class Connection:
    account: GoogleAccount
    events: list[dict[str, Any]]


def account_connect(
    *, user: AbstractBaseUser | AnonymousUser, code: str, code_verifier: str
) -> Connection:
    """Exchange the code, check what was granted, read the events, then store the account.

    Nothing is stored until every step with Google has succeeded, so a failure links nothing.
    """
    scope = settings.GOOGLE_CALENDAR_SCOPE
    grant = oauth.exchange_code(code=code, code_verifier=code_verifier, calendar_scope=scope)
    if scope not in grant.scopes:
        _revoke_quietly(grant.access_token)
        raise ScopeNotGranted()
    if grant.identity is None:
        raise GoogleBadResponse("Google's token response had no id_token.")
    events = [
        event
        for page in client.iter_event_pages(grant.access_token, "primary")
        for event in page.get("items", [])
    ]
    account = _store_account(user=user, grant=grant, identity=grant.identity)
    return Connection(account=account, events=events)


def _revoke_quietly(token: str) -> None:
    with contextlib.suppress(GoogleError):  # nothing is stored for this grant either way
        oauth.revoke(token=token)


@transaction.atomic
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
