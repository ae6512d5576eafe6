"""A user's preferences: display zone, working hours and how the page draws the calendar."""

from __future__ import annotations

from typing import Any

from calendar_api.models import UserPreferences

EDITABLE = {
    "time_zone",
    "work_start",
    "work_end",
    "work_days",
    "week_start",
    "time_format",
    "default_view",
}


def preferences_get(*, user: Any) -> UserPreferences:
    """The user's preferences, made with the defaults on first use."""
    preferences, _ = UserPreferences.objects.get_or_create(user=user)
    return preferences


def preferences_update(*, user: Any, **fields: Any) -> UserPreferences:
    """Change some preferences (already validated by the caller); unknown names are refused."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"Unknown preferences: {', '.join(sorted(unknown))}")
    preferences = preferences_get(user=user)
    for name, value in fields.items():
        setattr(preferences, name, value)
    preferences.save(update_fields=list(fields))
    return preferences
