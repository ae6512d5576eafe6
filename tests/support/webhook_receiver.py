"""A webhook receiver for tests: a threaded HTTP server on loopback that checks every message
with `standardwebhooks` (as a receiver should), records it, and answers scripted statuses."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Message:
    webhook_id: str
    timestamp: str
    verified: bool
    payload: dict[str, Any]
    answered: int


class Receiver:
    """Answers each request with the next status in `answers` (200 once they run out); with
    `hold` cleared, a request waits (up to `hold_timeout`) before it is answered."""

    def __init__(self) -> None:
        self.secret = ""
        self.answers: list[int] = []
        self.messages: list[Message] = []
        self.arrivals = 0
        self.hold = threading.Event()
        self.hold.set()
        self.hold_timeout = 15.0
        self.lock = threading.Lock()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/calendar"

    def start(self) -> None:
        """Listen (again, on the same port after `stop`)."""
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop listening: connections are refused until `start`."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def unique(self) -> dict[str, Message]:
        """The messages deduplicated by webhook-id, as a receiver must (first one wins)."""
        seen: dict[str, Message] = {}
        for message in self.messages:
            seen.setdefault(message.webhook_id, message)
        return seen

    def wait(self, condition: Callable[[Receiver], bool], what: str, timeout: float = 20) -> None:
        until = time.monotonic() + timeout
        while not condition(self):
            assert time.monotonic() < until, f"no {what}: got {self.messages}"
            time.sleep(0.05)

    def _receive(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.arrivals += 1
            status = self.answers.pop(0) if self.answers else 200
        self.hold.wait(self.hold_timeout)
        try:
            payload = Webhook(self.secret).verify(body, headers)
            verified = True
        except WebhookVerificationError:
            payload, verified = json.loads(body), False
        message = Message(
            headers.get("webhook-id", ""),
            headers.get("webhook-timestamp", ""),
            verified,
            payload,
            status,
        )
        with self.lock:
            self.messages.append(message)
        return status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                status = receiver._receive(headers, body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone (a killed worker)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
