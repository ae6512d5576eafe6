"""ICS feeds: `/rest/v1/feeds/` (create, list), `/rest/v1/feeds/{id}/` (change, revoke),
`/rest/v1/feeds/{id}/rotate-secret/` (a new URL), and the public feed URL
`/rest/v1/feeds/ics/{secret}.ics` that calendar clients subscribe to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import pagination, validation
from calendar_api.exceptions import error_body
from calendar_api.feeds.services import (
    feed_create,
    feed_delete,
    feed_find,
    feed_render,
    feed_rotate,
    feed_update,
    feed_version,
)
from calendar_api.models import Calendar, CalendarFeed
from calendar_api.reads.owned import calendar_of, feeds_of
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema
from calendar_api.viewkit.caching import no_store_view

MAX_SECRET = 64
PRIVATE_EVENTS_HELP = (
    "Events whose visibility is `private` or `confidential`: `full` shows them whole, marked "
    "CLASS:PRIVATE (or CONFIDENTIAL), for a client of your own; `busy` as busy time only "
    '(summary "Busy"; no description, location, organizer or attendees), for one you share.'
)


def private_events_field(**kwargs: Any) -> serializers.ChoiceField:
    choices = [c.value for c in CalendarFeed.PrivateEvents]
    return serializers.ChoiceField(choices=choices, help_text=PRIVATE_EVENTS_HELP, **kwargs)


class FeedCreateSerializer(validation.Body):
    calendars = serializers.ListField(
        child=serializers.CharField(max_length=1024),
        min_length=1,
        max_length=50,
        help_text="Calendar ids (or `primary`) of synced calendars of yours.",
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    private_events = private_events_field(required=False, default="full")

    def validate_calendars(self, value: list[str]) -> list[Calendar]:
        user = self.context["user"]
        found: list[Calendar] = []
        for name in dict.fromkeys(value):
            try:
                calendar = calendar_of(user=user, calendar_id=name)
            except Exception as exc:  # Http404: not a calendar of this user
                raise serializers.ValidationError(f"No calendar {name[:80]!r} of yours.") from exc
            if not calendar.sync_enabled:
                raise serializers.ValidationError(f"{name[:80]!r} is not synced; turn sync on.")
            found.append(calendar)
        return found


class FeedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    calendars = serializers.SerializerMethodField()
    private_events = private_events_field(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_calendars(self, feed: CalendarFeed) -> list[str]:
        return [c.google_id for c in feed.calendars.all()]


class FeedUpdateSerializer(validation.Body):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    private_events = private_events_field(required=False)


class FeedCreatedSerializer(FeedSerializer):
    url = serializers.URLField(read_only=True, help_text="Shown once: the secret is kept hashed.")


FEED_EXAMPLE = {
    "id": 7,
    "name": "Work, for my phone",
    "calendars": ["alice@example.com"],
    "private_events": "full",
    "created_at": "2026-12-01T09:00:00Z",
    "url": "http://127.0.0.1:8000/rest/v1/feeds/ics/3q2-7wEXAMPLEc2VjcmV0LW9ubHktc2hvd24tb25jZQ.ics",
}


FEED_LIST = inline_serializer(
    "FeedList",
    {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": FeedSerializer(many=True),
    },
)


@no_store_view
class FeedListView(ApiView):
    @extend_schema(
        operation_id="feeds_list",
        summary="The user's ICS feeds (their URLs are never shown again)",
        responses={200: FEED_LIST, **doc.READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        feeds = feeds_of(user=request.user)
        return Response(pagination.single_page(FeedSerializer(feeds, many=True).data))

    @extend_schema(
        operation_id="feeds_create",
        summary="Create an ICS feed of some calendars; the answer's url holds its secret",
        request=FeedCreateSerializer,
        responses={
            201: FeedCreatedSerializer,
            400: doc.BAD_REQUEST,
            403: doc.FORBIDDEN,
            **doc.READ_ERRORS,
        },
        examples=[
            OpenApiExample(
                "feed",
                value={"calendars": ["primary"], "name": "Work, for my phone"},
                request_only=True,
            ),
            OpenApiExample("created", value=FEED_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request: Request) -> Response:
        data = validation.parsed(FeedCreateSerializer, request.data, context={"user": request.user})
        feed, secret = feed_create(
            user=request.user,
            name=data["name"],
            calendars=data["calendars"],
            private_events=data["private_events"],
        )
        return Response(_with_url(request, feed, secret), status=status.HTTP_201_CREATED)


def _with_url(request: Request, feed: CalendarFeed, secret: str) -> dict[str, Any]:
    """The feed as listed, plus its URL (which holds the secret: only this answer shows it)."""
    url = request.build_absolute_uri(reverse("calendar_feeds:ics", kwargs={"secret": secret}))
    return {**FeedSerializer(feed).data, "url": url}


class FeedDetailView(ApiView):
    @extend_schema(
        operation_id="feeds_partial_update",
        summary="Rename a feed, or choose how it shows private events (its URL stays)",
        request=FeedUpdateSerializer,
        responses={
            200: FeedSerializer,
            400: doc.BAD_REQUEST,
            403: doc.FORBIDDEN,
            **doc.READ_ERRORS,
        },
        examples=[
            OpenApiExample("busy only", value={"private_events": "busy"}, request_only=True),
        ],
    )
    def patch(self, request: Request, pk: int) -> Response:
        feed = get_object_or_404(feeds_of(user=request.user), pk=pk)
        changes = validation.parsed(FeedUpdateSerializer, request.data)
        return Response(FeedSerializer(feed_update(feed=feed, changes=changes)).data)

    @extend_schema(
        operation_id="feeds_delete",
        summary="Revoke an ICS feed: its URL answers 404 from now on",
        responses={204: None, 403: doc.FORBIDDEN, **doc.READ_ERRORS},
    )
    def delete(self, request: Request, pk: int) -> Response:
        feed_delete(feed=get_object_or_404(feeds_of(user=request.user), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@no_store_view
class FeedRotateSecretView(ApiView):
    @extend_schema(
        operation_id="feeds_rotate_secret",
        summary="A new secret URL for the feed, shown once; the old URL answers 404 from now on",
        request=None,
        responses={200: FeedCreatedSerializer, 403: doc.FORBIDDEN, **doc.READ_ERRORS},
        examples=[OpenApiExample("rotated", value=FEED_EXAMPLE, response_only=True)],
    )
    def post(self, request: Request, pk: int) -> Response:
        feed = get_object_or_404(feeds_of(user=request.user), pk=pk)
        return Response(_with_url(request, feed, feed_rotate(feed=feed)))


class ICalendarRenderer(BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data


class FeedIcsView(ApiView):
    """The feed itself: the secret in the URL is the only credential."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [ICalendarRenderer, JSONRenderer]

    @extend_schema(
        operation_id="feeds_ics",
        summary="The ICS feed (text/calendar), conditional on ETag / Last-Modified",
        auth=[],
        responses={
            (200, "text/calendar"): OpenApiResponse(
                OpenApiTypes.STR, description="An iCalendar (RFC 5545) VCALENDAR."
            ),
            304: OpenApiResponse(description="Not modified since the ETag / date given."),
            404: doc.NOT_FOUND,
            429: doc.THROTTLED,
        },
    )
    def get(self, request: Request, secret: str) -> HttpResponse:
        feed = feed_find(secret=secret) if len(secret) <= MAX_SECRET else None
        if feed is None:
            return JsonResponse(error_body("not_found", "No such feed.", 404), status=404)
        version = feed_version(feed=feed)
        last_modified = int(version.last_modified.timestamp())
        django_request: HttpRequest = request._request
        answer = get_conditional_response(
            django_request, etag=version.etag, last_modified=last_modified
        )
        if answer is None:
            answer = HttpResponse(
                feed_render(feed=feed), content_type="text/calendar; charset=utf-8"
            )
            answer["Content-Disposition"] = 'inline; filename="calendar.ics"'
        answer["ETag"] = version.etag
        answer["Last-Modified"] = http_date(last_modified)
        patch_cache_control(answer, private=True, no_cache=True)
        answer["Referrer-Policy"] = "no-referrer"
        return answer
