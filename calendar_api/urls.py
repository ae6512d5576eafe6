from __future__ import annotations

from django.urls import path

from calendar_api.views.oauth import GoogleCalendarInitView, GoogleCalendarRedirectView

app_name = "calendar_api"

urlpatterns = [
    path("calendar/init/", GoogleCalendarInitView.as_view(), name="calendar-init"),
    path("calendar/redirect/", GoogleCalendarRedirectView.as_view(), name="calendar-redirect"),
]
