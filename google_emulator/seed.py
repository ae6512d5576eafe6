"""Deterministic seed data: `demo` (alice and bob with calendars) or `empty` (accounts only)."""

from __future__ import annotations

import time
from typing import Any

from google_emulator.calendar.seed import seed_calendars
from google_emulator.calendar.tokens import sync_token
from google_emulator.state import State
from google_emulator.state.oauth import ACCESS_TOKEN_TTL, Account, Grant, RefreshToken, new_token

ACCOUNTS = [
    Account("104365471209375301001", "alice@example.com", "Alice Example", "Alice", "Example"),
    Account("104365471209375301002", "bob@example.com", "Bob Example", "Bob", "Example"),
]


def add_account(state: State, email: str, name: str = "") -> Account:
    """Add an account (and its empty primary calendar); used by seeds and the control API."""
    if email in state.accounts:
        return state.accounts[email]
    number = 104365471209375301001 + len(state.accounts) + 100
    given = name.split(" ")[0] if name else email.split("@")[0].title()
    account = Account(str(number), email, name or given, given, "")
    state.accounts[email] = account
    seed_calendars(state.calendars, account.email, "empty")
    return account


def build_state(seed: str = "demo") -> State:
    state = State()
    for account in ACCOUNTS:
        state.accounts[account.email] = Account(**vars(account))
        seed_calendars(state.calendars, account.email, seed)
    return state


def add_granted_accounts(
    state: State, emails: list[str], client_id: str, scopes: list[str]
) -> list[dict[str, Any]]:
    """Accounts that have each granted `client_id` `scopes` offline, as if each had been
    through consent and the code exchange: their tokens, and a sync token of their (empty)
    primary calendar as its first full `events.list` would end with. For benchmarks that
    need thousands of connected accounts at once (`/__emulator__/accounts/bulk`)."""
    made = []
    for email in emails:
        if email in state.accounts:
            raise ValueError(f"{email} exists already")
        account = add_account(state, email)
        state.set_grant(Grant(client_id, email, list(scopes)))
        # A new account holds no refresh token yet: no need for issue_refresh_token's
        # search for the oldest of a hundred (which would make this quadratic).
        refresh = RefreshToken(new_token("1//", 64), client_id, email, list(scopes), time.time())
        state.refresh_tokens[refresh.token] = refresh
        access = state.issue_access_token(client_id, email, list(scopes), refresh.token)
        calendar = state.calendars.calendars[email]
        made.append(
            {
                "sub": account.sub,
                "email": email,
                "calendarId": calendar.id,
                "access_token": access.token,
                "refresh_token": refresh.token,
                "expires_in": ACCESS_TOKEN_TTL,
                "scope": " ".join(scopes),
                "nextSyncToken": sync_token(state.calendars, calendar, state.calendars.seq),
            }
        )
    return made
