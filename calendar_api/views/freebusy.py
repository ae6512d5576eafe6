"""`GET /rest/v1/freebusy/`: when the user's calendars are busy, in Google's freeBusy shape."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import queries
from calendar_api.kits.recurrence import Window
from calendar_api.reads.owned import calendar_of, freebusy_calendars_of
from calendar_api.services.freebusy import freebusy_query
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema
from calendar_api.viewkit.openapi_models import FreeBusySerializer

FREEBUSY_EXAMPLE = {
    "kind": "calendar#freeBusy",
    "timeMin": "2026-03-30T00:00:00Z",
    "timeMax": "2026-03-31T00:00:00Z",
    "calendars": {
        "alice@example.com": {
            "busy": [{"start": "2026-03-30T09:00:00Z", "end": "2026-03-30T10:00:00Z"}]
        }
    },
}


class FreeBusyView(ApiView):
    @extend_schema(
        operation_id="freebusy_query",
        summary="Busy intervals of the user's calendars (the local store; Google beyond it)",
        parameters=[
            OpenApiParameter(
                "time_min",
                doc.MOMENT,
                required=True,
                description="RFC 3339 with offset, years 1900 to 2200 (inclusive).",
            ),
            OpenApiParameter(
                "time_max",
                doc.MOMENT,
                required=True,
                description="RFC 3339 with offset, years 1900 to 2200 (exclusive), after time_min.",
            ),
            OpenApiParameter(
                "calendar",
                doc.CALENDAR_IDS,
                description="Calendar ids (or `primary`), repeated; default: every synced one.",
            ),
            OpenApiParameter(
                "time_zone",
                doc.TIME_ZONE_REF,
                description="IANA zone of the answer's times (default UTC).",
            ),
            doc.ACCOUNT,
        ],
        responses={
            200: FreeBusySerializer,
            400: doc.BAD_REQUEST,
            503: doc.UNAVAILABLE,
            **doc.READ_ERRORS,
        },
        examples=[OpenApiExample("busy", value=FREEBUSY_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        query = queries.query_data(
            request.query_params, allowed=queries.FREEBUSY_QUERY, lists=("calendar",)
        )
        account = query.pop("account", None)
        data = queries.parsed_query(queries.FreeBusyQuerySerializer, query)
        names = data.get("calendar")
        if names:
            calendars = {
                n: calendar_of(user=request.user, calendar_id=n, account=account) for n in names
            }
        else:
            calendars = {c.google_id: c for c in freebusy_calendars_of(user=request.user)}
        answer = freebusy_query(
            calendars=calendars,
            window=Window(data["time_min"], data["time_max"]),
            time_zone=data.get("time_zone") or "UTC",
        )
        return Response(answer)
