"""Refuses a request body sent in chunks without a Content-Length: `411 Length Required`.

Django reads a request body up to its Content-Length, under WSGI (`WSGIRequest`) and ASGI
(`ASGIRequest`) alike, and takes a missing one as 0; so a chunked POST, PUT or PATCH reached the
views as an empty body and was judged as one (pentest issue 19). Reading it properly would
depend on the server (gunicorn's `wsgi.input_terminated`, uvicorn's reassembled body) and
bypass the size check Django makes from Content-Length; a 411 is the same under every server,
and every HTTP client can send the length. Checked against Django 5.2 and 6.0.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse

from calendar_api.exceptions import error_body

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class LengthRequiredMiddleware:
    """Early in MIDDLEWARE: nothing else reads a body that is about to be refused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if length_missing(request):
            message = "A request body needs a Content-Length header (chunked bodies are refused)."
            return JsonResponse(error_body("length_required", message, 411), status=411)
        return self.get_response(request)


def length_missing(request: HttpRequest) -> bool:
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    unmeasured = not request.META.get("CONTENT_LENGTH")
    return request.method in BODY_METHODS and chunked and unmeasured
