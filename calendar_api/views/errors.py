"""Error pages: a person's browser gets a page in plain words with a way back; API clients
(and the page's own scripts) keep the API's JSON error shape.

A request counts as a browser's when it asks for HTML by name in `Accept`, as a browser's
navigation does; `fetch`, curl and HTTP libraries send `*/*` or JSON and get JSON.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from calendar_api.exceptions import json_handler404, json_handler500
from calendar_api.viewkit.pages import page

SIGN_IN_PROBLEMS = {
    "state_mismatch": (
        "This sign-in link was already used",
        "You came back to a Google sign-in page that has already done its work (for example "
        "with the Back button), so it cannot be used again. You may well be connected already.",
    ),
    "state_expired": (
        "The sign-in took too long",
        "For your safety a sign-in must be finished within a few minutes. Please start again.",
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


def wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _page(request: HttpRequest, status: int, **context: Any) -> HttpResponse:
    defaults = {"back_url": "/", "back_label": "Back to your calendar", "status": status}
    return page(request, "calendar_api/error.html", {**defaults, **context}, status=status)


def sign_in_failed(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """The page for a failed or replayed OAuth redirect."""
    heading, explanation = SIGN_IN_PROBLEMS.get(
        code, ("Connecting Google Calendar did not work", message)
    )
    return _page(
        request,
        status,
        heading=heading,
        explanation=explanation,
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
