"""Who may do what on a calendar: ACL roles, and each account's calendar list.

An account reaches a calendar it owns, or one an ACL rule shares with it (a `user` rule for its
email, a `domain` rule for its domain, or the `default` rule for everyone). A user rule also
puts the calendar in that account's calendar list, as Google does.
"""

from __future__ import annotations

from typing import Any

from google_emulator.state.calendar import Calendar, CalendarStore

ROLES = ("none", "freeBusyReader", "reader", "writer", "owner")


def rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else 0


def access_role(calendar: Calendar, email: str) -> str:
    """The best role `email` holds on `calendar` ("none" when it holds none)."""
    if calendar.owner == email:
        return "owner"
    domain = email.rpartition("@")[2]
    best = "none"
    for rule in calendar.acl.values():
        scope = rule.get("scope", {})
        matches = (
            scope.get("type") == "default"
            or (scope.get("type") == "user" and scope.get("value") == email)
            or (scope.get("type") == "domain" and scope.get("value") == domain)
        )
        if matches and rank(rule.get("role", "none")) > rank(best):
            best = rule["role"]
    return best


def entry(store: CalendarStore, email: str, calendar_id: str) -> dict[str, Any]:
    """The account's own settings for one calendar in its list (colour, hidden, ...)."""
    return store.entries.setdefault(email, {}).setdefault(calendar_id, {})


def listed(store: CalendarStore, email: str) -> list[Calendar]:
    """The calendars in `email`'s calendar list: owned ones and those added to it."""
    own = store.entries.get(email, {})
    found = []
    for calendar in store.calendars.values():
        settings = own.get(calendar.id)
        if settings is not None and settings.get("removed"):
            continue
        if calendar.owner == email or (
            settings is not None and rank(access_role(calendar, email)) > 0
        ):
            found.append(calendar)
    return found


def add_to_list(store: CalendarStore, email: str, calendar_id: str) -> None:
    entry(store, email, calendar_id).pop("removed", None)


def remove_from_list(store: CalendarStore, email: str, calendar_id: str) -> None:
    entry(store, email, calendar_id).clear()
    store.entries[email][calendar_id]["removed"] = True
