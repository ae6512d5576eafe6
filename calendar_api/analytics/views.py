"""`GET /rest/v1/analytics/`: how the user's time is spent over a window (from the store)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import queries, validation
from calendar_api.analytics.services import (
    analytics_compute,
    analytics_setup,
    report_answer,
    week_start,
    weeks_after,
)
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar
from calendar_api.reads.events import calendar_require_synced
from calendar_api.reads.owned import calendar_of, calendars_of
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema

MAX_SPAN = dt.timedelta(days=370)  # a year, and a little room for DST and leap days


class AnalyticsQuerySerializer(queries.TimeRangeSerializer):
    calendar = serializers.ListField(
        child=serializers.CharField(max_length=1024), required=False, max_length=50
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        low, high = attrs.get("time_min"), attrs.get("time_max")
        if (low is None) != (high is None):
            raise serializers.ValidationError(
                {"time_max": ["Give both time_min and time_max, or neither (this week)."]}
            )
        if low is not None and high is not None and high - low > MAX_SPAN:
            raise serializers.ValidationError({"time_max": ["A window of at most a year."]})
        return attrs


class WorkingHoursSerializer(serializers.Serializer[Any]):
    start = serializers.CharField(help_text="HH:MM, local")
    end = serializers.CharField(help_text="HH:MM, local")
    days = serializers.ListField(child=serializers.IntegerField(), help_text="Monday = 0")
    time_zone = serializers.CharField()
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["preferences", "google"],
        help_text="Where they come from: your preferences, or (while those are the defaults) "
        "your primary calendar's working hours at Google",
    )


class DaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    event_hours = serializers.FloatField()
    meeting_hours = serializers.FloatField()
    focus_hours = serializers.FloatField()
    after_hours_hours = serializers.FloatField()


class MeetingsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    one_on_one = serializers.IntegerField(help_text="2 people")
    small = serializers.IntegerField(help_text="3 to 6 people")
    large = serializers.IntegerField(help_text="7 people or more")
    recurring = serializers.IntegerField()
    one_off = serializers.IntegerField()
    recurring_share = serializers.FloatField(help_text="recurring / count, 0 to 1")


class BlockSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class FocusSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    hours = serializers.FloatField()
    blocks = BlockSerializer(many=True)


class CollaboratorSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)
    hours = serializers.FloatField()
    meetings = serializers.IntegerField()


class AnalyticsSerializer(serializers.Serializer[Any]):
    time_min = serializers.DateTimeField()
    time_max = serializers.DateTimeField()
    time_zone = serializers.CharField()
    calendars = serializers.ListField(child=serializers.CharField())
    working_hours = WorkingHoursSerializer()
    total_event_hours = serializers.FloatField()
    meeting_hours = serializers.FloatField()
    after_hours_hours = serializers.FloatField()
    meetings = MeetingsSerializer()
    focus_blocks = FocusSerializer()
    top_collaborators = CollaboratorSerializer(many=True)
    by_day = DaySerializer(many=True)


EXAMPLE = {
    "time_min": "2027-01-11T00:00:00Z",
    "time_max": "2027-01-18T00:00:00Z",
    "time_zone": "Europe/London",
    "calendars": ["alice@example.com"],
    "working_hours": {
        "start": "09:00",
        "end": "17:00",
        "days": [0, 1, 2, 3, 4],
        "time_zone": "Europe/London",
        "source": "preferences",
    },
    "total_event_hours": 9.5,
    "meeting_hours": 6.5,
    "after_hours_hours": 3.5,
    "meetings": {
        "count": 9,
        "one_on_one": 2,
        "small": 6,
        "large": 1,
        "recurring": 5,
        "one_off": 4,
        "recurring_share": 0.56,
    },
    "focus_blocks": {
        "count": 1,
        "hours": 4.0,
        "blocks": [{"start": "2027-01-11T13:00:00Z", "end": "2027-01-11T17:00:00Z"}],
    },
    "top_collaborators": [
        {"email": "bob@example.com", "name": "Bob", "hours": 3.75, "meetings": 7}
    ],
    "by_day": [
        {
            "date": "2027-01-11",
            "event_hours": 3.0,
            "meeting_hours": 2.0,
            "focus_hours": 4.0,
            "after_hours_hours": 0.0,
        }
    ],
}


class AnalyticsView(ApiView):
    @extend_schema(
        operation_id="analytics",
        summary="How time is spent: event, meeting, focus and after-hours figures over a window",
        parameters=[
            doc.TIME_MIN,
            doc.TIME_MAX,
            OpenApiParameter(
                "time_zone",
                doc.TIME_ZONE_REF,
                description="IANA zone of days and working hours (default: your preference, "
                "else your primary calendar's).",
                examples=[OpenApiExample("London", value="Europe/London")],
            ),
            OpenApiParameter(
                "calendar",
                doc.CALENDAR_IDS,
                description="Calendar ids (or `primary`), repeated; default: every synced one.",
            ),
        ],
        responses={
            200: AnalyticsSerializer,
            400: doc.BAD_REQUEST,
            409: doc.NOT_SYNCED,
            **doc.READ_ERRORS,
        },
        examples=[OpenApiExample("a week", value=EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        data = validation.parsed(
            AnalyticsQuerySerializer,
            queries.query_dict(request.query_params, lists=("calendar",)),
        )
        calendars = _calendars(request.user, data.get("calendar") or [])
        setup = analytics_setup(user=request.user, time_zone=data.get("time_zone"))
        low = data.get("time_min") or week_start(timezone.now(), setup.tz)
        high = data.get("time_max") or weeks_after(low, 1, setup.tz)
        window = Window(low, high)
        report = analytics_compute(calendars=calendars, window=window, tz=setup.tz, work=setup.work)
        return Response(report_answer(report, window=window, setup=setup, calendars=calendars))


def _calendars(user: Any, names: list[str]) -> list[Calendar]:
    if names:
        chosen = [calendar_of(user=user, calendar_id=name) for name in names]
        unique = {c.pk: c for c in chosen}
        return [calendar_require_synced(calendar=c) for c in unique.values()]
    synced = calendars_of(user=user).filter(sync_enabled=True, last_synced_at__isnull=False)
    return list(synced.order_by("account_id", "-primary", "pk"))
