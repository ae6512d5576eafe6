"""gunicorn's settings, for a host that serves the WSGI app with gunicorn behind nginx instead
of the uvicorn unit (deploy/calendar-web.service), from the checkout in /srv/calendar:

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py calendar_project.wsgi

An ICS feed's URL holds its secret in the path (/rest/v1/feeds/ics/<secret>.ics), and the
OAuth redirect's query holds a code. The access format leaves the query out, and the logger
class redacts feed secrets (and codes, tokens, state) from every atom, whatever format a host
sets, and from gunicorn's error lines ("Error handling request /path"), from the master's
start, before the app is loaded (calendar_api.operations.startup filters the same loggers once it is).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # the checkout, for calendar_api
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calendar_api.operations.redaction import RedactOAuthParams, redact


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no annotations
    """gunicorn's logger with every access-log atom (request line, path, referer, headers)
    redacted, and the redaction filter on its error and access loggers."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for target in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactOAuthParams) for f in target.filters):
                target.addFilter(RedactOAuthParams())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        if found.get("q"):  # the bare query string: redact knows a parameter by its ? or &
            found["q"] = redact("?" + found["q"])[1:]
        return {k: redact(v) if isinstance(v, str) else v for k, v in found.items()}


bind = "127.0.0.1:8000"
workers = 4
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"  # stdout: the journal
# nginx's format (deploy/nginx-calendar.conf): the path without its query, the request id.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%({x-request-id}i)s"'
logger_class = RedactingLogger
