"""Google's push notifications (`calendar_push:`). The channels opened at Google carry this
address: `PUBLIC_BASE_URL` plus the path it is mounted at (services/watches.py)."""

from __future__ import annotations

from django.urls import path

from calendar_api.views.push import GoogleNotificationView

app_name = "calendar_push"

urlpatterns = [
    path("calendar/notifications/", GoogleNotificationView.as_view(), name="notifications"),
]
