from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from calendar_api.analytics.page import analytics_page
from calendar_api.views import operations, web, web_data
from calendar_project import admin_login

urlpatterns = [
    path("", web.home, name="web-home"),
    path("accounts/<int:pk>/sync/", web.sync_now, name="web-sync"),
    path("accounts/<int:pk>/disconnect/", web.disconnect, name="web-disconnect"),
    path("calendars/<int:pk>/sync/", web.toggle_sync, name="web-calendar-sync"),
    path("sign-out/", web.sign_out, name="web-sign-out"),
    path("web/events/", web_data.events_window, name="web-events"),
    path("web/stream/", web_data.stream, name="web-stream"),
    path("web/preferences/", web_data.preferences, name="web-preferences"),
    path("web/progress/", web_data.progress, name="web-progress"),
    path("analytics/", analytics_page, name="web-analytics"),
    path("admin/login/", admin_login.login),  # before the admin's own: failures are limited
    path("admin/", admin.site.urls),
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.ReadyzView.as_view(), name="readyz"),
    path("metrics", operations.metrics, name="metrics"),
    path("rest/v1/", include("calendar_api.urls")),
]

# Browsers get a page in words, API clients the API's JSON error shape.
handler404 = "calendar_api.views.errors.handler404"
handler500 = "calendar_api.views.errors.handler500"
