"""Every part of the app, laid out as the demo project mounts it: the web pages and the
operations probes at the include's root, OAuth, Google's push, the ICS feeds and the REST API
under `rest/v1/`. A host wanting it all includes this; one wanting some parts, or other
prefixes, includes the parts (docs/architecture.md, "Mounting the app").

This include has no namespace of its own: each part keeps its own (`calendar_pages`,
`calendar_operations`, `calendar_oauth`, `calendar_push`, `calendar_feeds`, `calendar_api`), so
the app's names reverse the same however a host mounts it.
"""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("calendar_api.urls.pages")),
    path("", include("calendar_api.urls.operations")),
    path("rest/v1/", include("calendar_api.urls.oauth")),
    path("rest/v1/", include("calendar_api.urls.push")),
    path("rest/v1/", include("calendar_api.urls.feeds")),
    path("rest/v1/", include("calendar_api.urls.api")),  # last: it ends with the JSON 404
]
