"""The web pages (`calendar_pages:`): the calendar with its accounts, the data its script
fetches, the analytics page and the Developer page (API tokens, feeds, webhooks). They call the REST API, so a host mounting them mounts it too."""

from __future__ import annotations

from django.urls import path

from calendar_api.analytics.page import analytics_page
from calendar_api.views import developer, web, web_data

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
    path("developer/", developer.developer_page, name="developer"),
    path("developer/tokens/", developer.token_create, name="developer-token-create"),
    path(
        "developer/tokens/<str:token_key>/revoke/",
        developer.token_revoke,
        name="developer-token-revoke",
    ),
    path("developer/feeds/", developer.feed_add, name="developer-feed-create"),
    path("developer/feeds/<int:pk>/new-url/", developer.feed_new_url, name="developer-feed-rotate"),
    path("developer/feeds/<int:pk>/delete/", developer.feed_remove, name="developer-feed-delete"),
    path(
        "developer/webhooks/<int:pk>/new-secret/",
        developer.webhook_new_secret,
        name="developer-webhook-rotate",
    ),
    path(
        "developer/webhooks/<int:pk>/delete/",
        developer.webhook_remove,
        name="developer-webhook-delete",
    ),
]
