"""The ASGI handler the product is served with (calendar_project/asgi.py).

Replaces: `django.core.handlers.asgi.ASGIHandler.handle()` and how it runs the synchronous
middleware chain. Relies on these Django internals: `ASGIHandler.read_body()`,
`.create_request()`, `.send_response()`, `.listen_for_disconnect()`, `.load_middleware()`,
`BaseHandler.get_response()`, `get_script_prefix()`, and the order in which Django sends
`request_started` / `request_finished` and closes a response. Checked against Django 5.2.19
(tests/calendar_api/test_asgi.py and test_web_stream_asgi.py, under uvicorn); to be checked
again on each Django upgrade, 6.x included.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

from calendar_api.conf import app_settings


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler, with everything synchronous about a request done in one crossing
    from the event loop to a thread, on a pool of long-lived threads.

    - Every middleware here is synchronous at heart (MiddlewareMixin and its kind). Under
      Django's own ASGI handler each hook of each runs through a `sync_to_async` of its own,
      and so do the request_started signal and closing the response: about 20 thread switches
      a request, two thirds of a 15 ms API read on the machines here. Here the middleware
      chain is built as under WSGI, and one crossing sends request_started, runs the chain
      (Django adapts an async view, such as readiness) and, for a response that is not
      streamed, closes it (request_finished). Each crossing left cost about a millisecond
      (measured under uvicorn). A streamed response (the live stream) is still sent from the
      event loop, then closed on the pool. A client that disconnects is noticed as Django's
      handler notices it.
    - Django's handler also runs each request's synchronous code on a thread made for that
      request, so every request opened a new database connection (connections are per
      thread): a few milliseconds each on SQLite. Here the `WEB_SYNC_THREADS` threads live as
      long as the process, and each keeps its connection as a WSGI server's threads do: closed
      once older than CONN_MAX_AGE, or broken (Django's request signals check it, on the
      thread that uses it).
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self.pool = ThreadPoolExecutor(app_settings.WEB_SYNC_THREADS, thread_name_prefix="web")

    def on_pool(self, work: Any) -> Any:
        return sync_to_async(work, thread_sensitive=False, executor=self.pool)

    def served(self, request: Any, scope: dict[str, Any]) -> HttpResponseBase:
        """The synchronous part of a request, as a WSGI server runs it."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        response = self.get_response(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):  # as Django: the server chunks the file
            response.block_size = self.chunk_size
        if not response.streaming:  # its content is in hand: closed before it is sent
            response.close()
        elif not response.is_async:  # type: ignore[attr-defined]
            chunks = response.streaming_content  # type: ignore[attr-defined]
            response.streaming_content = self.read_on_pool(chunks)  # type: ignore[attr-defined]
        return response

    def read_on_pool(self, chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
        """A synchronous stream (a static file from WhiteNoise, any FileResponse) sent from the
        event loop a chunk at a time, each read on the pool. Sent as it is, Django's handler
        warns ("StreamingHttpResponse must consume synchronous iterators") and reads the whole
        file into memory first."""
        pull = self.on_pool(next)

        async def pulled() -> AsyncIterator[bytes]:
            while (chunk := await pull(chunks, None)) is not None:
                yield chunk

        return pulled()

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            refused = cast(HttpResponseBase, error_response)  # Django gives one or the other
            body_file.close()
            await self.send_response(refused, send)
            await self.on_pool(refused.close)()
            return

        async def process_request() -> HttpResponseBase:
            response: HttpResponseBase = await self.on_pool(self.served)(request, scope)
            with contextlib.suppress(asyncio.CancelledError):  # the client went away
                await self.send_response(response, send)
            return response

        # As Django's handler: a disconnect while the response is made or streamed cancels it.
        listening = asyncio.create_task(self.listen_for_disconnect(receive))
        processing = asyncio.create_task(process_request())
        await asyncio.wait([listening, processing], return_when=asyncio.FIRST_COMPLETED)
        for task in (listening, processing):
            if task.done():
                with contextlib.suppress(RequestAborted):
                    task.result()
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        # A streamed response is closed once sent (or abandoned). One that was cancelled while
        # it was made is closed by its crossing, unless it streams: then the next request on
        # that thread checks the connection, as request_finished would have.
        if not processing.cancelled() and processing.exception() is None:
            response = processing.result()
            if response.streaming:
                await self.on_pool(response.close)()
        body_file.close()
