"""What every handler shares: its route, and the context it is called with.

Handlers (the OAuth, Calendar, discovery and control endpoints) import this module, never
`server`: the server imports their route tables, so the arrows point one way only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from google_emulator.errors import GoogleError
from google_emulator.expiry import RefreshExpiry
from google_emulator.faults import Fault, FaultRate
from google_emulator.keys import SigningKey
from google_emulator.quota import Quota
from google_emulator.state import State
from google_emulator.state.oauth import AccessToken
from google_emulator.usage import Usage

Handler = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    path: str
    methods: tuple[str, ...]
    method_id: str  # the discovery method id, e.g. "calendar.events.list", or "oauth.token"
    handler: Handler


class App(Protocol):
    """The running emulator as a handler sees it (`server.Emulator` is the one there is)."""

    state: State
    auto_consent: bool
    latency_ms: int
    seed: str
    quota: Quota
    usage: Usage
    expiry: RefreshExpiry
    key: SigningKey
    state_file: Path | None
    listeners: list[Callable[[str, str], None]]

    def dispatch(self, request: Request, *, in_batch: bool = False) -> Response: ...
    def add_fault(self, fault: Fault) -> None: ...
    def set_fault_rate(self, rate: FaultRate | None) -> None: ...
    def clear_faults(self) -> None: ...
    def fault_list(self) -> list[dict[str, Any]]: ...
    def fault_rate_dict(self) -> dict[str, Any] | None: ...
    def reset(self, seed: str | None = None) -> None: ...
    def save(self) -> None: ...


@dataclass
class Ctx:
    """What a handler gets: the request, the emulator, and the caller's token once checked."""

    request: Request
    emulator: App
    token: AccessToken | None = None
    method_id: str = ""

    @property
    def state(self) -> State:
        return self.emulator.state

    @property
    def base_url(self) -> str:
        return self.request.host_url.rstrip("/")

    def json(self) -> Any:
        if not self.request.get_data():
            return {}
        try:
            return json.loads(self.request.get_data(as_text=True))
        except ValueError as exc:
            raise GoogleError(400, "parseError", f"Parse Error: {exc}") from exc
