"""The web pages (`calendar_pages:`): the calendar with its accounts, the data its script
fetches, and the analytics page. They call the REST API, so a host mounting them mounts it too."""

from __future__ import annotations

from django.urls import path

from calendar_api.analytics.page import analytics_page
from calendar_api.views import web, web_data

app_name = "calendar_pages"

urlpatterns = [
    path("", web.home, name="home"),
    path("accounts/<int:pk>/sync/", web.sync_now, name="sync"),
    path("accounts/<int:pk>/disconnect/", web.disconnect, name="disconnect"),
    path("calendars/<int:pk>/sync/", web.toggle_sync, name="calendar-sync"),
    path("sign-out/", web.sign_out, name="sign-out"),
    path("web/events/", web_data.events_window, name="events"),
    path("web/stream/", web_data.stream, name="stream"),
    path("web/preferences/", web_data.preferences, name="preferences"),
    path("web/progress/", web_data.progress, name="progress"),
    path("web/status/", web_data.status, name="status"),
    path("analytics/", analytics_page, name="analytics"),
]
