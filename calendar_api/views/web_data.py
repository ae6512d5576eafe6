"""The web calendar's data endpoints (for the page's script, JSON and server-sent events).

Writes do not live here: the page sends them to the REST API itself (session and CSRF token),
so every form is validated by the API's own rules and answers in its error shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers

from calendar_api.conf import app_settings
from calendar_api.exceptions import error_body
from calendar_api.kits.zone_names import current_name
from calendar_api.services.preferences import preferences_update
from calendar_api.validation import parse_datetime, parse_zone
from calendar_api.viewkit.caching import no_store
from calendar_api.web import live
from calendar_api.web.status import sync_status
from calendar_api.web.window import sync_progress, window_json

MAX_WINDOW = dt.timedelta(days=100)


def _bad(field: str, problem: str) -> JsonResponse:
    body = error_body("invalid", "The request is invalid.", 400, fields={field: [problem]})
    return JsonResponse(body, status=400)


def _unauthorized() -> JsonResponse:
    body = error_body("not_authenticated", "Sign in first.", 401)
    return JsonResponse(body, status=401)


@no_store
@require_GET
def events_window(request: HttpRequest) -> HttpResponse:
    """`GET /web/events/?start=&end=` (RFC 3339): the events FullCalendar shows in a view."""
    if not request.user.is_authenticated:
        return _unauthorized()
    moments = {}
    for name in ("start", "end"):
        try:
            moments[name] = parse_datetime(request.GET.get(name, ""))
        except serializers.ValidationError as exc:
            return _bad(name, str(exc.detail[0]))  # type: ignore[index]
    if not dt.timedelta(0) < moments["end"] - moments["start"] <= MAX_WINDOW:
        return _bad("end", "Ask for a window of up to 100 days, ending after its start.")
    text = window_json(user=request.user, low=moments["start"], high=moments["end"])
    return HttpResponse(text.encode(), content_type="application/json")


@no_store
@login_required
@require_POST
def preferences(request: HttpRequest) -> JsonResponse:
    """`POST /web/preferences/` with `time_zone` (IANA, or empty for the browser's zone)."""
    name = request.POST.get("time_zone", "").strip()
    if name:
        try:
            parse_zone(name)
        except serializers.ValidationError:
            return _bad("time_zone", f"{name[:64]!r} is not a time zone.")
    prefs = preferences_update(user=request.user, time_zone=current_name(name))
    return JsonResponse({"time_zone": prefs.time_zone})


def _cursor(request: HttpRequest) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


class _StreamResponse(StreamingHttpResponse):
    """Gives the stream's place back when closed: every server closes a response once it is
    sent or abandoned (a client that went away), which a generator's `finally` is not
    promised (one never started, or an async one left suspended, runs none)."""

    def __init__(self, content: Any, place: live.Place) -> None:
        super().__init__(content, content_type="text/event-stream")
        self.place = place

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.place.release()


@require_GET
def stream(request: HttpRequest) -> HttpResponseBase:
    """`GET /web/stream/`: the person's store changes as server-sent events."""
    if not request.user.is_authenticated:
        return _unauthorized()
    user: Any = request.user
    place = live.place_take(user)
    if place is None:
        limit = app_settings.WEB_STREAMS_PER_USER
        message = f"At most {limit} live streams at once: close one (another tab?) first."
        return JsonResponse(error_body("too_many_streams", message, 429), status=429)
    after = _cursor(request)
    content: Any = (
        live.astream(user, after, place)
        if isinstance(request, ASGIRequest)
        else live.stream(user, after, place)
    )
    response = _StreamResponse(content, place)
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


@no_store
@require_GET
def progress(request: HttpRequest) -> JsonResponse:
    """`GET /web/progress/`: how far the first sync of each shown calendar has come."""
    if not request.user.is_authenticated:
        return _unauthorized()
    return JsonResponse(sync_progress(user=request.user))


@no_store
@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """`GET /web/status/`: each account's sync state, which the page puts in words."""
    if not request.user.is_authenticated:
        return _unauthorized()
    return JsonResponse(sync_status(user=request.user))
