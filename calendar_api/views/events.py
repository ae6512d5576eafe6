"""`/rest/v1/calendars/{calendar_id}/events/...`: events of a calendar.

Reads come from the local store; writes go to Google (with the stored etag as If-Match) and
then to the store. Bodies use Google's Event field names; query parameters are snake_case, and
time ranges are always `time_min` / `time_max` (RFC 3339 with offset).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import pagination, queries, validation
from calendar_api.kits.event_shape import api_event, event_in_zone
from calendar_api.kits.recurrence import Window
from calendar_api.models import Calendar
from calendar_api.reads import events as stored
from calendar_api.reads import expanded as listing
from calendar_api.renderers import RawJSON
from calendar_api.services import event_writes as writes
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema
from calendar_api.viewkit.caching import no_store_view
from calendar_api.viewkit.openapi_models import EventPageSerializer, EventSerializer

EVENT_EXAMPLE = {
    "summary": "Team meeting",
    "location": "Room 4",
    "start": {"dateTime": "2026-03-30T10:00:00+01:00", "timeZone": "Europe/London"},
    "end": {"dateTime": "2026-03-30T11:00:00+01:00", "timeZone": "Europe/London"},
    "attendees": [{"email": "bob@example.com"}],
    "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10}]},
    "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10"],
}
ALL_DAY_EXAMPLE = {
    "summary": "Holiday",
    "start": {"date": "2026-04-06"},
    "end": {"date": "2026-04-07"},
}
BODY_EXAMPLES = [
    OpenApiExample("weekly meeting", value=EVENT_EXAMPLE, request_only=True),
    OpenApiExample("all-day", value=ALL_DAY_EXAMPLE, request_only=True),
    OpenApiExample(
        "idempotent create",
        value={**ALL_DAY_EXAMPLE, "id": "vacation20260406"},
        request_only=True,
        description="With a client-chosen id, a retried create answers 200 with the same event.",
    ),
]
MOVE_EXAMPLE = OpenApiExample(
    "move",
    value={
        "start": {"dateTime": "2026-03-31T15:00:00+01:00"},
        "end": {"dateTime": "2026-03-31T16:00:00+01:00"},
    },
    request_only=True,
)


def synced_calendar(request: Request, calendar_id: str, query: dict[str, Any]) -> Calendar:
    return stored.synced_calendar_of(
        user=request.user, calendar_id=calendar_id, account=query.get("account")
    )


def shown_zone(query: dict[str, Any], calendar: Calendar) -> ZoneInfo:
    data = validation.parsed(
        queries.TimeRangeSerializer,
        {"time_zone": query["time_zone"]} if "time_zone" in query else {},
    )
    return validation.parse_zone(data.get("time_zone") or calendar.time_zone)


def page_response(request: Request, page: pagination.Page, tz: ZoneInfo) -> Response:
    """The page with every time shown in `tz` (items already rendered as RawJSON are)."""
    results = [i if isinstance(i, RawJSON) else event_in_zone(i, tz) for i in page.items]
    return Response({**pagination.links(request, page), "results": results})


def write_query(request: Request) -> dict[str, Any]:
    return queries.query_data(request.query_params, allowed=queries.EVENT_WRITE_QUERY)


def write_options(query: dict[str, Any]) -> dict[str, Any]:
    options = {k: v for k, v in query.items() if k != "account"}
    return dict(validation.parsed(queries.WriteQuerySerializer, options))


def etag_header(etag: str) -> dict[str, str]:
    return {"ETag": etag} if etag else {}


LIST_PARAMETERS = [
    doc.CALENDAR_ID,
    doc.TIME_MIN,
    doc.TIME_MAX,
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": 256},
        description="Text in summary, description, location, attendees or organizer.",
    ),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        many=True,
        enum=["confirmed", "tentative", "cancelled"],
        description="Repeat to combine. Default: confirmed and tentative (with updated_min: all).",
    ),
    OpenApiParameter(
        "updated_min", doc.MOMENT, description="Changed since (RFC 3339 with offset)."
    ),
    OpenApiParameter(
        "single_events",
        OpenApiTypes.BOOL,
        description="true: series expanded into instances; false (default): series as masters.",
    ),
    doc.TIME_ZONE,
    doc.CURSOR,
    doc.PAGE_SIZE,
    doc.ACCOUNT,
]


@no_store_view
class EventListView(ApiView):
    @extend_schema(
        operation_id="events_list",
        summary="List events (from the local store), ordered by start",
        parameters=LIST_PARAMETERS,
        responses={
            200: EventPageSerializer,
            400: doc.BAD_REQUEST,
            409: doc.NOT_SYNCED,
            **doc.READ_ERRORS,
        },
    )
    def get(self, request: Request, calendar_id: str) -> Response:
        query = queries.query_data(
            request.query_params, allowed=queries.EVENT_LIST_QUERY, lists=("status",)
        )
        calendar = synced_calendar(request, calendar_id, query)
        data = queries.parsed_query(
            queries.EventListQuerySerializer,
            {k: v for k, v in query.items() if k != "account"},
        )
        wanted = listing.EventQuery(
            window=Window(data.get("time_min"), data.get("time_max")),
            q=data.get("q", ""),
            statuses=frozenset(data.get("status") or _default_statuses(data)),
            updated_min=data.get("updated_min"),
            single_events=data["single_events"],
        )
        cursor = pagination.decode(data.get("cursor"))
        shown = validation.parse_zone(data.get("time_zone") or calendar.time_zone)
        page = stored.events_list(
            calendar=calendar,
            query=wanted,
            size=data["page_size"],
            cursor=cursor,
            shown=shown,
            version=calendar.read_version,  # loaded by this request (synced_calendar)
        )
        return page_response(request, page, shown)

    @extend_schema(
        operation_id="events_create",
        summary="Create an event at Google (idempotent with a client-chosen id)",
        parameters=[doc.CALENDAR_ID, doc.SEND_UPDATES, doc.ACCOUNT],
        request=validation.EventInputSerializer,
        examples=BODY_EXAMPLES,
        responses={
            201: EventSerializer,
            200: EventSerializer,
            **{**doc.WRITE_ERRORS, 409: doc.NOT_SYNCED},
        },
    )
    def post(self, request: Request, calendar_id: str) -> Response:
        query = write_query(request)
        calendar = synced_calendar(request, calendar_id, query)
        options = write_options(query)
        event, created = writes.event_create_checked(
            calendar=calendar, data=request.data, send_updates=options.get("send_updates")
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        where = reverse(
            "calendar_api:event-detail",
            kwargs={"calendar_id": calendar.google_id, "event_id": str(event.get("id", ""))},
        )
        headers = {
            **etag_header(str(event.get("etag") or "")),
            "Location": request.build_absolute_uri(where),
        }
        return Response(api_event(event, calendar.time_zone), status=code, headers=headers)


def _default_statuses(data: dict[str, Any]) -> frozenset[str]:
    if data.get("updated_min") is not None:
        return frozenset({"confirmed", "tentative", "cancelled"})
    return listing.LIVE


@no_store_view
class EventDetailView(ApiView):
    @extend_schema(
        operation_id="events_get",
        summary="One event (from the local store); instance ids of series work too",
        description=(
            "A deleted event, or a deleted instance of a series, still reads back: with "
            '`status: "cancelled"` (as Google\'s events.get answers), until the store forgets it.'
        ),
        parameters=[doc.CALENDAR_ID, doc.EVENT_ID, doc.TIME_ZONE, doc.ACCOUNT],
        responses={
            200: EventSerializer,
            400: doc.BAD_REQUEST,
            409: doc.NOT_SYNCED,
            **doc.READ_ERRORS,
        },
    )
    def get(self, request: Request, calendar_id: str, event_id: str) -> Response:
        query = queries.query_data(request.query_params, allowed=queries.EVENT_READ_QUERY)
        calendar = synced_calendar(request, calendar_id, query)
        target = stored.event_target(calendar=calendar, event_id=event_id)
        headers = etag_header(target.version)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None and writes.etag_matches(if_none_match, target.version):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        shown = event_in_zone(target.data, shown_zone(query, calendar))
        return Response(shown, headers=headers)

    @extend_schema(
        operation_id="events_update",
        summary="Replace an event (If-Match with the stored etag: 412 when changed at Google)",
        parameters=[doc.CALENDAR_ID, doc.EVENT_ID, doc.SEND_UPDATES, doc.SCOPE, doc.ACCOUNT],
        request=validation.EventInputSerializer,
        examples=BODY_EXAMPLES[:2],
        responses={200: EventSerializer, **doc.WRITE_ERRORS},
    )
    def put(self, request: Request, calendar_id: str, event_id: str) -> Response:
        return self._write(request, calendar_id, event_id, partial=False)

    @extend_schema(
        operation_id="events_partial_update",
        summary="Change some fields of an event, e.g. move it (If-Match: 412 when stale)",
        parameters=[doc.CALENDAR_ID, doc.EVENT_ID, doc.SEND_UPDATES, doc.SCOPE, doc.ACCOUNT],
        request=validation.EventInputSerializer(partial=True),
        examples=[MOVE_EXAMPLE],
        responses={200: EventSerializer, **doc.WRITE_ERRORS},
    )
    def patch(self, request: Request, calendar_id: str, event_id: str) -> Response:
        return self._write(request, calendar_id, event_id, partial=True)

    def _write(
        self, request: Request, calendar_id: str, event_id: str, *, partial: bool
    ) -> Response:
        query = write_query(request)
        calendar = synced_calendar(request, calendar_id, query)
        target = stored.event_target(calendar=calendar, event_id=event_id)
        options = write_options(query)
        event = writes.event_change(
            target=target,
            data=request.data,
            partial=partial,
            scope=options["scope"],
            send_updates=options.get("send_updates"),
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
        )
        shown = api_event(event or {}, calendar.time_zone)
        return Response(shown, headers=etag_header(str((event or {}).get("etag") or "")))

    @extend_schema(
        operation_id="events_delete",
        summary="Delete an event, an instance, or (scope=following) this and following instances",
        description=(
            'The event then reads back with `status: "cancelled"` (GET), and is left out of '
            "lists unless `status=cancelled` is asked for; setting it `confirmed` again (PATCH) "
            "restores it at Google."
        ),
        parameters=[doc.CALENDAR_ID, doc.EVENT_ID, doc.SEND_UPDATES, doc.SCOPE, doc.ACCOUNT],
        responses={204: None, **doc.WRITE_ERRORS},
    )
    def delete(self, request: Request, calendar_id: str, event_id: str) -> Response:
        query = write_query(request)
        calendar = synced_calendar(request, calendar_id, query)
        target = stored.event_target(calendar=calendar, event_id=event_id)
        options = write_options(query)
        writes.event_remove(
            target=target,
            scope=options["scope"],
            send_updates=options.get("send_updates"),
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@no_store_view
class EventInstancesView(ApiView):
    @extend_schema(
        operation_id="events_instances",
        summary="Instances of a recurring series (from the local store), ordered by start",
        parameters=[
            doc.CALENDAR_ID,
            doc.EVENT_ID,
            doc.TIME_MIN,
            doc.TIME_MAX,
            OpenApiParameter(
                "show_deleted", OpenApiTypes.BOOL, description="Include cancelled instances."
            ),
            doc.TIME_ZONE,
            doc.CURSOR,
            doc.PAGE_SIZE,
            doc.ACCOUNT,
        ],
        responses={
            200: EventPageSerializer,
            400: doc.BAD_REQUEST,
            409: doc.NOT_SYNCED,
            **doc.READ_ERRORS,
        },
    )
    def get(self, request: Request, calendar_id: str, event_id: str) -> Response:
        query = queries.query_data(request.query_params, allowed=queries.INSTANCES_QUERY)
        calendar = synced_calendar(request, calendar_id, query)
        data = validation.parsed(
            queries.InstancesQuerySerializer, {k: v for k, v in query.items() if k != "account"}
        )
        page = stored.event_instances(
            calendar=calendar,
            series_id=event_id,
            window=Window(data.get("time_min"), data.get("time_max")),
            show_deleted=data["show_deleted"],
            size=data["page_size"],
            cursor=pagination.decode(data.get("cursor")),
        )
        return page_response(request, page, shown_zone(query, calendar))
