"""A host's URLconf for tests: the whole app under a prefix of its own, and no error handlers."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("calendar/", include("calendar_api.urls"))]
