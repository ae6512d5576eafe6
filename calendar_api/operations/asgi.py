"""The ASGI handler the product is served with (calendar_project/asgi.py)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain built as under WSGI and entered once.

    Every middleware here is synchronous at heart (MiddlewareMixin and its kind). Under Django's
    own ASGI handler each hook of each runs through a `sync_to_async` of its own: about 40
    thread switches a request, two thirds of a 15 ms API read on the machines here. Built as
    one synchronous chain, a request switches once; async views (readiness) are still awaited
    (Django adapts them), and a streamed response (the live stream) is still sent from the
    event loop by the handler."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]
        self._middleware_chain = sync_to_async(chain, thread_sensitive=True)
