"""The emulator's WSGI application: routing to the handlers, fault injection, its server thread."""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from google_emulator import control, discovery, oauth
from google_emulator.calendar import notify
from google_emulator.calendar import routes as calendar_routes
from google_emulator.context import Ctx, Route
from google_emulator.errors import GoogleError, OAuthError
from google_emulator.expiry import RefreshExpiry
from google_emulator.faults import RATE_KINDS, DropConnection, Fault, FaultRate
from google_emulator.keys import SigningKey
from google_emulator.quota import Quota
from google_emulator.seed import build_state
from google_emulator.state import State
from google_emulator.usage import Usage

__all__ = ["Emulator", "EmulatorServer", "Fault"]  # Fault: tests import it here
BAD_INPUT = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError)
log = logging.getLogger("google_emulator")
ROUTES = [*oauth.ROUTES, *calendar_routes.ROUTES, *discovery.ROUTES, *control.ROUTES]


@dataclass
class Emulator:
    """The WSGI app: `ROUTES` (OAuth, Calendar, discovery, control) with faults and quota."""

    state: State
    auto_consent: bool = False
    latency_ms: int = 0
    seed: str = "demo"
    faults: list[Fault] = field(default_factory=list)
    fault_rate: FaultRate | None = None
    quota: Quota = field(default_factory=Quota)
    usage: Usage = field(default_factory=Usage)
    expiry: RefreshExpiry = field(default_factory=RefreshExpiry)
    key: SigningKey = field(default_factory=SigningKey)
    state_file: Path | None = None
    listeners: list[Callable[[str, str], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.routes = ROUTES
        self.url_map = Map(
            [Rule(r.path, endpoint=i, methods=r.methods) for i, r in enumerate(ROUTES)]
        )
        self._fault_lock = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except DropConnection:
            _drop(environ)
            raise
        return response(environ, start_response)

    def dispatch(self, request: Request, *, in_batch: bool = False) -> Response:
        """Route one call. A call inside a batch meets only the error answers of a fault rate."""
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            index, args = adapter.match()
        except NotFound:
            return GoogleError(404, "notFound", f"Not Found: {request.path}").response()
        except MethodNotAllowed:
            return GoogleError(405, "httpMethodNotAllowed", "Method Not Allowed").response()
        except HTTPException as exc:  # e.g. a redirect for a missing slash
            return exc.get_response()
        route = self.routes[int(index)]
        kind = None
        if not route.method_id.startswith("control."):
            failure = self._apply_faults(route.method_id)
            if failure is not None:
                return failure
            kind = self._draw_rate_fault(route.method_id, answers_only=in_batch)
            if kind is not None and kind != "lost":
                return self._rate_fault(kind, route.method_id)
        response = self._handle(route, request, args)
        if kind == "lost":
            raise DropConnection("the call took effect, but its answer is lost")
        return response

    def _handle(self, route: Route, request: Request, args: Mapping[str, Any]) -> Response:
        try:
            with self.state.lock:
                ctx = Ctx(request, self, method_id=route.method_id)
                response: Response = route.handler(ctx, **args)
                return response
        except (GoogleError, OAuthError) as exc:
            return exc.response()
        except BAD_INPUT:
            # Bad input must never crash the emulator: it answers Google's 400 instead.
            log.exception("%s failed on bad input; answering 400", route.method_id)
            if route.method_id.startswith("oauth."):
                return OAuthError(400, "invalid_request", "Bad Request").response()
            return GoogleError(400, "badRequest", "Bad Request").response()

    def _apply_faults(self, method_id: str) -> Response | None:
        with self._fault_lock:
            fault = next((f for f in self.faults if f.matches(method_id)), None)
            if fault is not None:
                fault.times -= 1
        delay = self.latency_ms + (fault.delay_ms if fault else 0)
        if delay:
            time.sleep(delay / 1000)
        if fault is None or not fault.status:
            return None
        if method_id.startswith("oauth."):
            error = fault.error or ("invalid_grant" if fault.status == 400 else "internal_failure")
            return OAuthError(fault.status, error, fault.message or "Injected fault").response()
        answer = GoogleError(
            fault.status,
            fault.reason or None,
            fault.message or None,
            retry_after=fault.retry_after or None,
        )
        return answer.response()

    def _draw_rate_fault(self, method_id: str, *, answers_only: bool = False) -> str | None:
        with self._fault_lock:
            rate = self.fault_rate
            kind = rate.draw(method_id) if rate is not None else None
            if rate is not None and kind is not None and answers_only and not RATE_KINDS[kind]:
                rate.injected[kind] -= 1  # a batch's part can only fail with an error answer
                return None
        if rate is not None and kind == "slow":
            time.sleep(rate.slow_ms / 1000)
            return None
        if rate is not None and kind == "timeout":
            time.sleep(rate.timeout_ms / 1000)
        return kind

    def _rate_fault(self, kind: str, method_id: str) -> Response:
        """The answer to a call that meets a steady-rate fault (or no answer at all)."""
        status = RATE_KINDS[kind]
        if not status:  # "drop" and "timeout": the connection closes with no answer
            raise DropConnection(f"injected fault: {kind}")
        if method_id.startswith("oauth."):
            error = "rate_limit_exceeded" if status in (403, 429) else "internal_failure"
            return OAuthError(status, error, "Injected fault").response()
        return GoogleError(status, "rateLimitExceeded" if status in (403, 429) else None).response()

    def set_fault_rate(self, rate: FaultRate | None) -> None:
        with self._fault_lock:
            self.fault_rate = rate

    def add_fault(self, fault: Fault) -> None:
        with self._fault_lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self._fault_lock:
            self.faults.clear()
            self.fault_rate = None

    def fault_list(self) -> list[dict[str, Any]]:
        with self._fault_lock:
            return [asdict(f) for f in self.faults if f.times > 0]

    def fault_rate_dict(self) -> dict[str, Any] | None:
        with self._fault_lock:
            return self.fault_rate.as_dict() if self.fault_rate is not None else None

    def reset(self, seed: str | None = None) -> None:
        """Back to a freshly seeded state (keeping registered clients), with no faults."""
        fresh = build_state(seed or self.seed)
        with self.state.lock:
            fresh.clients.update(self.state.clients)
            for name in (
                "clients",
                "accounts",
                "codes",
                "refresh_tokens",
                "access_tokens",
                "grants",
                "calendars",
            ):
                setattr(self.state, name, getattr(fresh, name))
        self.clear_faults()
        self.quota.clear()
        self.usage.clear()
        self.expiry.max_age = self.expiry.default_max_age
        self.latency_ms = 0
        notify.set_faults(None)

    def save(self) -> None:
        if self.state_file is not None:
            self.state.signing_key_pem = self.key.pem.decode()
            self.state.save(self.state_file)


def _drop(environ: WSGIEnvironment) -> None:
    """Close the client's connection at once, so it gets no answer at all."""
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        with contextlib.suppress(OSError):  # already gone
            connection.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """Runs an `Emulator` on a threaded WSGI server in a background thread (for tests).

    With an `ssl_context` it serves HTTPS (`python -m google_emulator exec` serves Google's
    hostnames that way); several servers may share one `Emulator`.
    """

    def __init__(
        self,
        emulator: Emulator,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.emulator = emulator
        self.scheme = "https" if ssl_context is not None else "http"
        self._server: BaseWSGIServer = make_server(
            host, port, emulator, threaded=True, ssl_context=ssl_context
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.port)

    @property
    def base_url(self) -> str:
        host = self._server.host
        return f"{self.scheme}://{host}:{self._server.port}"

    def start(self) -> EmulatorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
