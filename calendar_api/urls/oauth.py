"""Connecting a Google account (`calendar_oauth:`): the flow's start, and Google's answer.

The redirect's full address must be the redirect URI registered with Google (GOOGLE_CALENDAR['REDIRECT_URI'], or PUBLIC_BASE_URL and this path).
"""

from __future__ import annotations

from django.urls import path

from calendar_api.views.oauth import GoogleCalendarInitView, GoogleCalendarRedirectView

app_name = "calendar_oauth"

urlpatterns = [
    path("calendar/init/", GoogleCalendarInitView.as_view(), name="init"),
    path("calendar/redirect/", GoogleCalendarRedirectView.as_view(), name="redirect"),
]
