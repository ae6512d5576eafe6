"""The ASGI handler the product is served with (calendar_project/asgi.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain built as under WSGI, entered once per
    request, on a pool of long-lived threads.

    - Every middleware here is synchronous at heart (MiddlewareMixin and its kind). Under
      Django's own ASGI handler each hook of each runs through a `sync_to_async` of its own:
      about 20 thread switches a request, two thirds of a 15 ms API read on the machines here.
      Built as one synchronous chain, a request switches once. Async views (readiness) are
      still awaited (Django adapts them), and a streamed response (the live stream) is still
      sent from the event loop by the handler.
    - Django's handler also runs each request's synchronous code on a thread made for that
      request, so every request opened a new database connection (connections are per
      thread): a few milliseconds each on SQLite. Here the chain runs on `WEB_SYNC_THREADS`
      threads that live as long as the process, and each keeps its connection as a WSGI
      server's threads do: closed once older than CONN_MAX_AGE, or broken (checked as the
      request starts and when it ends, as Django's request signals do).
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]
        self.pool = pool = ThreadPoolExecutor(settings.WEB_SYNC_THREADS, thread_name_prefix="web")

        def served(request: Any) -> Any:
            close_old_connections()
            try:
                return chain(request)
            finally:
                close_old_connections()

        self._middleware_chain = sync_to_async(served, thread_sensitive=False, executor=pool)
