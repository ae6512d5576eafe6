"""Connecting a Google account (`calendar_oauth:`): the flow's start, and Google's answer.

The redirect's full address must be the `GOOGLE_REDIRECT_URI` registered with Google.
"""

from __future__ import annotations

from django.urls import path

from calendar_api.views.oauth import GoogleCalendarInitView, GoogleCalendarRedirectView

app_name = "calendar_oauth"

urlpatterns = [
    path("calendar/init/", GoogleCalendarInitView.as_view(), name="init"),
    path("calendar/redirect/", GoogleCalendarRedirectView.as_view(), name="redirect"),
]
