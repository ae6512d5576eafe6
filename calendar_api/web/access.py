"""What the page says about an account whose Google grant lacks a part of access (granular
consent: the person unticked a box on Google's consent page), each with a "Grant access" link
that asks Google for just that scope (incremental authorization)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from calendar_api.google import scopes
from calendar_api.models import GoogleAccount

# In plain words, for each part the app asks for and did not get.
WORDS = {
    scopes.EVENTS_WRITE: "is read-only: Google did not give this site permission to change "
    "its events, so creating, editing and deleting events are turned off.",
    scopes.EVENTS_READ: "shares free/busy only: Google did not give this site permission to "
    "see its events, so events are not available here; free/busy is.",
    scopes.CALENDAR_LIST: "shows its primary calendar only: Google did not give this site "
    "permission to see its list of calendars.",
    scopes.FREE_BUSY: "has no free/busy from Google: this site may not ask Google when it is "
    "busy, so free/busy covers only the synced calendars.",
}


@dataclass(frozen=True)
class Notice:
    email: str
    part: str
    text: str
    grant_url: str


def access_notices(accounts: list[GoogleAccount]) -> list[Notice]:
    """A notice per active account and part of access it was asked for and lacks."""
    home = reverse("calendar_pages:home")
    found = []
    for account in accounts:
        if account.status != GoogleAccount.Status.ACTIVE:
            continue  # the reconnect notice says enough
        for part in scopes.parts_missing(account.scopes):
            query = urlencode({"grant": part, "login_hint": account.email, "next": home})
            url = f"{reverse('calendar_oauth:init')}?{query}"
            found.append(Notice(account.email, part, WORDS[part], url))
    return found


def writable(account: GoogleAccount) -> bool:
    return account.can(scopes.EVENTS_WRITE)
