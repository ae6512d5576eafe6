"""settings.list and settings.get: the account's Calendar settings (read-only in the API)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from google_emulator.calendar import common
from google_emulator.context import Ctx
from google_emulator.errors import GoogleError
from google_emulator.state.calendar import etag_for

DEFAULTS = {
    "autoAddHangouts": "true",
    "dateFieldOrder": "MDY",
    "defaultEventLength": "60",
    "format24HourTime": "false",
    "hideInvitations": "false",
    "hideWeekends": "false",
    "locale": "en",
    "remindOnRespondedEventsOnly": "false",
    "showDeclinedEvents": "true",
    "timezone": "UTC",
    "useKeyboardShortcuts": "true",
    "weekStart": "0",
}


def values(ctx: Ctx, email: str) -> dict[str, str]:
    found = dict(DEFAULTS)
    primary = ctx.state.calendars.calendars.get(email)
    if primary is not None:
        found["timezone"] = primary.time_zone
    account = ctx.state.accounts.get(email)
    if account is not None:
        found["locale"] = account.locale
    found.update(ctx.state.calendars.settings.get(email, {}))
    return found


def _setting(name: str, value: str) -> dict[str, str]:
    return {
        "kind": "calendar#setting",
        "etag": etag_for(sum(map(ord, name + value))),
        "id": name,
        "value": value,
    }


def settings_list(ctx: Ctx) -> Response:
    token = common.caller(ctx)
    items = [_setting(k, v) for k, v in sorted(values(ctx, token.email).items())]
    return common.resource(
        {
            "kind": "calendar#settings",
            "etag": etag_for(sum(int(i["etag"].strip('"')) for i in items) % 10**15),
            "nextSyncToken": "settings-" + token.email,
            "items": items,
        }
    )


def settings_get(ctx: Ctx, setting: str) -> Response:
    token = common.caller(ctx)
    found = values(ctx, token.email)
    if setting not in found:
        raise GoogleError(404, "notFound", "Not Found")
    return common.resource(_setting(setting, found[setting]))
