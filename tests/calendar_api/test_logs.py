"""Logs: every line of a whole flow (connect, sync, push, write, refresh, disconnect), as the
console handler renders it, holds no secret; a request logs one line, a job one line."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from calendar_api.google.config import load_config
from calendar_api.models import GoogleAccount
from calendar_api.operations.logs import OneLinePerRequest, formatter
from calendar_api.operations.redaction import install_redaction
from tests.calendar_api.conftest import INIT, consent, path_of, query
from tests.emulator.clients import control

pytestmark = pytest.mark.django_db(transaction=True)  # a worker loop runs here


class Lines(logging.Handler):
    """Every record, rendered as the production console handler renders it (JSON)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        options = formatter("json")
        self.setFormatter(options.pop("()")(**options))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


class Messages(logging.Handler):
    """Every record's bare message, as a host's own handler without our formatter sees it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def messages(lines: Lines) -> Iterator[Messages]:
    handler = Messages()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def run_jobs() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_no_secret_reaches_any_log_line_of_a_whole_flow(
    google: Any, visitor: Client, lines: Lines, calendar_settings: Any, monkeypatch: Any
) -> None:
    import secrets as secrets_module

    channel_tokens: list[str] = []
    real = secrets_module.token_urlsafe

    def remember(n: int) -> str:
        channel_tokens.append(real(n))
        return channel_tokens[-1]

    monkeypatch.setattr("calendar_api.services.watches.secrets.token_urlsafe", remember)
    calendar_settings.PUSH_NOTIFICATIONS = True
    secrets: list[str] = [load_config().client_secret]

    # Connect: the code travels in the redirect's query string.
    back = consent(visitor.get(INIT, {"login_hint": "alice@example.com"})["Location"])
    secrets.append(query(back)["code"])
    assert visitor.get(path_of(back)).status_code == 200
    account = GoogleAccount.objects.get(email="alice@example.com")
    secrets += [account.access_token, account.refresh_token]
    calendar = account.calendars.get(primary=True)

    # Sync and push: the worker runs the queued jobs (the channel's watch among them); Google
    # notifies with the channel token.
    run_jobs()
    api_token = visitor.post("/rest/v1/auth/tokens/", content_type="application/json").json()[
        "token"
    ]
    secrets.append(api_token)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    channel = calendar.channels.get(stopped_at__isnull=True)
    secrets += channel_tokens
    pushed = Client().post(
        "/rest/v1/calendar/notifications/",
        HTTP_X_GOOG_CHANNEL_ID=channel.channel_id,
        HTTP_X_GOOG_CHANNEL_TOKEN=channel_tokens[-1],
        HTTP_X_GOOG_MESSAGE_NUMBER="2",
        HTTP_X_GOOG_RESOURCE_STATE="exists",
    )
    assert pushed.status_code == 200
    run_jobs()

    # Write, then a refresh (Google stopped accepting the access token), then disconnect.
    body = {
        "summary": "Logged",
        "start": {"dateTime": "2030-01-01T10:00:00Z"},
        "end": {"dateTime": "2030-01-01T11:00:00Z"},
    }
    url = f"/rest/v1/calendars/{calendar.google_id}/events/"
    assert api.post(url, body, content_type="application/json").status_code == 201
    control(google.base_url, "expire-access-tokens")
    assert api.post(url, body, content_type="application/json").status_code == 201
    account.refresh_from_db()
    secrets.append(account.access_token)
    assert api.delete(f"/rest/v1/connections/{account.pk}/").status_code == 204
    run_jobs()

    text = "\n".join(lines.lines)
    assert len(lines.lines) > 10
    assert '"event": "request"' in text and '"event": "job"' in text
    leaked = [s for s in secrets if s and s in text]
    assert leaked == [], [line for line in lines.lines if any(s in line for s in leaked)][:3]


def test_a_request_logs_one_line_with_its_request_id(client: Client, lines: Lines) -> None:
    response = client.get("/healthz?code=4/secret-code&state=abc")
    mine = [json.loads(line) for line in lines.lines if response["X-Request-ID"] in line]
    assert len(mine) == 1
    assert mine[0]["event"] == "request" and mine[0]["path"] == "/healthz"
    assert mine[0]["status"] == 200 and "secret-code" not in json.dumps(mine)


def test_a_job_logs_one_line_with_its_task_id_and_calendar(alice: Any, lines: Lines) -> None:
    from calendar_api import tasks

    calendar = alice.calendars.get(primary=True)
    result = tasks.sync_calendar.enqueue(calendar.pk)
    run_jobs()
    mine = [json.loads(line) for line in lines.lines if str(result.id) in line]
    job_lines = [line for line in mine if line["event"] == "job"]
    assert len(job_lines) == 1, mine
    assert job_lines[0]["calendar_id"] == calendar.pk
    assert job_lines[0]["status"] == "SUCCESSFUL" and job_lines[0]["task"] == "sync_calendar"
    assert all(line.get("task_id") == str(result.id) for line in mine)


def test_no_feed_secret_reaches_any_log_line_of_a_feed_flow(
    alice: Any, visitor: Client, lines: Lines, messages: Messages
) -> None:
    install_redaction()  # as every server does when it starts (calendar_api/operations/startup.py)
    feeds = "/rest/v1/feeds/"
    created = visitor.post(feeds, {"calendars": ["primary"]}, content_type="application/json")
    assert created.status_code == 201
    url = urlsplit(created.json()["url"]).path
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    wrong = url.replace(secret, secret[::-1])
    assert Client().get(url).status_code == 200
    assert Client().get(wrong).status_code == 404  # django.request: "Not Found: <path>"
    rotated = visitor.post(f"{feeds}{created.json()['id']}/rotate-secret/")
    assert rotated.status_code == 200
    new_url = urlsplit(rotated.json()["url"]).path
    assert Client().get(url).status_code == 404  # the rotated-away secret, logged the same way
    assert Client().get(new_url).status_code == 200

    secrets = [secret, secret[::-1], new_url.rsplit("/", 1)[1].removesuffix(".ics")]
    text = "\n".join(lines.lines + messages.lines)
    assert text.count("/rest/v1/feeds/ics/[redacted].ics") >= 8  # logged, and redacted
    assert "Not Found: /rest/v1/feeds/ics/[redacted].ics" in text
    leaked = [line for line in lines.lines + messages.lines if any(s in line for s in secrets)]
    assert leaked == [], "\n".join(leaked)


def test_a_refused_request_logs_one_line_with_djangos_reason(lines: Lines) -> None:
    lines.addFilter(OneLinePerRequest())  # as the demo's console handler
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/web/preferences/", {"time_zone": "UTC"})
    missing = strict.get("/no-such-page/", HTTP_ACCEPT="text/html")
    assert (refused.status_code, missing.status_code) == (403, 404)
    mine = [json.loads(line) for line in lines.lines if "/web/preferences/" in line]
    assert len(mine) == 1 and mine[0]["event"] == "request", lines.lines
    assert "CSRF" in mine[0]["reason"]
    assert len([line for line in lines.lines if "/no-such-page/" in line]) == 1


def test_servers_extras_leave_no_socket_repr_nor_escape_codes_in_a_line(lines: Lines) -> None:
    for name in ("django.server", "uvicorn"):  # they do not propagate to the root
        logging.getLogger(name).addHandler(lines)
    with socket.socket() as raw:  # what runserver's access line carries as `request`
        logging.getLogger("django.server").warning(
            '"GET / HTTP/1.1" 500 0', extra={"request": raw, "server_time": "now"}
        )
    logging.getLogger("uvicorn.error").info(
        "Started", extra={"color_message": "Started \x1b[36m1\x1b[0m"}
    )
    for name in ("django.server", "uvicorn"):
        logging.getLogger(name).removeHandler(lines)
    server, uvicorn = (json.loads(line) for line in lines.lines[-2:])
    assert "request" not in server and "server_time" not in server and "socket" not in str(server)
    assert uvicorn["logger"] == "uvicorn" and "color_message" not in uvicorn
