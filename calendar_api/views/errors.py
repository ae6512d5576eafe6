"""Error pages: a person's browser gets a page in plain words with a way back; API clients
(and the page's own scripts) keep the API's JSON error shape.

A request counts as a browser's when it asks for HTML by name in `Accept`, as a browser's
navigation does; `fetch`, curl and HTTP libraries send `*/*` or JSON and get JSON.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from calendar_api.conf import app_settings
from calendar_api.exceptions import json_handler404, json_handler500
from calendar_api.google.config import redirect_uri
from calendar_api.viewkit.pages import page

SIGN_IN_PROBLEMS = {
    "state_missing": (
        "This sign-in link is incomplete",
        "The address you came back to from Google has no sign-in state, so this site cannot "
        "tell which sign-in it finishes. Nothing was connected.",
    ),
    "state_unknown": (
        "This sign-in could not be matched",
        "This browser's session on this site has no record of starting this sign-in, so "
        "nothing was connected. The usual causes:",
    ),
    "state_used": (
        "This sign-in link was already used",
        "You came back to a Google sign-in page that has already done its work (for example "
        "with the Back button), so it cannot be used again. You may well be connected already.",
    ),
    "state_expired": (
        "The sign-in took too long",
        "For your safety a sign-in must be finished within {minutes}. Nothing was connected.",
    ),
    "access_denied": (
        "Access was not granted",
        "Google Calendar was not connected because access was declined on Google's page.",
    ),
    "sign_in_required": (
        "Please sign in first",
        "Google Calendar can be connected only to an account on this site: sign in, then "
        "connect it again. Nothing was connected.",
    ),
    "scope_not_granted": (
        "Calendar access is needed",
        "Connect again, and tick the box that allows access to Google Calendar.",
    ),
}
UNKNOWN_STATE_CAUSES = (
    "It was started at another address of this site. Browsers keep the cookies of localhost "
    "and 127.0.0.1 apart: open this site at {origin} and connect from there.",
    "Your session ended while you were on Google's page: it expired, or you signed out.",
    "Your browser blocks cookies for this site, so it could not remember the sign-in.",
    "The link was opened in another browser, or in a private window.",
)
START_AGAIN = ("state_missing", "state_unknown", "state_used", "state_expired", "access_denied")


def wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _page(request: HttpRequest, status: int, **context: Any) -> HttpResponse:
    defaults = {"back_url": "/", "back_label": "Back to your calendar", "status": status}
    return page(request, "calendar_api/error.html", {**defaults, **context}, status=status)


def sign_in_failed(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """The page for a failed or replayed OAuth redirect: what happened, its likely causes in
    plain words, and a button to start again."""
    heading, explanation = SIGN_IN_PROBLEMS.get(
        code, ("Connecting Google Calendar did not work", message)
    )
    minutes = max(1, int(app_settings.OAUTH_STATE_TTL) // 60)
    explanation = explanation.format(minutes=f"{minutes} minute{'s' if minutes > 1 else ''}")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(redirect_uri()))
    causes = (
        [c.format(origin=origin) for c in UNKNOWN_STATE_CAUSES] if code == "state_unknown" else []
    )
    again = f"{reverse('calendar_oauth:init')}?{urlencode({'next': '/'})}"
    return _page(
        request,
        status,
        heading=heading,
        explanation=explanation,
        causes=causes,
        start_again_url=again if code in START_AGAIN else "",
        code=code,
        back_label="Back to the calendar",
    )


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not wants_html(request):
        return json_handler404(request, exception)
    return _page(
        request,
        404,
        heading="This page does not exist",
        explanation="The address may be mistyped, or the page was moved or removed.",
    )


def handler500(request: HttpRequest) -> HttpResponse:
    if not wants_html(request):
        return json_handler500(request)
    return _page(
        request,
        500,
        heading="Something went wrong on our side",
        explanation="We could not finish this request. Nothing you did caused it; please try "
        "again in a moment.",
    )
