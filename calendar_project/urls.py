from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from calendar_project import admin_login


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """`/favicon.ico`, which browsers ask for on pages that name no icon (the admin's): the
    app's SVG icon, which the app's pages link to."""
    return HttpResponseRedirect(static("calendar_api/favicon.svg"))


# The app's parts, mounted as any host would (`include("calendar_api.urls")` is the same).
urlpatterns = [
    path("", include("calendar_api.urls.pages")),
    path("favicon.ico", favicon),
    path("admin/login/", admin_login.login),  # before the admin's own: failures are limited
    path("admin/", admin.site.urls),
    path("", include("calendar_api.urls.operations")),
    path("rest/v1/", include("calendar_api.urls.oauth")),
    path("rest/v1/", include("calendar_api.urls.push")),
    path("rest/v1/", include("calendar_api.urls.feeds")),
    path("rest/v1/", include("calendar_api.urls.api")),  # last: it ends with the JSON 404
]

# The whole site's errors: a browser gets a page in words, other clients the API's JSON error
# shape. The app does not need these (its API answers its own JSON 404): the demo's choice.
handler404 = "calendar_api.views.errors.handler404"
handler500 = "calendar_api.views.errors.handler500"
