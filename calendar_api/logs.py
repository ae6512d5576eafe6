"""A logging filter that keeps OAuth codes, tokens and state out of log lines."""

from __future__ import annotations

import logging
import re

# Query-string parameters only (after ? or &): a job's "state=READY" in a log line stays.
SENSITIVE = re.compile(
    r"(?i)([?&](?:code|state|token|access_token|refresh_token|id_token))=[^&\s\"']+"
)


class RedactOAuthParams(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SENSITIVE.sub(r"\1=[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
