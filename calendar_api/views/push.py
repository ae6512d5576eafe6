"""`POST /rest/v1/calendar/notifications/`: Google's push notifications.

Checked (channel id and token, in constant time) and answered at once; the work is one queued
incremental sync. Forged notifications get 403 and cause no work; replayed or stale ones get
200 so Google does not retry them.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api.exceptions import ApiError
from calendar_api.metrics import WEBHOOK_NOTIFICATIONS
from calendar_api.services.watches import MAX_MESSAGE_NUMBER, Notification, notification_receive
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema


class ForgedNotification(ApiError):
    status_code = 403
    code = "unknown_channel"
    default_detail = "Unknown channel or wrong channel token."


class MalformedNotification(ApiError):
    code = "malformed_notification"
    default_detail = (
        "A push notification needs X-Goog-Channel-ID and X-Goog-Message-Number (1 to 2^63-1)."
    )


def message_number(text: str) -> int | None:
    """Google's message number: 1 to 2^63-1 (an int64, as the database stores it)."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_MESSAGE_NUMBER else None


# Google's channel headers, as the view reads them.
_TEXT = {"type": "string", "minLength": 1, "maxLength": 256}
HEADERS = [
    OpenApiParameter(name, kind, OpenApiParameter.HEADER, required=required)
    for name, kind, required in (
        ("X-Goog-Channel-ID", _TEXT, True),
        ("X-Goog-Channel-Token", _TEXT, False),
        ("X-Goog-Message-Number", {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"}, True),
        ("X-Goog-Resource-State", _TEXT, False),
        ("X-Goog-Resource-ID", _TEXT, False),
    )
]


class GoogleNotificationView(ApiView):
    authentication_classes: list[type] = []  # Google's POSTs carry the channel token instead
    permission_classes = [AllowAny]
    # Not throttled: Google treats a 429 as a failed delivery and drops it. A forged POST costs
    # one indexed lookup and no work.
    throttle_classes: list[type] = []

    @extend_schema(
        operation_id="google_notifications",
        summary="Google's push notifications (checked by channel id and token)",
        auth=[],
        request=None,
        parameters=HEADERS,
        responses={
            200: inline_serializer("NotificationAnswer", {"status": serializers.CharField()}),
            400: doc.error_response(400, "malformed_notification", "Missing channel headers."),
            403: doc.error_response(403, "unknown_channel", "Unknown channel or wrong token."),
        },
    )
    def post(self, request: Request) -> Response:
        headers = request.headers
        number = message_number(headers.get("X-Goog-Message-Number", ""))
        channel_id = headers.get("X-Goog-Channel-ID", "")
        if not channel_id or number is None:
            WEBHOOK_NOTIFICATIONS.labels(outcome="malformed").inc()
            raise MalformedNotification()
        outcome = notification_receive(
            channel_id=channel_id,
            token=headers.get("X-Goog-Channel-Token", ""),
            message_number=number,
            resource_state=headers.get("X-Goog-Resource-State", ""),
        )
        WEBHOOK_NOTIFICATIONS.labels(outcome=outcome.value).inc()
        if outcome is Notification.FORGED:
            raise ForgedNotification()
        return Response({"status": outcome.value})
