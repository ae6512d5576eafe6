"""The ICS feeds' URLs (`calendar_feeds:`), for calendar clients: the secret in the path is the
only authentication. Managing feeds is part of the REST API."""

from __future__ import annotations

from django.urls import path

from calendar_api.feeds.views import FeedIcsView

app_name = "calendar_feeds"

urlpatterns = [
    path("feeds/ics/<str:secret>.ics", FeedIcsView.as_view(), name="ics"),
]
