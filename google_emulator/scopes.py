"""The OAuth scopes the emulator knows, in Google's normalised form, with consent-page text."""

from __future__ import annotations

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
READ_SCOPES = {CAL, CAL + ".readonly", CAL + ".events", CAL + ".events.readonly"}
WRITE_SCOPES = {CAL, CAL + ".events"}


def normalise(scope_param: str) -> list[str]:
    """Split a `scope` parameter and map the short names to Google's URLs, keeping order."""
    seen: list[str] = []
    for item in scope_param.split():
        scope = ALIASES.get(item, item)
        if scope not in seen:
            seen.append(scope)
    return seen


def unknown(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in DESCRIPTIONS]


def invalid_message(bad: list[str]) -> str:
    """Google's wording, e.g. `Some requested scopes were invalid. {invalid=[a, b]}`."""
    return "Some requested scopes were invalid. {invalid=[" + ", ".join(sorted(bad)) + "]}"
