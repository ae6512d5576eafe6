"""The site's own error pages under DEBUG too (`make run`): Django shows its debug pages there
instead (a 404 listing every URL pattern, a 500 with the traceback), which is not what a person
trying the demo should see. The traceback of a 500 is still logged, as Django logs it. Set
DEBUG_ERROR_PAGES=true to get Django's debug pages back."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from calendar_api.views.errors import handler404, handler500

logger = logging.getLogger("django.request")


class PlainErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not settings.DEBUG:  # Django shows the site's pages (handler404) itself
            return response
        if response.status_code == 404 and request.resolver_match is None:
            return handler404(request)  # no URL pattern matched: Django's debug 404 page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return handler404(request, exception)
        if isinstance(exception, (PermissionDenied, BadRequest, SuspiciousOperation)):
            return None  # Django's plain 403 and 400 pages
        signals.got_request_exception.send(sender=None, request=request)  # as Django's handler
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return handler500(request)
