"""Keeping OAuth codes, tokens and state, and the secrets of ICS feed URLs, out of log lines:
one function, `redact`, used by the logging filter below (any handler), by the structured logs'
processor (calendar_api/operations/logs.py), by the gunicorn logger of deploy/gunicorn.conf.py,
and put by `install_redaction` on the loggers that write a request's path: the access logs of
every server we run under (runserver, gunicorn, uvicorn) and Django's `django.request` ("Not
Found: /path"), whatever handlers a host gives them."""

from __future__ import annotations

import logging
import re

# Query-string parameters only (after ? or &): a job's "state=READY" in a log line stays.
SENSITIVE = re.compile(
    r"(?i)([?&](?:code|state|token|access_token|refresh_token|id_token))=[^&\s\"']+"
)
# A feed's secret is a path segment (`/rest/v1/feeds/ics/<secret>.ics`, wherever a host mounts
# the URLs): everything after `/feeds/ics/` up to the query, a quote or a space, in any text
# (a request line, a repr, JSON), whether the secret is right, wrong or rotated away.
FEED_PATH = re.compile(r"(/feeds/ics/)[^?#\s\"'<>]*?(\.ics)?(?=[?#\s\"'<>]|$)")
ACCESS_LOGGERS = (
    "django.server",
    "django.request",
    "gunicorn.access",
    "uvicorn.access",
    "uvicorn.error",
)


def redact(text: str) -> str:
    """The text with the values of sensitive query parameters and feed secrets replaced by
    [redacted]."""
    return FEED_PATH.sub(r"\1[redacted]\2", SENSITIVE.sub(r"\1=[redacted]", text))


class RedactOAuthParams(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install_redaction() -> None:
    """Filter every access logger, whatever handlers the server gave it (once per logger)."""
    for name in ACCESS_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactOAuthParams) for f in target.filters):
            target.addFilter(RedactOAuthParams())
