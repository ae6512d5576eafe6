from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from calendar_api.views import web

urlpatterns = [
    path("", web.home, name="web-home"),
    path("accounts/<int:pk>/sync/", web.sync_now, name="web-sync"),
    path("accounts/<int:pk>/disconnect/", web.disconnect, name="web-disconnect"),
    path("calendars/<int:pk>/sync/", web.toggle_sync, name="web-calendar-sync"),
    path("sign-out/", web.sign_out, name="web-sign-out"),
    path("admin/", admin.site.urls),
    path("rest/v1/", include("calendar_api.urls")),
]

handler404 = "calendar_api.exceptions.json_handler404"
handler500 = "calendar_api.exceptions.json_handler500"
