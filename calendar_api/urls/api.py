"""The REST API (`calendar_api:`), its schema and docs: a host includes it under a prefix of its
choosing (the demo: `rest/v1/`).

It ends with a catch-all, so anything else under its prefix answers the API's JSON 404: include
it last among the parts sharing its prefix, or the parts after it are never reached.
"""

from __future__ import annotations

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from calendar_api.analytics.views import AnalyticsView
from calendar_api.feeds.views import FeedDetailView, FeedListView, FeedRotateSecretView
from calendar_api.viewkit.openapi import DocsView, SchemaView
from calendar_api.views.calendars import CalendarDetailView, CalendarListView
from calendar_api.views.connections import (
    ConnectionDetailView,
    ConnectionListView,
    ConnectionSyncView,
)
from calendar_api.views.errors import handler404
from calendar_api.views.events import EventDetailView, EventInstancesView, EventListView
from calendar_api.views.freebusy import FreeBusyView
from calendar_api.views.preferences import PreferencesView
from calendar_api.views.tokens import TokenDetailView, TokenListView
from calendar_api.webhooks.views import (
    WebhookDeliveryListView,
    WebhookDeliveryReplayView,
    WebhookDetailView,
    WebhookListView,
    WebhookRotateSecretView,
)

app_name = "calendar_api"

urlpatterns = [
    path("connections/", ConnectionListView.as_view(), name="connection-list"),
    path("connections/<int:pk>/", ConnectionDetailView.as_view(), name="connection-detail"),
    path("connections/<int:pk>/sync/", ConnectionSyncView.as_view(), name="connection-sync"),
    path("auth/tokens/", TokenListView.as_view(), name="token-list"),
    path("auth/tokens/<str:token_key>/", TokenDetailView.as_view(), name="token-detail"),
    path("calendars/", CalendarListView.as_view(), name="calendar-list"),
    path("calendars/<str:calendar_id>/", CalendarDetailView.as_view(), name="calendar-detail"),
    path("calendars/<str:calendar_id>/events/", EventListView.as_view(), name="event-list"),
    path(
        "calendars/<str:calendar_id>/events/<str:event_id>/",
        EventDetailView.as_view(),
        name="event-detail",
    ),
    path(
        "calendars/<str:calendar_id>/events/<str:event_id>/instances/",
        EventInstancesView.as_view(),
        name="event-instances",
    ),
    path("freebusy/", FreeBusyView.as_view(), name="freebusy"),
    path("preferences/", PreferencesView.as_view(), name="preferences"),
    path("webhooks/", WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<int:endpoint_id>/", WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret/",
        WebhookRotateSecretView.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/",
        WebhookDeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay/",
        WebhookDeliveryReplayView.as_view(),
        name="webhook-delivery-replay",
    ),
    path("analytics/", AnalyticsView.as_view(), name="analytics"),
    path("feeds/", FeedListView.as_view(), name="feed-list"),
    path("feeds/<int:pk>/", FeedDetailView.as_view(), name="feed-detail"),
    path(
        "feeds/<int:pk>/rotate-secret/",
        FeedRotateSecretView.as_view(),
        name="feed-rotate-secret",
    ),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    # Anything else under the API's prefix is the API's JSON 404, also with DEBUG on (Django's debug
    # page is HTML) and without a trailing slash (no redirect, which a POST cannot follow).
    # Exempt from CSRF: it changes nothing, and a POST must get this 404, not Django's 403 page.
    re_path(r"", csrf_exempt(handler404), name="not-found"),
]
