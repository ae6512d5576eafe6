"""colors.get: Google's fixed palette of calendar and event colours."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from google_emulator.calendar import common
from google_emulator.context import Ctx

FOREGROUND = "#1d1d1d"
CALENDAR_BACKGROUNDS = (
    "#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765",
    "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7",
    "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2",
)  # fmt: skip
EVENT_BACKGROUNDS = (
    "#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878", "#46d6db", "#e1e1e1",
    "#5484ed", "#51b749", "#dc2127",
)  # fmt: skip
UPDATED = "2012-02-14T00:00:00.000Z"


def palette(backgrounds: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {
        str(number): {"background": colour, "foreground": FOREGROUND}
        for number, colour in enumerate(backgrounds, start=1)
    }


def calendar_colour(color_id: str) -> tuple[str, str] | None:
    """(background, foreground) of calendar colour `color_id`, or None when there is none."""
    found = palette(CALENDAR_BACKGROUNDS).get(color_id)
    return (found["background"], found["foreground"]) if found else None


def get(ctx: Ctx) -> Response:
    common.caller(ctx)
    body: dict[str, Any] = {
        "kind": "calendar#colors",
        "updated": UPDATED,
        "calendar": palette(CALENDAR_BACKGROUNDS),
        "event": palette(EVENT_BACKGROUNDS),
    }
    return common.resource(body)
