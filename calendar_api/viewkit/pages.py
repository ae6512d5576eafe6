"""A page of the site in plain HTML, rendered under the strict Content-Security-Policy (a nonce
per response for its styles; scripts only from our static files)."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calendar_api.conf import app_settings

# FullCalendar's icon font (the arrows of its toolbar) is a data: URL inside its styles.
CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "style-src 'self' 'nonce-{nonce}'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
BASE_TEMPLATE = "calendar_api/base.html"


def base_template() -> str:
    """The template the app's pages extend: the host's (GOOGLE_CALENDAR['BASE_TEMPLATE'], read
    on every page so `override_settings` works), or the app's own."""
    return app_settings.BASE_TEMPLATE or BASE_TEMPLATE


def page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    """Render a page under the strict Content-Security-Policy, extending the base template."""
    nonce = secrets.token_urlsafe(16)
    context = {"calendar_base_template": base_template(), **context, "csp_nonce": nonce}
    response = render(request, template, context, status=status)
    response["Content-Security-Policy"] = CSP.format(nonce=nonce)
    return response
