"""Keeping OAuth codes, tokens and state out of log lines: one function, used by the logging
filter below (any handler) and by the structured logs' processor (calendar_api/operations/logs.py)."""

from __future__ import annotations

import logging
import re

# Query-string parameters only (after ? or &): a job's "state=READY" in a log line stays.
SENSITIVE = re.compile(
    r"(?i)([?&](?:code|state|token|access_token|refresh_token|id_token))=[^&\s\"']+"
)


def redact(text: str) -> str:
    """The text with the values of sensitive query parameters replaced by [redacted]."""
    return SENSITIVE.sub(r"\1=[redacted]", text)


class RedactOAuthParams(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
