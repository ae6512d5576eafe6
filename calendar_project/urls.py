from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("rest/v1/", include("calendar_api.urls")),
]

handler404 = "calendar_api.exceptions.json_handler404"
handler500 = "calendar_api.exceptions.json_handler500"
