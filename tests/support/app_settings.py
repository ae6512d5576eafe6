"""`calendar_settings`: the app's GOOGLE_CALENDAR keys set for one test, as pytest-django's
`settings` fixture sets Django's (and undoes them after the test)."""

from __future__ import annotations

from typing import Any

from calendar_api.conf import KEYS, app_settings


class CalendarSettings:
    """`calendar_settings.SCHEDULER_TICK = 0` puts a new GOOGLE_CALENDAR dict with that key in
    place through pytest-django's `settings`; reading a key gives the value the app sees."""

    def __init__(self, settings: Any) -> None:
        object.__setattr__(self, "_settings", settings)

    def __getattr__(self, name: str) -> Any:
        return getattr(app_settings, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in KEYS:
            raise AttributeError(f"GOOGLE_CALENDAR has no key {name!r}")
        settings = object.__getattribute__(self, "_settings")
        settings.GOOGLE_CALENDAR = {**getattr(settings, "GOOGLE_CALENDAR", {}), name: value}

    def __delattr__(self, name: str) -> None:
        settings = object.__getattribute__(self, "_settings")
        values = dict(getattr(settings, "GOOGLE_CALENDAR", {}))
        values.pop(name, None)
        settings.GOOGLE_CALENDAR = values
