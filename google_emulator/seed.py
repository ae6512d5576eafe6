"""Deterministic seed data: `demo` (alice and bob with calendars) or `empty` (accounts only)."""

from __future__ import annotations

from google_emulator.calendar.seed import seed_calendars
from google_emulator.state import State
from google_emulator.state.oauth import Account

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
