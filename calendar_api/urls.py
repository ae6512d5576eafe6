from __future__ import annotations

from django.urls import path

from calendar_api.views.connections import (
    ConnectionDetailView,
    ConnectionListView,
    ConnectionSyncView,
)
from calendar_api.views.oauth import GoogleCalendarInitView, GoogleCalendarRedirectView
from calendar_api.views.tokens import TokenDetailView, TokenListView
from calendar_api.views.webhooks import GoogleNotificationView

app_name = "calendar_api"

urlpatterns = [
    path("calendar/init/", GoogleCalendarInitView.as_view(), name="calendar-init"),
    path("calendar/redirect/", GoogleCalendarRedirectView.as_view(), name="calendar-redirect"),
    path(
        "calendar/notifications/", GoogleNotificationView.as_view(), name="calendar-notifications"
    ),
    path("connections/", ConnectionListView.as_view(), name="connection-list"),
    path("connections/<int:pk>/", ConnectionDetailView.as_view(), name="connection-detail"),
    path("connections/<int:pk>/sync/", ConnectionSyncView.as_view(), name="connection-sync"),
    path("auth/tokens/", TokenListView.as_view(), name="token-list"),
    path("auth/tokens/<str:token_key>/", TokenDetailView.as_view(), name="token-detail"),
]
