"""`/rest/v1/calendars/`: the user's calendars, and which of them are synced."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import pagination, validation
from calendar_api.reads.owned import calendar_of, calendars_of
from calendar_api.serializers import CalendarSerializer
from calendar_api.services.calendars import calendar_update
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema


class CalendarListView(ApiView):
    @extend_schema(
        operation_id="calendars_list",
        summary="The calendars of every connected account",
        responses={200: doc.calendar_page(CalendarSerializer), **doc.READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        calendars = calendars_of(user=request.user).order_by(
            "account__connected_at", "-primary", "summary"
        )
        return Response(pagination.single_page(CalendarSerializer(calendars, many=True).data))


class CalendarDetailView(ApiView):
    @extend_schema(
        operation_id="calendars_get",
        summary="One calendar (`primary` works as its id)",
        parameters=[doc.CALENDAR_ID],
        responses={200: CalendarSerializer, **doc.READ_ERRORS},
    )
    def get(self, request: Request, calendar_id: str) -> Response:
        calendar = calendar_of(user=request.user, calendar_id=calendar_id)
        return Response(CalendarSerializer(calendar).data)

    @extend_schema(
        operation_id="calendars_partial_update",
        summary="Choose whether the calendar is synced (its events stored and kept current)",
        description=(
            "Every field is optional (`{}` changes nothing); an unknown key answers 400 naming it."
        ),
        parameters=[doc.CALENDAR_ID],
        request=validation.CalendarUpdateSerializer,
        examples=[OpenApiExample("sync it", value={"sync_enabled": True}, request_only=True)],
        responses={
            200: CalendarSerializer,
            400: doc.BAD_REQUEST,
            403: doc.FORBIDDEN,
            **doc.READ_ERRORS,
        },
    )
    def patch(self, request: Request, calendar_id: str) -> Response:
        calendar = calendar_of(user=request.user, calendar_id=calendar_id)
        data = validation.parsed(validation.CalendarUpdateSerializer, request.data)
        if "sync_enabled" in data:
            calendar = calendar_update(calendar=calendar, sync_enabled=data["sync_enabled"])
        return Response(CalendarSerializer(calendar).data)
