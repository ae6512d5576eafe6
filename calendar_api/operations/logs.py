"""Structured logs (structlog over the standard library's logging).

Every line, ours and the libraries' (Django, django-tasks, uvicorn), goes through one handler
and one formatter: JSON (LOG_FORMAT=json, the production default) or readable text (`make run`),
each line once, with OAuth codes, tokens and state redacted. A request logs one line with its
request id; a job logs one line with its task id and calendar.
"""

from __future__ import annotations

import inspect
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from calendar_api.operations.redaction import redact

request_logger = structlog.get_logger("calendar.request")
job_logger = structlog.get_logger("calendar.job")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # a proxy's X-Request-ID, if sane


PLAIN = (bool, int, float, dict, list, tuple, type(None))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, PLAIN):
        return value
    # Any other object (a request, a response in Django's "Bad Request" lines) would be shown
    # by its repr, which can hold the URL with its code and state: redact that text instead.
    return redact(repr(value))


def redact_event(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: redact secrets from every value of a line."""
    return {key: _clean(value) for key, value in event.items()}


def drop_noise(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: drop what other libraries put on their lines that tells nothing
    here: uvicorn's `color_message` (the message again, with terminal escape codes),
    runserver's `server_time`, and a `request` object (a socket under runserver, Django's
    request under `django.request`), whose path the request line carries already. uvicorn's
    `uvicorn.error` logger, which logs all but access lines, is named `uvicorn`: its
    "Started server process" is no error."""
    if event.get("logger") == "uvicorn.error":
        event["logger"] = "uvicorn"
    event.pop("color_message", None)
    event.pop("server_time", None)
    if not isinstance(event.get("request", ""), str):
        del event["request"]
    return event


class OneLinePerRequest(logging.Filter):
    """One line per request: Django's own lines about a request that the request line tells
    already are dropped. These are "Not Found: /x" and "Forbidden (CSRF cookie not set.): /x"
    (`django.request`, `django.security.*`, for a status below 500), whose words go onto the
    request line as its `reason` when they come before it, and runserver's access line
    (`django.server`). A 5xx keeps its own line: it carries the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int):
            return True
        if record.name == "django.server":
            return False
        if status >= 500 or not record.name.startswith(("django.request", "django.security")):
            return True
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and not hasattr(request, "log_reason"):
            request.log_reason = record.getMessage()  # type: ignore[attr-defined]
        return False


SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def formatter(log_format: str) -> dict[str, Any]:
    """The logging `formatters` entry for LOG_FORMAT (json or text)."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        # Colours only on a terminal: never in a file, a pipe or honcho's output.
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": SHARED,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            drop_noise,
            redact_event,
            renderer,
        ],
    }


def configure() -> None:
    structlog.configure(
        processors=[
            *SHARED,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class RequestLogMiddleware:
    """One line per request (method, path without the query, status, duration, user) with a
    request id, which every line logged meanwhile carries and the response echoes."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self._acall(request)
        started = self._start(request)
        try:
            response = self.get_response(request)
        except Exception:
            self._finish(request, None, started)
            raise
        return self._finish(request, response, started)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = self._start(request)
        get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
        try:
            response = await get_response(request)
        except Exception:
            self._finish(request, None, started)
            raise
        finished: HttpResponseBase = self._finish(request, response, started)
        return finished

    def _start(self, request: HttpRequest) -> float:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        return time.monotonic()

    def _finish(
        self, request: HttpRequest, response: HttpResponseBase | None, started: float
    ) -> Any:
        status = response.status_code if response is not None else 500
        user = getattr(request, "user", None)
        reason = getattr(request, "log_reason", None)  # Django's words for a 4xx, if any
        request_logger.info(
            "request",
            **({"reason": reason} if reason else {}),
            method=request.method,
            path=redact(request.path),  # here too: a host's own handler may skip ours
            status=status,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        if response is not None:
            response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        structlog.contextvars.clear_contextvars()
        return response


def _job_fields(task_result: Any) -> dict[str, Any]:
    """task id, task name, and the calendar (or other ids) it was called with."""
    fields: dict[str, Any] = {"task_id": str(task_result.id), "task": task_result.task.name}
    try:
        bound = inspect.signature(task_result.task.func).bind(
            *task_result.args, **task_result.kwargs
        )
    except TypeError:
        return fields
    fields.update({k: v for k, v in bound.arguments.items() if k.endswith("_id")})
    return fields


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**_job_fields(task_result), started=time.monotonic())


def on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    context = structlog.contextvars.get_contextvars()
    started = context.get("started")
    structlog.contextvars.unbind_contextvars("started")
    fields = {} if "task_id" in context else _job_fields(task_result)
    job_logger.info(
        "job",
        **fields,
        status=str(getattr(task_result.status, "value", task_result.status)),
        result=_short(task_result),
        duration_ms=round((time.monotonic() - started) * 1000, 1) if started else None,
    )
    structlog.contextvars.clear_contextvars()


def _short(task_result: Any) -> str | None:
    try:
        value = task_result.return_value
    except Exception:  # failed jobs have none
        return None
    return None if value is None else str(value)[:200]
