"""The OAuth scopes the emulator knows, in Google's normalised form, with consent-page text,
and which of them each Calendar v3 method accepts."""

from __future__ import annotations

from google_emulator.discovery import scope_description

AUTH = "https://www.googleapis.com/auth/"
CAL = AUTH + "calendar"
EMAIL = AUTH + "userinfo.email"
PROFILE = AUTH + "userinfo.profile"

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
# Which scopes let a token call each Calendar v3 method: the "Authorization" section of each
# method's page in the Calendar API reference
# (https://developers.google.com/workspace/calendar/api/v3/reference, e.g. ".../events/insert"
# "Requires one of the following OAuth scopes"), which is also each method's `scopes` in the
# discovery document shipped with google-api-python-client (tests/emulator/test_scopes.py
# checks the two agree). A token with none of a method's scopes is answered 403
# insufficientPermissions / ACCESS_TOKEN_SCOPE_INSUFFICIENT (calendar/common.py).
_ACL_READ = ("calendar", "calendar.acls", "calendar.acls.readonly")
_ACL_WRITE = ("calendar", "calendar.acls")
_LIST_READ = (
    "calendar",
    "calendar.calendarlist",
    "calendar.calendarlist.readonly",
    "calendar.readonly",
)
_LIST_WRITE = ("calendar", "calendar.app.created", "calendar.calendarlist")
_CALENDARS_WRITE = ("calendar", "calendar.app.created", "calendar.calendars")
_EVENTS_READ = (
    "calendar",
    "calendar.app.created",
    "calendar.events",
    "calendar.events.freebusy",
    "calendar.events.owned",
    "calendar.events.owned.readonly",
    "calendar.events.public.readonly",
    "calendar.events.readonly",
    "calendar.readonly",
)
_EVENTS_WRITE = ("calendar", "calendar.app.created", "calendar.events", "calendar.events.owned")
_SETTINGS_READ = (
    "calendar",
    "calendar.readonly",
    "calendar.settings",
    "calendar.settings.readonly",
)
_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "calendar.acl.delete": _ACL_WRITE,
    "calendar.acl.get": (*_ACL_READ, "calendar.readonly"),
    "calendar.acl.insert": _ACL_WRITE,
    "calendar.acl.list": _ACL_READ,
    "calendar.acl.patch": _ACL_WRITE,
    "calendar.acl.update": _ACL_WRITE,
    "calendar.acl.watch": _ACL_READ,
    "calendar.calendarList.delete": _LIST_WRITE,
    "calendar.calendarList.get": (*_LIST_READ, "calendar.app.created"),
    "calendar.calendarList.insert": ("calendar", "calendar.calendarlist"),
    "calendar.calendarList.list": _LIST_READ,
    "calendar.calendarList.patch": _LIST_WRITE,
    "calendar.calendarList.update": _LIST_WRITE,
    "calendar.calendarList.watch": _LIST_READ,
    "calendar.calendars.clear": ("calendar", "calendar.calendars"),
    "calendar.calendars.delete": _CALENDARS_WRITE,
    "calendar.calendars.get": (
        *_CALENDARS_WRITE,
        "calendar.calendars.readonly",
        "calendar.readonly",
    ),
    "calendar.calendars.insert": _CALENDARS_WRITE,
    "calendar.calendars.patch": _CALENDARS_WRITE,
    "calendar.calendars.transferOwnership": ("calendar", "calendar.calendars"),
    "calendar.calendars.update": _CALENDARS_WRITE,
    # channels.stop: any scope that can open a channel (events, ACL, calendar list, settings).
    "calendar.channels.stop": (
        *_EVENTS_READ,
        "calendar.acls",
        "calendar.acls.readonly",
        "calendar.calendarlist",
        "calendar.calendarlist.readonly",
        "calendar.settings",
        "calendar.settings.readonly",
    ),
    # colors.get: as the reference lists it (neither events scope is among them).
    "calendar.colors.get": (
        "calendar",
        "calendar.app.created",
        "calendar.calendarlist",
        "calendar.calendarlist.readonly",
        "calendar.events.freebusy",
        "calendar.events.owned",
        "calendar.events.owned.readonly",
        "calendar.events.public.readonly",
        "calendar.readonly",
    ),
    "calendar.events.delete": _EVENTS_WRITE,
    "calendar.events.get": _EVENTS_READ,
    "calendar.events.import": _EVENTS_WRITE,
    "calendar.events.insert": _EVENTS_WRITE,
    "calendar.events.instances": _EVENTS_READ,
    "calendar.events.list": _EVENTS_READ,
    "calendar.events.move": ("calendar", "calendar.events", "calendar.events.owned"),
    "calendar.events.patch": _EVENTS_WRITE,
    "calendar.events.quickAdd": _EVENTS_WRITE,
    "calendar.events.update": _EVENTS_WRITE,
    "calendar.events.watch": _EVENTS_READ,
    "calendar.freebusy.query": (
        "calendar",
        "calendar.events.freebusy",
        "calendar.freebusy",
        "calendar.readonly",
    ),
    "calendar.settings.get": _SETTINGS_READ,
    "calendar.settings.list": _SETTINGS_READ,
    "calendar.settings.watch": _SETTINGS_READ,
}
METHOD_SCOPES: dict[str, frozenset[str]] = {
    method: frozenset(f"{AUTH}{name}" for name in names) for method, names in _METHOD_SCOPES.items()
}


def method_scopes(method_id: str) -> frozenset[str]:
    """The scopes any one of which lets a token call `method_id` (empty: not a Calendar method)."""
    return METHOD_SCOPES.get(method_id, frozenset())


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
