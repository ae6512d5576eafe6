"""`/rest/v1/preferences/`: the signed-in person's settings, which the page, the analytics and
API clients all read: the zone times are shown in, working hours, the weekday a week starts
on, 12- or 24-hour times, and the view the page opens on."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import validation
from calendar_api.kits.zone_names import current_name
from calendar_api.models import VIEWS, UserPreferences
from calendar_api.services.preferences import preferences_get, preferences_update
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema

WEEKDAY = "A weekday, Monday=0 to Sunday=6."


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"}
)
class ClockField(serializers.TimeField):
    """A time of day written HH:MM (OpenAPI's "time" format wants seconds and an offset)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


@extend_schema_field({"oneOf": [validation.TIME_ZONE_SCHEMA, {"type": "string", "enum": [""]}]})
class ZoneOrEmptyField(serializers.CharField):
    """An IANA zone known to this server, or "" (the browser's)."""


class PreferencesSerializer(validation.Body):
    """Every field optional in a PATCH; an unknown key answers 400 naming it."""

    time_zone = ZoneOrEmptyField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="IANA zone times are shown in; empty: the browser's. An old name is stored "
        "under its current one (Asia/Calcutta as Asia/Kolkata).",
    )
    work_start = ClockField(required=False, help_text="When the working day starts, HH:MM.")
    work_end = ClockField(required=False, help_text="When it ends, HH:MM.")
    work_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        max_length=7,
        help_text=f"Working weekdays. {WEEKDAY}",
    )
    week_start = serializers.IntegerField(
        required=False, min_value=0, max_value=6, help_text=f"The week's first day. {WEEKDAY}"
    )
    time_format = serializers.ChoiceField(
        required=False,
        choices=["", "12", "24"],
        help_text='"12" or "24"-hour times; empty: as the browser\'s language writes them.',
    )
    default_view = serializers.ChoiceField(
        required=False,
        choices=[value for value, _ in VIEWS],
        help_text="The view the page opens on; empty: week on a wide screen, 3 days on a phone.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Not one of the preferences."] for name in unknown}
                )
        return super().to_internal_value(data)

    def validate_time_zone(self, value: str) -> str:
        name = value.strip()
        if name:
            validation.parse_zone(name)
        return current_name(name)

    def validate_work_days(self, value: list[int]) -> list[int]:
        return sorted(set(value))


def preferences_data(preferences: UserPreferences) -> dict[str, Any]:
    """The preferences as the API (and the page's configuration) shows them."""
    instance: Any = preferences
    return dict(PreferencesSerializer(instance).data)


def _checked(data: dict[str, Any], current: UserPreferences) -> dict[str, Any]:
    """The working day ends after it starts (one end sent is checked against the stored other)."""
    start = data.get("work_start", current.work_start)
    end = data.get("work_end", current.work_end)
    if start >= end:
        field = "work_end" if "work_end" in data else "work_start"
        raise serializers.ValidationError({field: ["The working day must end after it starts."]})
    return data


class PreferencesView(ApiView):
    @extend_schema(
        operation_id="preferences_get",
        summary="Your settings: display zone, working hours, week start, time format, view",
        responses={200: PreferencesSerializer, **doc.READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(preferences_data(preferences_get(user=request.user)))

    @extend_schema(
        operation_id="preferences_partial_update",
        summary="Change some of your settings",
        description="Every field is optional; the analytics' working hours and the web page "
        "follow at once. An unknown key answers 400 naming it.",
        request=PreferencesSerializer,
        examples=[
            OpenApiExample(
                "working hours",
                value={"work_start": "08:30", "work_end": "16:30", "work_days": [0, 1, 2, 3]},
                request_only=True,
            ),
            OpenApiExample(
                "how the page draws",
                value={"week_start": 6, "time_format": "12", "default_view": "month"},
                request_only=True,
            ),
        ],
        responses={200: PreferencesSerializer, 400: doc.BAD_REQUEST, **doc.READ_ERRORS},
    )
    def patch(self, request: Request) -> Response:
        current = preferences_get(user=request.user)
        data = _checked(validation.parsed(PreferencesSerializer, request.data), current)
        saved = preferences_update(user=request.user, **data) if data else current
        return Response(preferences_data(saved))
