"""`POST /rest/v1/calendar/notifications/`: Google's push notifications.

Checked (channel id and token, in constant time) and answered at once; the work is one queued
incremental sync. Forged notifications get 403 and cause no work; replayed or stale ones get
200 so Google does not retry them.
"""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_api.exceptions import ApiError
from calendar_api.services.watches import Notification, notification_receive


class ForgedNotification(ApiError):
    status_code = 403
    code = "unknown_channel"
    default_detail = "Unknown channel or wrong channel token."


class MalformedNotification(ApiError):
    code = "malformed_notification"
    default_detail = "A push notification needs X-Goog-Channel-ID and X-Goog-Message-Number."


class GoogleNotificationView(APIView):
    authentication_classes: list[type] = []  # Google's POSTs carry the channel token instead
    permission_classes = [AllowAny]
    # Not throttled: Google treats a 429 as a failed delivery and drops it. A forged POST costs
    # one indexed lookup and no work.
    throttle_classes: list[type] = []

    def post(self, request: Request) -> Response:
        headers = request.headers
        number = headers.get("X-Goog-Message-Number", "")
        if not headers.get("X-Goog-Channel-ID") or not number.isdigit():
            raise MalformedNotification()
        outcome = notification_receive(
            channel_id=headers["X-Goog-Channel-ID"],
            token=headers.get("X-Goog-Channel-Token", ""),
            message_number=int(number),
            resource_state=headers.get("X-Goog-Resource-State", ""),
        )
        if outcome is Notification.FORGED:
            raise ForgedNotification()
        return Response({"status": outcome.value})
