"""The OAuth scopes the emulator knows, in Google's normalised form, with consent-page text."""

from __future__ import annotations

from google_emulator.discovery import scope_description

CAL = "https://www.googleapis.com/auth/calendar"
EMAIL = "https://www.googleapis.com/auth/userinfo.email"
PROFILE = "https://www.googleapis.com/auth/userinfo.profile"

ALIASES = {"email": EMAIL, "profile": PROFILE}

DESCRIPTIONS = {
    "openid": "Associate you with your personal info on Google",
    EMAIL: "See your primary Google Account email address",
    PROFILE: "See your personal info, including any personal info you've made publicly available",
    CAL: "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
    CAL + ".readonly": "See and download any calendar you can access using your Google Calendar",
    CAL + ".events": "View and edit events on all your calendars",
    CAL + ".events.readonly": "View events on all your calendars",
    CAL + ".calendarlist.readonly": "See the list of Google calendars you're subscribed to",
}
SIGN_IN = {"openid", EMAIL, PROFILE}  # always granted; the rest are ticked one by one
# calendar.app.created is treated like full access (the emulator does not track which app
# created a calendar); calendar.events.owned like calendar.events.
WRITE_SCOPES = {CAL, CAL + ".events", CAL + ".events.owned", CAL + ".app.created"}
READ_SCOPES = {
    *WRITE_SCOPES,
    CAL + ".readonly",
    CAL + ".events.readonly",
    CAL + ".events.owned.readonly",
}


def normalise(scope_param: str) -> list[str]:
    """Split a `scope` parameter and map the short names to Google's URLs, keeping order."""
    seen: list[str] = []
    for item in scope_param.split():
        scope = ALIASES.get(item, item)
        if scope not in seen:
            seen.append(scope)
    return seen


def with_openid(scopes: list[str]) -> list[str]:
    """Google adds `openid` (and so an id_token) when `email` or `profile` is asked."""
    if "openid" in scopes or not {EMAIL, PROFILE} & set(scopes):
        return scopes
    return [*scopes, "openid"]


def unknown(scopes: list[str]) -> list[str]:
    """The scopes no Google API defines (any scope a discovery document names is valid)."""
    return [s for s in scopes if s not in DESCRIPTIONS and scope_description(s) is None]


def description(scope: str) -> str:
    """The consent page's words for `scope`."""
    return DESCRIPTIONS.get(scope) or scope_description(scope) or scope


def invalid_message(bad: list[str]) -> str:
    """Google's wording, e.g. `Some requested scopes were invalid. {invalid=[a, b]}`."""
    return "Some requested scopes were invalid. {invalid=[" + ", ".join(sorted(bad)) + "]}"
